import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { UsageError } from '../../src/settings/command-line';
import { resolveSettings } from '../../src/settings/resolve-settings';

// No configuration file of this machine's takes part: a home without one.
const read = (...argv: string[]) =>
  resolveSettings(argv, { env: { HOME: '/nonexistent' }, stdoutIsTty: false })!.options.mqtt;
const refusal = (...argv: string[]) => {
  try {
    read(...argv);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error('accepted');
};

describe('the MQTT flags of run', () => {
  it('is nothing without --mqtt, and refuses the other MQTT flags alone', () => {
    expect(read()).toBeNull();
    expect(refusal('--mqtt-topic', 'x')).toBe('--mqtt-topic needs --mqtt URL (mqtt.url)');
    expect(refusal('--ha-discovery', 'off')).toBe('--ha-discovery needs --mqtt URL (mqtt.url)');
  });

  it('reads the broker, its default ports, the user, and the topic prefixes', () => {
    expect(read('--mqtt', 'mqtt://broker.local')).toEqual({
      broker: 'mqtt://broker.local:1883',
      username: null,
      password: null,
      passwordFile: null,
      topic: 'cat-litter-reminder',
      haDiscovery: 'homeassistant',
    });
    expect(read('--mqtt', 'mqtts://cat%40home@10.0.0.5', '--mqtt-topic', 'home/cats', '--ha-discovery', 'off')).toEqual(
      {
        broker: 'mqtts://10.0.0.5:8883',
        username: 'cat@home',
        password: null,
        passwordFile: null,
        topic: 'home/cats',
        haDiscovery: null,
      },
    );
    expect(read('--mqtt', 'mqtt://h:1884', '--ha-discovery', 'ha')?.haDiscovery).toBe('ha');
  });

  it('refuses what is not a broker URL, naming it, before anything starts', () => {
    expect(refusal('--mqtt', 'broker.local')).toMatch(/"broker.local" is not a URL/);
    expect(refusal('--mqtt', 'http://broker.local')).toMatch(/is not mqtt:\/\/ or mqtts:\/\//);
    expect(refusal('--mqtt', 'mqtt://h/topic')).toMatch(/has a path or query/);
    expect(refusal('--mqtt', 'mqtt://h:99999')).toMatch(/not a URL/);
    expect(refusal('--mqtt', 'mqtt://h', '--mqtt-topic', 'a/+/b')).toMatch(/--mqtt-topic: "a\/\+\/b" is not valid/);
    expect(refusal('--mqtt', 'mqtt://h', '--mqtt-topic', '$SYS')).toMatch(/is not valid/);
  });

  it('never repeats a password given in the URL', () => {
    const message = refusal('--mqtt', 'mqtt://cat:s3cret@h');
    expect(message).toMatch(/holds a password; give it in a file with --mqtt-password-file/);
    expect(message).not.toContain('s3cret');
    // Not even in a URL that does not parse.
    for (const url of ['mqtt://cat:s3cret@h:188300', 'mqtt://cat:s3c ret@h']) {
      const broken = refusal('--mqtt', url);
      expect(broken).not.toContain('s3c');
    }
  });

  it('reads the password from the first line of its file, and names a file it cannot read', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mqtt-options-'));
    try {
      const file = path.join(dir, 'password');
      fs.writeFileSync(file, 'pa ss\nnot this\n');
      expect(read('--mqtt', 'mqtt://cat@h', '--mqtt-password-file', file)?.password).toBe('pa ss');
      fs.writeFileSync(file, '\n');
      expect(refusal('--mqtt', 'mqtt://h', '--mqtt-password-file', file)).toBe(
        `--mqtt-password-file: ${file} is empty; expected the password`,
      );
      expect(refusal('--mqtt', 'mqtt://h', '--mqtt-password-file', path.join(dir, 'none'))).toBe(
        `--mqtt-password-file: cannot read ${path.join(dir, 'none')}: no such file (ENOENT); nothing was started`,
      );
      expect(refusal('--mqtt', 'mqtt://h', '--mqtt-password-file', dir)).toMatch(
        /: a folder, not a file \(EISDIR\); nothing/,
      );
      expect(refusal('--mqtt', 'mqtt://h', '--mqtt-password-file', '/dev/zero')).toBe(
        '--mqtt-password-file: /dev/zero is a character device, not a regular file; nothing was started',
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('loads nothing of MQTT.js until a node runs with --mqtt', () => {
    // The built node, as `run` loads it: MQTT.js comes in only when its bridge starts.
    const script =
      "require('./dist/src/node/create-node.js');" +
      "process.stdout.write(String(Object.keys(require.cache).some((file) => file.includes('node_modules/mqtt/'))))";
    expect(
      execFileSync(process.execPath, ['-e', script], { cwd: path.resolve(__dirname, '..', '..'), encoding: 'utf8' }),
    ).toBe('false');
  });
});
