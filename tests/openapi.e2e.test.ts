/**
 * The OpenAPI document against the real runtime (docs/http.md "OpenAPI"): every `/api` route the app
 * mounts is in `/api/openapi.json` with a summary and its role, and the real answers of the main
 * endpoints (a screen discovered over the embedded broker, a command published to it, groups,
 * events, users, status, alerts) validate against the document's response schemas (JSON Schema
 * 2020-12, as OpenAPI 3.1 uses).
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { MqttClient } from 'mqtt';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { collect, device, embeddedTarget, guardedSetup, pub, startHarness, tempDir, waitFor, type Harness, type TempDir } from '../testing/helpers.ts';

const s = suite('OpenAPI document');
let dir: TempDir;
let h: Harness;
let dev: MqttClient;
let doc: any;
const UUID = '0a0b0c0d-1111-4222-8333-444455556666';

guardedSetup(s, async () => {
  dir = tempDir();
  h = await startHarness(dir.dir, embeddedTarget());
  dev = await device(h.url);
  const res = await h.rt.app.request('/api/openapi.json');
  assert.is(res.status, 200);
  doc = await res.json();
});
s.after(async () => {
  await dev?.endAsync(true).catch(() => {});
  await h?.close();
  dir?.remove();
});

/** `/api/clients/:uuid` → `/api/clients/{uuid}`. */
const openApiPath = (p: string) => p.replace(/:(\w+)(\{[^}]*\})?\??/g, '{$1}');

s('every /api route of the app is in the document, with a summary, a tag and who may call it', () => {
  assert.is(doc.openapi, '3.1.0');
  assert.equal(Object.keys(doc.components.securitySchemes).sort(), ['bearer', 'session']);
  assert.equal(doc.components.securitySchemes.session, { type: 'apiKey', in: 'cookie', name: 'sid', description: doc.components.securitySchemes.session.description });
  assert.is(doc.components.securitySchemes.bearer.scheme, 'bearer');
  const missing: string[] = [];
  const undescribed: string[] = [];
  let seen = 0;
  for (const r of h.rt.app.routes) {
    if (!r.path.startsWith('/api/') || r.method === 'ALL' || r.path.endsWith('*')) continue;
    const path = openApiPath(r.path);
    const op = doc.paths[path]?.[r.method.toLowerCase()];
    seen++;
    if (!op) missing.push(`${r.method} ${path}`);
    else if (!op.summary || !op.tags?.length || !(op['x-min-role'] || op.security?.length === 0)) undescribed.push(`${r.method} ${path}`);
  }
  assert.ok(seen > 100, `the runtime mounts all its routes (${seen})`);
  assert.equal([...new Set(missing)], [], 'routes missing from the document');
  assert.equal([...new Set(undescribed)], [], 'routes without summary, tag or role');
});

s('operations name their token scope; public ones need nothing', () => {
  const op = (p: string, m: string) => doc.paths[p][m];
  assert.equal(op('/api/clients', 'get').security, [{ session: [] }, { bearer: ['read'] }]);
  assert.equal(op('/api/clients/{uuid}/restart', 'post').security, [{ session: [] }, { bearer: ['commands'] }]);
  assert.equal(op('/api/events', 'post').security, [{ session: [] }, { bearer: ['schedule'] }]);
  assert.equal(op('/api/users', 'post').security, [{ session: [] }, { bearer: ['admin'] }]);
  assert.equal(op('/api/auth/login', 'post').security, []);
  assert.is(op('/api/users', 'post')['x-min-role'], 'admin');
  assert.ok(op('/api/users', 'post').requestBody.content['application/json'].schema.properties.username, 'request schema from validate()');
});

/**
 * What is wrong with an answer by the document's schema for (path, method, status), like a client
 * generated from it would see it; null when nothing.
 */
