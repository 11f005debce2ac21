import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { aclFile, mosquittoConf, passwordFile, type MosquittoAccount } from './mosquitto.ts';

const A = '9b8d1856-ff34-4864-a726-12de072d0f77';
const H = '$7$1000$AAAAAAAAAAAAAAAA$' + 'B'.repeat(86) + '==';
const accounts: MosquittoAccount[] = [
  { username: 'infoscreen-client-9b8d1856', passwordHash: H, principal: { role: 'device', uuid: A, groupId: 7 } },
  { username: 'infoscreen-server', passwordHash: H, principal: { role: 'server' } },
];

test('mosquitto.conf: anonymous off, relative file paths, listeners, TLS, client ids bound to usernames', () => {
  const c = mosquittoConf({ port: 1883, maxPayloadBytes: 1000, tls: { port: 8883, certfile: '/etc/tls/c.pem', keyfile: '/etc/tls/k.pem' }, user: 'mosquitto' });
  const lines = c.split('\n').filter((l) => l && !l.startsWith('#'));
  assert.ok(lines.includes('allow_anonymous false'));
  assert.ok(lines.includes('password_file passwd') && lines.includes('acl_file acl'));
  assert.ok(lines.includes('message_size_limit 1000'));
  assert.ok(lines.includes('user mosquitto'));
  const l1 = lines.indexOf('listener 1883');
  const l2 = lines.indexOf('listener 8883');
  assert.ok(l1 >= 0 && l2 > l1);
  assert.equal(lines.slice(l2 + 1, l2 + 3), ['certfile /etc/tls/c.pem', 'keyfile /etc/tls/k.pem']);
  // Before any listener, Mosquitto 2.0.11 would open a default one on 1883.
  assert.ok(lines.indexOf('use_username_as_clientid true') > l2);
  assert.not.match(mosquittoConf({ port: 1, maxPayloadBytes: 1 }), /certfile/);
});

test('password file: username:$7$… per line, sorted', () => {
  assert.is(passwordFile(accounts), `infoscreen-client-9b8d1856:${H}\ninfoscreen-server:${H}\n`);
  assert.throws(() => passwordFile([{ ...accounts[0], username: 'a:b' }]), /cannot be written/);
  assert.throws(() => passwordFile([{ ...accounts[0], passwordHash: 'scrypt$…' }]), /not a \$7\$/);
  assert.is(passwordFile([]), '');
});

test('ACL file: server block first, then each device with its own topics and its current group', () => {
  const acl = aclFile(accounts);
  const [server, device] = acl.split('\n\n').slice(1);
  assert.ok(server.startsWith('user infoscreen-server\n'));
  assert.ok(server.includes('topic write infoscreen/+/commands') && server.includes('topic read infoscreen/+/logs/#'));
  assert.ok(device.includes('user infoscreen-client-9b8d1856'));
  assert.ok(device.includes(`topic write infoscreen/${A}/heartbeat`));
  assert.ok(device.includes(`topic read infoscreen/${A}/commands`));
  assert.ok(device.includes('topic read infoscreen/events/7') && device.includes('topic read infoscreen/groups/7/power/intent'));
  const rules = device.split('\n').filter((l) => !l.startsWith('#')).join('\n');
  assert.not.match(rules, /\+|#/, 'no wildcard for a device');
  const beforeFirstUser = acl.slice(0, acl.indexOf('\nuser '));
  assert.not.match(beforeFirstUser, /^(pattern|topic)/m, 'no rule outside a user block (anonymous gets nothing)');
  assert.not.match(acl, /^pattern/m);
});

test.run();
