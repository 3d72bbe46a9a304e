import { UsageError } from '../settings/command-line';
import { resolveSettings, type RunOptions } from '../settings/resolve-settings';
import { requestJson } from '../cluster/peer-http';
import { fingerprintOf, KeyFileError, newKey, readKeyFile, writeKeyFile } from '../household/key-file';
import { JoinError, joinThrough, memberAddress } from '../household/join';
import type { KeyState } from '../household/sightings';

export const HOUSEHOLD_HELP = `Usage: cat-litter-reminder household new|show|join HOST[:PORT] [--force] [flags of run]

The household key: with it, only the household's own nodes exchange (and write)
the history, and each of their requests is signed. The key is 32 random bytes in
household.key beside the state file (or --household-key-file), readable by its
owner alone; it is never printed: its fingerprint (8 hex digits) is.

  household new         writes a fresh key for this node and prints its
                        fingerprint; refuses to replace a key without --force
  household show        whether this node has a key, its fingerprint, and the
                        members its running node knows (default)
  household join HOST[:PORT]
                        asks the member at HOST (its page's port, default 5380)
                        for the key: first press "Add a node" on its page (or
                        hold its button for 3 s), then run this within 2
                        minutes. Both sides show the same six digits; if they
                        differ, someone sat between them. Refuses to replace a
                        key without --force. The page of a node without a key
                        does the same ("Join the household")

A running node takes a new key at once. Flags of run name the files (--config,
--state-file, --household-key-file, --http-port); see cat-litter-reminder run --help.

Exit status: 0 on success, 1 when it failed (a key there already, the member
refused), 2 on a bad command line.
`;

function fail(message: string): number {
  process.stderr.write(`cat-litter-reminder household: ${message}\n`);
  return 1;
}

function keyOrNull(file: string): Buffer | null | string {
  try {
    return readKeyFile(file);
  } catch (error) {
    if (error instanceof KeyFileError) return error.message;
    throw error;
  }
}

async function newCommand(options: RunOptions, force: boolean): Promise<number> {
  const file = options.householdKeyFile;
  const held = keyOrNull(file);
  if (held !== null && !force) {
    const what = typeof held === 'string' ? held : `${file} holds the household key ${fingerprintOf(held)}`;
    return fail(`${what}: not replaced (--force replaces it, and every other node must join again)`);
  }
  const key = newKey();
  await writeKeyFile(file, key);
  process.stdout.write(
    `household key ${fingerprintOf(key)} written to ${file} (readable by its owner alone)\n` +
      'on each other node: press "Add a node" on this node\'s page, then run there\n' +
      '  cat-litter-reminder household join THIS-NODE\n',
  );
  return 0;
}

async function showCommand(options: RunOptions): Promise<number> {
  const held = keyOrNull(options.householdKeyFile);
  if (typeof held === 'string') return fail(held);
  process.stdout.write(
    held === null
      ? `no household key (${options.householdKeyFile}): any node on the network may write the history\n`
      : `household key ${fingerprintOf(held)} (${options.householdKeyFile})\n`,
  );
  if (options.httpPort === null) return 0;
  try {
    const state = (await requestJson(
      { address: '127.0.0.1', port: options.httpPort },
      'GET',
      '/api/household/key',
      undefined,
      64 * 1024,
    )) as KeyState;
    if (state.inviteUntil) process.stdout.write(`a node may join until ${state.inviteUntil}\n`);
    process.stdout.write(
      `members (the running node's): ${state.members.map((member) => member.name ?? member.address).join(', ') || 'none proven yet'}\n`,
    );
    for (const other of state.otherHouseholds)
      process.stdout.write(`another household: ${other.name} (${other.address}, key ${other.fingerprint})\n`);
  } catch {
    process.stdout.write(`members: no node answers on port ${options.httpPort} here to say\n`);
  }
  return 0;
}

async function joinCommand(options: RunOptions, host: string | undefined, force: boolean): Promise<number> {
  if (host === undefined) throw new UsageError('household join: name the member to join, as HOST or HOST:PORT');
  const member = memberAddress(host);
  if (typeof member === 'string') throw new UsageError(`household join: ${member}`);
  const file = options.householdKeyFile;
  const held = keyOrNull(file);
  if (held !== null && !force) {
    const what = typeof held === 'string' ? held : `${file} holds the household key ${fingerprintOf(held)} already`;
    return fail(`${what}: not replaced (--force joins another household)`);
  }
  let joined: Awaited<ReturnType<typeof joinThrough>>;
  try {
    joined = await joinThrough(member, file);
  } catch (error) {
    if (error instanceof JoinError) return fail(error.message);
    throw error;
  }
  const code = `${joined.code.slice(0, 3)} ${joined.code.slice(3)}`;
  process.stdout.write(
    `joined the household ${joined.fingerprint}: the key is in ${file}\n` +
      `code ${code}: ${host} shows the same six digits on its page and in its log.\n` +
      'If they differ, someone sat between the two: run household new on a member, and join again.\n',
  );
  return 0;
}

/** `cat-litter-reminder household …`. */
export async function householdCommand(argv: readonly string[]): Promise<number> {
  const [sub = 'show', ...rest] = argv[0]?.startsWith('--') ? ['show', ...argv] : argv;
  const host = sub === 'join' && rest[0] !== undefined && !rest[0].startsWith('--') ? rest.shift() : undefined;
  const force = rest.includes('--force');
  const resolved = resolveSettings(
    rest.filter((word) => word !== '--force'),
    { env: process.env, stdoutIsTty: false },
    false,
  );
  if (!resolved) {
    process.stdout.write(HOUSEHOLD_HELP);
    return 0;
  }
  const { options } = resolved;
  if (sub === 'new') return newCommand(options, force);
  if (sub === 'show') return showCommand(options);
  if (sub === 'join') return joinCommand(options, host, force);
  throw new UsageError(`household: unknown subcommand "${sub}"; expected new, show or join HOST[:PORT]`);
}
