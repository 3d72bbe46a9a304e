import pino from 'pino';
import { create, nullable, type, validate } from 'superstruct';
import { EARLIEST_MS } from '../../machines/shared/time-rules';
import { commandFlags, UsageError, type FlagSpecs, type RawFlags } from '../settings/command-line';
import { flagReader } from '../settings/readings';
import { systemTimeZone } from '../settings/readings';
import { formatLocal } from '../time/local-time';
import { formatRfc3339, parseRfc3339Seconds, Rfc3339 } from '../time/timestamp';
import { requestJson, type HttpNode } from '../cluster/peer-http';
import { printable } from './printable';
import { HouseholdProbe, nodesWord } from '../cluster/household-probe';
import { PROBE_FLAGS, PROBE_HELP, readProbeOptions } from './probe-options';
import { peerKey } from '../../machines/cluster/peer-address';
import { DEFAULT_BOX } from '../../common/boxes';
import { pagePortHint, readBox, readNode, readPerson, refusalOf } from './node-option';
import { recordedBox, recordedLine, resetOtherBox, type RecordedCleaning } from './reset-box';

export const RESET_HELP = `Usage: cat-litter-reminder reset [flags]

"Cleaned now", from any machine: records the cleaning on one of our nodes found by
mDNS (or --node; over HTTP, so that the household's history says "reset" and
where), sends the new time to every node found (original Rust nodes too) and any
--peer, then asks each one back and reports which hold the new time, which kept
a later one, and which did not answer. A box other than the default one
("litter box") travels between our nodes alone: no original node is sent it, and
our nodes are asked back over HTTP.

Flags:
  --at TIME             record a cleaning that happened earlier (RFC 3339, e.g.
                        2026-11-24T08:30:00+01:00; not in the future, nor
                        before 1970). Nodes that hold a later time keep it.
  --box NAME            the box cleaned (default: the box of the node that
                        records it)
  --by NAME             who cleaned: one of the household's people (people:)
  --node HOST[:PORT]    record it on this node, at its page's port (default
                        5380), instead of the first of ours found by mDNS
${PROBE_HELP}

Exit status: 0 when every node found holds the new time or a later one (an
earlier cleaning the household's later time overtakes is recorded, and that is
all), 1 otherwise (or when no node was found, or the node refused the box or the
name, with its reason), 2 on bad flags (a name no box or person may have;
--no-mdns with no --peer nor --node).
`;

const RESET_FLAGS: FlagSpecs = {
  ...PROBE_FLAGS,
  at: { value: true },
  box: { value: true },
  by: { value: true },
  node: { value: true },
};

/** The time of --at, or null for now. */
function readTime(flags: RawFlags, now: number): number | null {
  const at = flagReader(flags).read('at', null, 'an RFC 3339 time such as 2026-11-24T08:30:00+01:00', (value) =>
    parseRfc3339Seconds(create(value, Rfc3339)),
  );
  if (at === null) return null;
  if (at > now)
    throw new UsageError(
      `--at: "${formatRfc3339(at)}" is in the future; a cleaning can only be recorded once it happened`,
    );
  if (at < EARLIEST_MS) throw new UsageError(`--at: "${formatRfc3339(at)}" is before 1970, which no node takes`);
  return at;
}