function checker() {
  // ajv and ajv-formats are CommonJS: their default export's types do not match how Node loads them.
  const ajv = new (Ajv2020 as any)({ strict: false, allErrors: true });
  (addFormats as any)(ajv);
  ajv.addSchema({ $id: 'openapi.json', components: doc.components });
  return (path: string, method: string, status: number, body: unknown): string | null => {
    const schema = doc.paths[path]?.[method]?.responses?.[status]?.content?.['application/json']?.schema;
    if (!schema) return `${method.toUpperCase()} ${path} documents no JSON schema for ${status}`;
    const validate = ajv.compile(JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"openapi.json#/components/')));
    return validate(body) ? null : `${method.toUpperCase()} ${path} ${status}: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(body).slice(0, 600)}`;
  };
}

s('real answers of the main endpoints match their documented schemas', async () => {
  const check = checker();
  const answer = async (method: string, path: string, docPath: string, body?: unknown, want = method === 'POST' ? 201 : 200) => {
    const r = method === 'GET' ? await h.get(path) : await h.send(method, path, body);
    assert.is(r.status, want, `${method} ${path}: ${JSON.stringify(r.body)}`);
    assert.is(check(docPath, method.toLowerCase(), want, r.body), null);
    return r.body;
  };
  // A screen discovered over the embedded broker, as in the field.
  const acks = await collect(dev, `infoscreen/${UUID}/discovery_ack`);
  await pub(dev, 'infoscreen/discovery', { uuid: UUID, hostname: 'openapi-screen', ip: '10.0.0.7', hardware: { model: 'pi5' } });
  await waitFor(() => acks[0], 'the discovery_ack');

  const group = await answer('POST', '/api/groups', '/api/groups', { name: 'Hall', description: 'ground floor' });
  await answer('GET', '/api/groups', '/api/groups');
  await answer('GET', `/api/groups/${group.id}`, '/api/groups/{id}');
  await answer('PUT', `/api/clients/${UUID}`, '/api/clients/{uuid}', { groupId: group.id, description: 'Entrance' }, 200);
  const list = await answer('GET', '/api/clients', '/api/clients');
  assert.is(list[0].uuid, UUID);
  await answer('GET', `/api/clients/${UUID}`, '/api/clients/{uuid}');

  const issued = await answer('POST', `/api/clients/${UUID}/restart_app`, '/api/clients/{uuid}/restart_app', { reason: 'openapi check' }, 202);
  await answer('GET', `/api/clients/commands/${issued.command.commandId}`, '/api/clients/commands/{id}');
  await answer('GET', `/api/clients/${UUID}/commands`, '/api/clients/{uuid}/commands');
  await answer('GET', '/api/commands', '/api/commands');

  const event = { groupId: group.id, title: 'Morning news', eventType: 'message', message: { text: 'Hello' }, start: '2030-03-02T07:00:00Z', end: '2030-03-02T08:00:00Z', recurrenceRule: 'FREQ=DAILY;COUNT=5' };
  const created = await answer('POST', '/api/events', '/api/events', event);
  await answer('GET', '/api/events', '/api/events');
  await answer('GET', `/api/events/${created.id}`, '/api/events/{id}');
  await answer('POST', `/api/events/${created.id}/occurrences/20300303T070000Z/skip`, '/api/events/{id}/occurrences/{date}/skip', undefined, 200);
  await answer('GET', '/api/events/occurrences?start=2030-03-01T00:00:00Z&end=2030-03-10T00:00:00Z', '/api/events/occurrences');

  await answer('POST', '/api/users', '/api/users', { username: 'operator', password: 'long enough password', role: 'editor' });
  await answer('GET', '/api/users', '/api/users');
  await answer('GET', '/api/status', '/api/status');
  const alerts = await answer('GET', '/api/alerts?status=all', '/api/alerts');
  assert.ok(Array.isArray(alerts.alerts));
});

s('a drifted answer fails the check (the schemas refuse unknown and missing fields)', async () => {
  const check = checker();
  const client = (await h.get(`/api/clients/${UUID}`)).body;
  assert.is(check('/api/clients/{uuid}', 'get', 200, client), null);
  assert.match(check('/api/clients/{uuid}', 'get', 200, { ...client, surprise: 1 }) ?? '', 'must NOT have additional properties');
  const { status: _, ...withoutStatus } = client;
  assert.match(check('/api/clients/{uuid}', 'get', 200, withoutStatus) ?? '', "must have required property 'status'");
  assert.match(check('/api/clients/{uuid}', 'get', 200, { ...client, lastAlive: 'yesterday' }) ?? '', 'must match format');
});

s.run();
