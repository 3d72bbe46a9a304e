import pino from 'pino';
import { create, max, min, number, pattern, string } from 'superstruct';
import { boxNameProblem, personNameProblem } from '../../common/boxes';
import { parseBoundedJson } from '../limits/bounded-json';
import { checkFlag, lastValue, UsageError, type RawFlags } from '../settings/command-line';
import { HouseholdProbe } from '../cluster/household-probe';
import { MOST_ANSWER_BYTES, AnswerNotOk, type HttpNode } from '../cluster/peer-http';
import { printable } from './printable';

/*
 * What the commands that talk to one node of ours over HTTP (`history`, `undo`) share: the
 * `--node` flag, finding a node by mDNS without it, the names `--box` and `--by` give, and the
 * reason a node gives when it refuses a request.
 */

export const DEFAULT_HTTP_PORT = 5380;
const NodeFlag = pattern(string(), /^[^\s:[\]/]+(:\d{1,5})?$/);

/** `--node HOST[:PORT]` (the page's port, 5380 by default), or null without it. */
export function readNode(flags: RawFlags): HttpNode | null {
  const value = lastValue(flags, 'node');
  if (value === undefined) return null;
  return checkFlag('--node', value, 'HOST or HOST:PORT, the port from 1 to 65535', (text) => {
    create(text, NodeFlag);
    const [address, port = String(DEFAULT_HTTP_PORT)] = text.split(':');
    return { address, port: create(Number(port), min(max(number(), 65535), 1)) };
  });
}

/** `--box NAME`: a name a box may have (common/boxes.ts), else exit 2 with the reason; null without it. */
export function readBox(flags: RawFlags): string | null {
  const value = lastValue(flags, 'box');
  if (value === undefined) return null;
  const problem = boxNameProblem(value);
  if (problem) throw new UsageError(`--box: ${problem}`);
  return value;
}

/** `--by NAME`: a name a person may have (common/boxes.ts), else exit 2 with the reason; null without it. */
export function readPerson(flags: RawFlags): string | null {
  const value = lastValue(flags, 'by');
  if (value === undefined) return null;
  const problem = personNameProblem(value);
  if (problem) throw new UsageError(`--by: ${problem}`);
  return value;
}

/**
 * Nothing listens at the --node given: most likely the address `status` shows, whose port is
 * the household's UDP port, not the page's.
 */
export function pagePortHint(node: HttpNode): string {
  return (
    `; --node wants the port of the node's page (${DEFAULT_HTTP_PORT} unless it runs with --http-port), not the ` +
    `UDP port status shows (5300): try --node ${node.address}:${DEFAULT_HTTP_PORT}, or --node ${node.address}`
  );
}

/** The node to ask: the one named, or the first of ours that mDNS finds before `deadline`. */
export async function findNode(named: HttpNode | null, deadline: number): Promise<HttpNode | null> {
  if (named) return named;
  const log = pino({ level: 'warn', base: undefined }, process.stderr);
  const probe = new HouseholdProbe({ peers: [], clusterPort: 5300, mdns: true, log });
  await probe.start();
  const found = await probe.nodeWithPage(deadline);
  await probe.close();
  return found ? { address: found.address, port: found.http } : null;
}

/**
 * Why a node refused a request (its `{"error"}`, made printable), when `error` is such a
 * refusal with one of `statuses`; null for anything else (no answer, another status).
 */
export function refusalOf(error: unknown, statuses: readonly number[]): { status: number; reason: string } | null {
  if (!(error instanceof AnswerNotOk) || !statuses.includes(error.status)) return null;
  const parsed = parseBoundedJson(error.body, { mostBytes: MOST_ANSWER_BYTES });
  const said =
    parsed.ok && typeof parsed.value === 'object' && parsed.value !== null && 'error' in parsed.value
      ? parsed.value.error
      : undefined;
  const reason = typeof said === 'string' ? said : error.body.toString('utf8').slice(0, 200);
  return { status: error.status, reason: printable(reason) };
}
