import pino from 'pino';
import { commandFlags, type FlagSpecs } from '../settings/command-line';
import { commandThresholds, LEVEL_FLAGS, LEVEL_HELP } from '../settings/command-levels';
import { systemTimeZone } from '../settings/readings';
import { HouseholdProbe, nodesWord } from '../cluster/household-probe';
import { PROBE_FLAGS, PROBE_HELP, readProbeOptions } from './probe-options';
import { nodeStatuses } from '../cluster/household-status';
import { statusJson, statusTable } from './status-report';
import { askPages, boxGroups } from '../cluster/box-status';
import { peerKey } from '../../machines/cluster/peer-address';
import { fingerprintOf, readKeyFile } from '../household/key-file';
import { defaultStatePath, keyFileBeside } from '../settings/state-path';

export const STATUS_HELP = `Usage: cat-litter-reminder status [flags]

Finds every node on the LAN by mDNS (original Rust nodes too) and any --peer, asks
each for its time, and prints name, address, last cleaned (local time), how long
ago, level, and the strip colour. Each node's level is by its own levels, as its
strip shows it (ours say them by mDNS; others by --levels): one whose levels
differ from these is marked with them. Nodes that disagree with the newest time
are marked "≠ newest". With several boxes, the nodes are grouped by the boxes
they show (original and earlier nodes show the default box), each box headed by
its time; a node's time of a box other than the default is asked of its page.

Flags:
  --json                a JSON array, one object per node: {"name", "address",
                        "port", "lastCleaned" (RFC 3339 or null), "ageSeconds",
                        "level"}, and "levels" for a node whose levels differ;
                        a node that did not answer has level "unreachable";
                        "boxes": its time of each box it shows, [{"box",
                        "lastCleaned", "ageSeconds", "level"}]
  --all                 also the nodes of another household: with a household key
                        on this machine (household.key beside the default state
                        file), nodes whose key is another's are left out
${LEVEL_HELP}
${PROBE_HELP}

Exit status: 0 when at least one node answered, 1 when none did, 2 on bad flags.
`;

const STATUS_FLAGS: FlagSpecs = { ...PROBE_FLAGS, ...LEVEL_FLAGS, json: { value: false }, all: { value: false } };

/** The fingerprint of this machine's household key, where a node run here keeps it; null for none (or unreadable). */
function ownHousehold(): string | null {
  try {
    const key = readKeyFile(keyFileBeside(defaultStatePath(process.env)));
    return key && fingerprintOf(key);
  } catch {
    return null;
  }
}

export async function statusCommand(argv: readonly string[]): Promise<number> {
  const flags = commandFlags(argv, STATUS_FLAGS, STATUS_HELP);
  if (!flags) return 0;
  const options = readProbeOptions(flags);
  const thresholds = commandThresholds(flags, process.env);
  const deadline = Date.now() + options.timeoutMs;
  const log = pino({ level: 'warn', base: undefined }, process.stderr);
  const probe = new HouseholdProbe({ ...options, log });
  await probe.start();
  await probe.exchange({ type: 'RequestState' }, deadline, Math.min(1500, options.timeoutMs / 2));
  await probe.close();
  // The boxes other than the default one: their times come from the pages of the nodes that show them.
  const pages = await askPages(probe.nodes.values(), deadline);
  const now = Date.now();
  const ours = flags.all ? null : ownHousehold();
  const shown = [...probe.nodes.values()].filter((node) => ours === null || (node.household ?? ours) === ours);
  const statuses = nodeStatuses(shown, probe.answers, now, thresholds);
  for (const problem of probe.unresolved.values()) process.stderr.write(`cat-litter-reminder: ${problem}\n`);
  // Scripts get every node (one that did not resolve is unreachable); the table, the ones asked.
  const asked = statuses.filter((status) => !probe.unresolved.has(peerKey(status)));
  if (flags.json) {
    process.stdout.write(`${statusJson(statuses, now, thresholds, boxGroups(statuses, pages, now, thresholds))}\n`);
  } else if (asked.length > 0) {
    const groups = boxGroups(asked, pages, now, thresholds);
    const table = statusTable(groups, now, thresholds, systemTimeZone(), Boolean(process.stdout.isTTY));
    process.stdout.write(`${table}\n`);
  }
  if (probe.answers.size > 0) return 0;
  const seconds = options.timeoutMs / 1000;
  if (statuses.length === 0) {
    process.stderr.write(
      `cat-litter-reminder: no node found by mDNS within ${seconds} s (is mDNS blocked? ` +
        'then give each node by its address: --peer 192.168.1.23:5300)\n',
    );
  } else if (asked.length > 0) {
    process.stderr.write(
      `cat-litter-reminder: no answer from the ${nodesWord(asked.length)} asked within ${seconds} s\n`,
    );
  }
  return 1;
}