export async function resetCommand(argv: readonly string[]): Promise<number> {
  const flags = commandFlags(argv, RESET_FLAGS, RESET_HELP);
  if (!flags) return 0;
  const named = readNode(flags);
  const options = readProbeOptions(flags, named !== null);
  const started = Date.now();
  const at = readTime(flags, started);
  const asked: AskedCleaning = { at, box: readBox(flags), by: readPerson(flags) };
  const deadline = started + options.timeoutMs;
  const probe = new HouseholdProbe({ ...options, log: pino({ level: 'warn', base: undefined }, process.stderr) });
  await probe.start();
  const recorded = await recordOnANode(probe, named, asked, started + options.timeoutMs / 4);
  const box = recorded && 'box' in recorded ? recorded.box : (asked.box ?? DEFAULT_BOX);
  const stop = recordingProblem(recorded, asked, box);
  if (stop) {
    await probe.close();
    process.stderr.write(`cat-litter-reminder: ${stop}; nothing was reset\n`);
    return 1;
  }
  const made = recorded && 'box' in recorded ? recorded : null;
  // Another box is never sent over UDP; with --no-mdns and no --peer, no node is there to send to:
  // either way our nodes are asked back over HTTP.
  const udpNodes = options.mdns || options.peers.length > 0;
  if (made && (box !== DEFAULT_BOX || !udpNodes)) return resetOtherBox(probe, made, at ?? made.lastCleaned, deadline);
  // The time the node recorded (its clock, and after the household's): the one every node gets.
  const time = at ?? made?.lastCleaned ?? Math.floor(started / 1000) * 1000;
  await probe.broadcast({ type: 'UpdateState', secs: time / 1000 }, started + options.timeoutMs / 2);
  // What the nodes answered to the pushes (an older node sends its own back) is not the check.
  probe.answers.clear();
  await probe.exchange({ type: 'RequestState' }, deadline, 0);
  await probe.close();

  for (const problem of probe.unresolved.values()) process.stderr.write(`cat-litter-reminder: ${problem}\n`);
  const nodes = [...probe.nodes.values()]
    .filter((node) => !probe.unresolved.has(peerKey(node)))
    .sort((a, b) => a.name.localeCompare(b.name));
  if (nodes.length === 0) {
    if (probe.unresolved.size === 0) {
      process.stderr.write(
        `cat-litter-reminder: no node found by mDNS within ${options.timeoutMs / 1000} s; nothing was reset ` +
          '(is mDNS blocked? then give each node by its address: --peer 192.168.1.23:5300)\n',
      );
    }
    return 1;
  }
  const timeZone = systemTimeZone();
  const local = (ms: number) => formatLocal(ms, timeZone, { seconds: true });
  process.stdout.write(`reset to ${local(time)} (${formatRfc3339(time)})\n`);
  process.stdout.write(
    made
      ? recordedLine(made)
      : 'no node of ours found by mDNS recorded it: the history says it came over the network\n',
  );
  const answers = nodes.map((node) => probe.answers.get(peerKey(node)));
  for (const [i, node] of nodes.entries()) {
    const answer = answers[i];
    const outcome =
      answer === undefined
        ? 'did not answer'
        : answer === time
          ? 'holds the new time'
          : answer !== null && answer > time
            ? `kept a later time, ${local(answer)}`
            : `still holds ${answer === null ? 'no time' : local(answer)}`;
    process.stdout.write(`  ${printable(node.name).padEnd(24)} ${peerKey(node).padEnd(21)} ${outcome}\n`);
  }
  const holding = answers.filter((answer) => answer === time).length;
  const later = answers.filter((answer): answer is number => answer !== undefined && answer !== null && answer > time);
  // Every node holds the new time, or a later one: what a reset is for. An earlier cleaning that
  // the household's later time overtakes is recorded in the history, and that is all it should do.
  const done = holding + later.length === nodes.length;
  const holds = `${holding} of ${nodesWord(nodes.length)} ${holding === 1 ? 'holds' : 'hold'} the new time`;
  if (!done || later.length === 0) {
    process.stdout.write(`${holds}\n`);
  } else if (holding === 0) {
    const what =
      at === null
        ? 'no node took it'
        : made
          ? 'recorded as an earlier cleaning'
          : 'an earlier cleaning, which no node of ours recorded';
    process.stdout.write(`${what}; the household keeps its later time, ${local(Math.max(...later))}\n`);
  } else {
    process.stdout.write(`${holds}; the others keep a later one, ${local(Math.max(...later))}\n`);
  }
  return done ? 0 : 1;
}

const StateAnswer = type({ lastCleaned: nullable(Rfc3339) });

/** What `reset` asks a node to record: the time (null for now), the box and who cleaned, when given. */
interface AskedCleaning {
  at: number | null;
  box: string | null;
  by: string | null;
}

/** What came of asking a node: recorded (the box and its time there), refused with the node's reason, or neither (null). */
type Recording = RecordedCleaning | { refused: string } | null;

/**
 * Why `reset` stops before sending anything, or null: the node refused the box or the name,
 * or nobody recorded a box or a name that only our nodes carry.
 */
function recordingProblem(recorded: Recording, asked: AskedCleaning, box: string): string | null {
  if (recorded && 'refused' in recorded) return recorded.refused;
  if (recorded || (box === DEFAULT_BOX && asked.by === null)) return null;
  const what = asked.by === null ? `the box ${JSON.stringify(box)}` : `who cleaned (--by ${asked.by})`;
  return `no node of ours recorded the cleaning, and ${what} is carried by our nodes alone (find one by mDNS, or give --node)`;
}

/**
 * Records the cleaning (now, or `at`) on the node named, else on the first of ours found that
 * serves its API, as `reset`: the node, the box and that box's time there; the node's reason
 * when it refused the box or the name (400); null when no node recorded it.
 */
async function recordOnANode(
  probe: HouseholdProbe,
  named: HttpNode | null,
  asked: AskedCleaning,
  deadline: number,
): Promise<Recording> {
  const found = named ? { ...named, name: `${named.address}:${named.port}` } : await probe.nodeWithPage(deadline);
  if (!found) return null;
  const node = { name: found.name, address: found.address, port: 'http' in found ? found.http : found.port };
  const body = {
    source: 'reset',
    ...(asked.at === null ? {} : { at: formatRfc3339(asked.at) }),
    ...(asked.box === null ? {} : { box: asked.box }),
    ...(asked.by === null ? {} : { by: asked.by }),
  };
  const where = `${printable(node.name)} (http://${node.address}:${node.port})`;
  try {
    const [error, state] = validate(await requestJson(node, 'POST', '/api/cleaned', body), StateAnswer);
    if (error) return null;
    return await recordedBox(node, asked, state.lastCleaned === null ? null : parseRfc3339Seconds(state.lastCleaned));
  } catch (error) {
    const refusal = refusalOf(error, [400]);
    if (refusal) return { refused: `${where} refused the cleaning (${refusal.status}): ${refusal.reason}` };
    const hint = (error as NodeJS.ErrnoException).code === 'ECONNREFUSED' && named ? pagePortHint(named) : '';
    process.stderr.write(
      `cat-litter-reminder: ${where} did not record the cleaning: ` +
        `${printable((error as Error).message)}${hint}; sending the time over UDP only\n`,
    );
    return null;
  }
}
