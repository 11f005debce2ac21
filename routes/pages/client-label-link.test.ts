import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fixture, UUID_A, type Fixture } from '../../testing/route-fixture.ts';

// The client page links to its printable label (routes/pages/label.ts), for every role that may open both.

let f: Fixture;

test.before(async () => {
  f = await fixture();
  f.fleet.put({ uuid: UUID_A, description: 'Aula', status: 'healthy', connectivity: 'online', statusReasons: [], lastAlive: f.clock.t }, f.clock.t);
});
test.after(async () => {
  await f.close();
});

test('client page: "Print label" links to /clients/{uuid}/label, which answers the label', async () => {
  for (const [role, lang, text] of [['user', 'en', 'Print label'], ['admin', 'de', 'Etikett drucken']] as const) {
    const cookie = await f.login(role);
    const html = await (await f.app.request(`/clients/${UUID_A}`, { headers: { cookie, 'accept-language': lang } })).text();
    const m = new RegExp(`<a class="btn btn-small" href="(/clients/${UUID_A}/label)">${text}</a>`).exec(html);
    assert.ok(m, `${role}: label link`);
    const label = await f.app.request(m![1], { headers: { cookie } });
    assert.is(label.status, 200);
    assert.match(await label.text(), /<svg class="qr"/);
  }
});

test.run();
