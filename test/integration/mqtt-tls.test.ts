import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { brokerPerSuite } from '../support/broker-suite';
import { NodeProcess } from '../support/node-process';
import { describeNeeding } from '../support/requirements';

/** A CA of the household's own, and a certificate it signed for localhost. */
function certificates(dir: string): { ca: string; cert: string; key: string } {
  const file = (name: string) => path.join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  openssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '2',
    '-subj',
    '/CN=test CA',
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
  );
  openssl(
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-subj',
    '/CN=localhost',
    '-keyout',
    'server.key',
    '-out',
    'server.csr',
  );
  fs.writeFileSync(file('san.cnf'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
  openssl(
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-days',
    '2',
    '-extfile',
    'san.cnf',
    '-out',
    'server.pem',
  );
  return { ca: file('ca.pem'), cert: file('server.pem'), key: file('server.key') };
}

describeNeeding(['mosquitto', 'openssl'], 'a node and a broker over TLS (mqtts://)', () => {
  const mqtt = brokerPerSuite({
    tls: (dir) => {
      const files = certificates(dir);
      ca = files.ca;
      return files;
    },
  });
  let ca: string;

  it('connects to a broker whose certificate the system trusts (here: the CA given by NODE_EXTRA_CA_CERTS)', async () => {
    const node = new NodeProcess(
      ['--mqtt', mqtt.broker.url, '--state-file', path.join(mqtt.temp.dir, 'trusted', 'state')],
      {
        env: { NODE_EXTRA_CA_CERTS: ca },
      },
    );
    mqtt.nodes.push(node);
    await node.waitFor((r) => r.event === 'mqtt.connected', 'connected over TLS');
  });

  it('refuses a certificate it cannot check, with one warning that says so, and runs on', async () => {
    const node = new NodeProcess([
      '--mqtt',
      mqtt.broker.url,
      '--state-file',
      path.join(mqtt.temp.dir, 'untrusted', 'state'),
    ]);
    mqtt.nodes.push(node);
    const warning = await node.waitFor((r) => r.event === 'mqtt.unavailable', 'the warning');
    expect(String(warning.problem)).toMatch(/certificate/);
    expect(node.records.some((r) => r.event === 'mqtt.connected')).toBe(false);
  });
});
