#!/usr/bin/env node
/**
 * `npm run release`: the tarball a Pi installs, `cat-litter-reminder-<version>.tgz` in
 * the repository's folder. It holds what `files` in package.json names (the built
 * program, the systemd unit, the default configuration, the page's files) and a
 * package.json without the scripts and the dev dependencies, so that installing it
 * builds nothing of ours and asks for no TypeScript.
 *
 * No npm-shrinkwrap.json: npm ignores one inside a local tarball installed with -g
 * (npm/cli#5349), so it would only seem to pin the versions.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const REPOSITORY = path.resolve(__dirname, '..', '..');

interface PackageJson {
  name: string;
  version: string;
  scripts?: Record<string, string>;
  devDependencies?: Record<string, string>;
  allowScripts?: Record<string, boolean>;
  [key: string]: unknown;
}

/** What `npm pack --json` says of one tarball. */
interface PackReport {
  filename: string;
  size: number;
  unpackedSize: number;
  entryCount: number;
  files: { path: string }[];
}

export interface Release {
  /** The tarball's absolute path. */
  file: string;
  bytes: number;
  entries: number;
  /** The packages whose install scripts (native builds) the install must allow. */
  allowScripts: string[];
}

function readJson<T>(file: string): T {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
}

/**
 * Runs npm (the one running this script, when npm started it) and returns what it
 * printed; throws with its error output when it fails.
 */
export function npm(args: string[], cwd: string): { stdout: string; stderr: string } {
  const cli = process.env.npm_execpath;
  const [command, prefix] = cli?.endsWith('.js') ? [process.execPath, [cli]] : ['npm', []];
  const run = spawnSync(command, [...prefix, ...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (run.status !== 0) {
    throw new Error(`npm ${args.join(' ')} failed (${run.error?.message ?? `status ${run.status}`}): ${run.stderr}`);
  }
  return { stdout: run.stdout, stderr: run.stderr };
}

/** The dependencies whose install scripts the project approves: the native drivers. */
export function nativePackages(manifest: PackageJson): string[] {
  return Object.entries(manifest.allowScripts ?? {})
    .filter(([, allowed]) => allowed)
    .map(([name]) => name)
    .sort();
}

/** npm's arguments for the install the docs give, but the tarball's path. */
export function installArgs(release: Release): string[] {
  return ['install', '-g', '--omit=dev', `--allow-scripts=${release.allowScripts.join(',')}`];
}

/** The install command the docs give, for this release. */
export function installCommand(release: Release): string {
  return `sudo npm ${installArgs(release).join(' ')} ./${path.basename(release.file)}`;
}

/**
 * package.json as installed: no scripts (no `prepare` that builds with TypeScript, which
 * npm 11 would also list as an install script to approve), no dev dependencies, and no
 * allowScripts, which npm reads only from the project being installed into.
 */
export function releaseManifest(manifest: PackageJson): PackageJson {
  const { scripts: _scripts, devDependencies: _dev, allowScripts: _allow, ...rest } = manifest;
  return rest;
}

function packReport(output: string): PackReport {
  const reports = JSON.parse(output) as PackReport[];
  if (reports.length !== 1) throw new Error(`npm pack reported ${reports.length} tarballs, expected one`);
  return reports[0];
}

/** Makes the tarball from the built dist/ (run `npm run build` first). */
export function makeRelease(root = REPOSITORY): Release {
  const manifest = readJson<PackageJson>(path.join(root, 'package.json'));
  if (!fs.existsSync(path.join(root, 'dist', 'src', 'cli.js'))) {
    throw new Error(`${root}/dist is not built: run npm run build first`);
  }
  // npm's own choice of files (package.json's `files`), without running any script.
  const listed = packReport(npm(['pack', '--dry-run', '--json', '--ignore-scripts'], root).stdout).files.map(
    (file) => file.path,
  );
  const stage = fs.mkdtempSync(path.join(os.tmpdir(), 'cat-litter-reminder-release-'));
  try {
    for (const file of listed) {
      if (file === 'package.json') continue;
      fs.mkdirSync(path.dirname(path.join(stage, file)), { recursive: true });
      fs.copyFileSync(path.join(root, file), path.join(stage, file));
    }
    fs.writeFileSync(path.join(stage, 'package.json'), `${JSON.stringify(releaseManifest(manifest), null, 2)}\n`);
    const packed = packReport(
      npm(['pack', stage, '--json', '--ignore-scripts', '--pack-destination', root], root).stdout,
    );
    return {
      file: path.join(root, packed.filename),
      bytes: packed.size,
      entries: packed.entryCount,
      allowScripts: nativePackages(manifest),
    };
  } finally {
    fs.rmSync(stage, { recursive: true, force: true });
  }
}

if (require.main === module) {
  try {
    const release = makeRelease();
    process.stdout.write(
      `${path.relative(process.cwd(), release.file)}: ${Math.round(release.bytes / 1024)} KB, ${release.entries} files.\n` +
        `Install it (a Pi: see docs/pi-setup.md):\n  ${installCommand(release)}\n`,
    );
  } catch (error) {
    process.stderr.write(`release: ${(error as Error).message}\n`);
    process.exit(1);
  }
}
