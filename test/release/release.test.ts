import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { installCommand, nativePackages, releaseManifest } from '../../release/make-release';

const ROOT = path.resolve(__dirname, '..', '..');
const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as Parameters<
  typeof releaseManifest
>[0];

describe('the release', () => {
  it('installs without scripts, dev dependencies or allowScripts, and keeps what runs', () => {
    const released = releaseManifest(manifest);
    expect(released).not.toHaveProperty('scripts');
    expect(released).not.toHaveProperty('devDependencies');
    expect(released).not.toHaveProperty('allowScripts');
    expect(released).toMatchObject({
      name: manifest.name,
      version: manifest.version,
      bin: { 'cat-litter-reminder': 'dist/src/cli.js' },
      dependencies: manifest.dependencies,
      optionalDependencies: manifest.optionalDependencies,
    });
  });

  it('is installed with the command the docs give, allowing the native drivers package.json approves', () => {
    expect(nativePackages(manifest)).toEqual(['epoll', 'rpi-ws281x-native', 'spi-device']);
    const file = path.join(ROOT, `${manifest.name}-${manifest.version}.tgz`);
    const command = installCommand({ file, bytes: 0, entries: 0, allowScripts: nativePackages(manifest) });
    for (const doc of ['README.md', 'docs/pi-setup.md', 'docs/development.md', 'docs/service.md']) {
      expect({ doc, has: fs.readFileSync(path.join(ROOT, doc), 'utf8').includes(command) }).toEqual({ doc, has: true });
    }
  });
});

describe("the clone's prepare", () => {
  // release/prepare.js in a folder of its own, where no TypeScript can be found (npm ci --omit=dev).
  function prepareWithout(withDist: boolean) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prepare-'));
    try {
      fs.mkdirSync(path.join(dir, 'release'));
      fs.copyFileSync(path.join(ROOT, 'release', 'prepare.js'), path.join(dir, 'release', 'prepare.js'));
      if (withDist) {
        fs.mkdirSync(path.join(dir, 'dist', 'src'), { recursive: true });
        fs.writeFileSync(path.join(dir, 'dist', 'src', 'cli.js'), '');
      }
      return spawnSync(process.execPath, [path.join(dir, 'release', 'prepare.js')], { encoding: 'utf8' });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }

  it('keeps a built dist/ when TypeScript is not installed, and says so', () => {
    const run = prepareWithout(true);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(
      /^TypeScript is not installed \(npm ci --omit=dev\?\): nothing is built; .*dist\/src is used as it is\.$/m,
    );
  });

  it('fails, saying what to do, without TypeScript and without dist/', () => {
    const run = prepareWithout(false);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(
      /dist\/src\/cli\.js is missing and TypeScript is not installed to build it: run npm ci without --omit=dev/,
    );
  });
});
