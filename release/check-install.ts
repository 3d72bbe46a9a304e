#!/usr/bin/env node
/**
 * `npm run check:install`: what a Pi installs, measured here. Makes the release, installs
 * it with the command the docs give into a fresh prefix, and reports its size on disk,
 * its package count and how long the install took, beside the targets and beside what a
 * clone's `npm ci` put in node_modules. Then it checks that the install works: the
 * installed command starts a node (`--hardware sim`) that answers a RequestState with the
 * time of its state file, and `install-service --dry-run` points ExecStart at the
 * installed program. Exits 1 when a target is missed or a check fails.
 */
import { execFileSync, spawn } from 'node:child_process';
import * as dgram from 'node:dgram';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { askTime } from './ask-time';
import { installArgs, installCommand, makeRelease, npm, REPOSITORY, type Release } from './make-release';
import { formatRfc3339 } from '../src/time/timestamp';

const TARGET_MB = 40;
const TARGET_PACKAGES = 100;
// A cleaning the installed node is given in its state file and must answer with.
const KNOWN_SECS = Date.UTC(2026, 0, 2, 3, 4, 5) / 1000;

/** Bytes on disk below `dir`, as `du` counts them: allocated blocks, each file once. */
export function diskUsage(dir: string): number {
  const seen = new Set<number>();
  let bytes = 0;
  const walk = (entry: string): void => {
    const stat = fs.lstatSync(entry);
    if (seen.has(stat.ino)) return;
    seen.add(stat.ino);
    bytes += stat.blocks * 512;
    if (stat.isDirectory()) for (const name of fs.readdirSync(entry)) walk(path.join(entry, name));
  };
  walk(dir);
  return bytes;
}

/** The packages installed below a node_modules folder, nested ones included. */
export function countPackages(nodeModules: string): number {
  if (!fs.existsSync(nodeModules)) return 0;
  let count = 0;
  for (const name of fs.readdirSync(nodeModules)) {
    if (name.startsWith('.')) continue;
    const entry = path.join(nodeModules, name);
    const packages = name.startsWith('@') ? fs.readdirSync(entry).map((inner) => path.join(entry, inner)) : [entry];
    for (const dir of packages) {
      if (!fs.existsSync(path.join(dir, 'package.json'))) continue;
      count += 1 + countPackages(path.join(dir, 'node_modules'));
    }
  }
  return count;
}

function freeUdpPort(): Promise<number> {
  const socket = dgram.createSocket('udp4');
  return new Promise((resolve) =>
    socket.bind(0, '127.0.0.1', () => {
      const { port } = socket.address();
      socket.close(() => resolve(port));
    }),
  );
}

/** Installs the release as the docs say, into `prefix`; what npm warned and how long it took. */
function install(release: Release, prefix: string): { seconds: number; warnings: string[] } {
  const started = process.hrtime.bigint();
  const { stdout, stderr } = npm([...installArgs(release), '--prefix', prefix, release.file], REPOSITORY);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const warnings = `${stdout}\n${stderr}`.split('\n').filter((line) => /^npm warn/i.test(line));
  return { seconds, warnings };
}

/** Starts the installed command with a known time and asks it for that time over UDP. */
async function answersOverUdp(bin: string, work: string): Promise<string> {
  const stateFile = path.join(work, 'state');
  fs.writeFileSync(stateFile, `${formatRfc3339(KNOWN_SECS * 1000)}\n`);
  const port = await freeUdpPort();
  const args = ['run', '--hardware', 'sim', '--no-mdns', '--no-http', '--port', String(port)];
  const node = spawn(bin, [...args, '--state-file', stateFile, '--log-format', 'json'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  node.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => node.on('close', resolve));
  // A node that fails at start ends before it answers: say so at once, with what it said.
  const failed = exited.then((status) => {
    throw new Error(`the node exited with status ${status} before it answered: ${stderr.trim().split('\n')[0]}`);
  });
  try {
    const secs = await Promise.race([askTime('127.0.0.1', port, 30_000), failed]);
    if (secs !== KNOWN_SECS) {
      throw new Error(`the node answered ${secs}, not the ${KNOWN_SECS} of its state file`);
    }
    return `answered ${formatRfc3339(secs * 1000)} on UDP port ${port}`;
  } finally {
    node.kill('SIGTERM');
    await exited;
  }
}

/** What `install-service --dry-run` would put in ExecStart=: it must run the installed program. */
function execStart(bin: string, installed: string, work: string): string {
  const dryRun = execFileSync(bin, ['install-service', '--dry-run', '--unit-dir', work], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const line = dryRun.split('\n').find((text) => text.startsWith('ExecStart=')) ?? '';
  const program = path.join(fs.realpathSync(installed), 'dist', 'src', 'cli.js');
  if (!line.includes(` ${program} `)) throw new Error(`install-service would write "${line}", not ${program}`);
  return line;
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

async function main(): Promise<number> {
  const release = makeRelease();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cat-litter-reminder-install-'));
  try {
    const prefix = path.join(work, 'prefix');
    process.stdout.write(
      `npm ${npm(['--version'], REPOSITORY).stdout.trim()}, node ${process.version}: ${installCommand(release)}\n`,
    );
    const { seconds, warnings } = install(release, prefix);
    const installed = path.join(prefix, 'lib', 'node_modules', 'cat-litter-reminder');
    const bin = path.join(prefix, 'bin', 'cat-litter-reminder');
    const size = diskUsage(installed);
    const packages = countPackages(path.join(installed, 'node_modules'));
    const cloneModules = path.join(REPOSITORY, 'node_modules');
    const rows = [
      ['', 'the release, installed', 'a clone after npm ci', 'target'],
      ['size on disk', mb(size), mb(diskUsage(cloneModules)), `≤ ${TARGET_MB} MB`],
      ['packages', String(packages), String(countPackages(cloneModules)), `≤ ${TARGET_PACKAGES}`],
      ['install time', `${seconds.toFixed(0)} s`, '', ''],
      ['tarball', `${Math.round(release.bytes / 1024)} KB, ${release.entries} files`, '', ''],
    ];
    const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
    for (const row of rows) process.stdout.write(`${row.map((cell, i) => cell.padEnd(widths[i])).join('  ')}\n`);
    const problems: string[] = [];
    if (size > TARGET_MB * 1024 * 1024) problems.push(`the install takes ${mb(size)}, more than ${TARGET_MB} MB`);
    if (packages > TARGET_PACKAGES) problems.push(`the install has ${packages} packages, more than ${TARGET_PACKAGES}`);
    for (const warning of warnings) problems.push(`npm warned: ${warning}`);
    for (const [what, check] of [
      ['the installed node', () => answersOverUdp(bin, work)],
      ['install-service', () => Promise.resolve(execStart(bin, installed, work))],
    ] as const) {
      try {
        process.stdout.write(`${what}: ${await check()}\n`);
      } catch (error) {
        problems.push(`${what}: ${(error as Error).message}`);
      }
    }
    for (const problem of problems) process.stderr.write(`check:install: ${problem}\n`);
    return problems.length === 0 ? 0 : 1;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().then(
    (status) => process.exit(status),
    (error: Error) => {
      process.stderr.write(`check:install: ${error.message}\n`);
      process.exit(1);
    },
  );
}
