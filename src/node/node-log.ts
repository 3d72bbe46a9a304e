import type { Logger } from 'pino';
import type { Level } from '../../common/levels';
import type { Refused } from '../../machines/history/history-set';
import { ONCE_A_MINUTE_MS, PerSenderLimit } from '../limits/per-sender-limit';
import { formatRfc3339 } from '../time/timestamp';
import type { NodeLink } from '../../machines/node/node-link';
import { logPeerDecisions } from './peer-log';
import { peerKey } from '../../machines/cluster/peer-address';

const HOW: Readonly<Record<string, string>> = {
  button: 'button press',
  web: 'from the page',
  reset: 'from `reset`',
  mqtt: 'from Home Assistant',
};

/** `3 dated ahead of the clock, 40 past what one address may add`: what an offer lost, and why. */
export function refusedInWords(refused: Refused): string {
  const words: [keyof Refused, string][] = [
    ['ahead', 'dated ahead of the clock'],
    ['crowded', 'on days that hold as many cleanings as a household makes'],
    ['overBudget', 'past what one address may add for now'],
    ['full', 'past the 10,000 the history holds'],
    ['rewrite', 'describing held cleanings otherwise'],
  ];
  return words
    .filter(([reason]) => refused[reason] > 0)
    .map(([reason, text]) => `${refused[reason]} ${text}`)
    .join(', ');
}

/** Logs what the node tells the outside world. */
export function logNodeEvents(node: NodeLink, log: Logger): void {
  // The record's `reason` says `press` for every cleaning recorded here, whatever its
  // `source`: the word of the first releases, when the button was the only way, kept for
  // whoever reads the log.
  node.on('time.changed', ({ lastCleaned, reason, source, from }) =>
    log.info(
      {
        event: 'time.changed',
        lastCleaned: formatRfc3339(lastCleaned),
        reason: reason === 'recorded' ? 'press' : reason,
        ...(source ? { source } : {}),
      },
      `last cleaned: ${formatRfc3339(lastCleaned)} (${source ? HOW[source] : `from ${from ? peerKey(from) : 'a peer'}`})`,
    ),
  );
  // A peer whose clock runs ahead offers its time at every repair round: warn about its
  // address once a minute, with how many were refused meanwhile.
  const refusals = new PerSenderLimit(ONCE_A_MINUTE_MS);
  node.on('time.refused', ({ from, lastCleaned, reason, withdrawn }) => {
    const sender = peerKey(from);
    const record = {
      event: 'time.refused',
      from: sender,
      lastCleaned: formatRfc3339(lastCleaned),
      ...(reason === undefined ? {} : { reason }),
      ...(withdrawn ? { withdrawn } : {}),
    };
    const why = withdrawn
      ? 'a cleaning taken back; told it the time that stands'
      : (reason ?? 'more than 10 minutes ahead of our clock');
    const text = `refused ${formatRfc3339(lastCleaned)} from ${sender}: ${why}; kept our time`;
    refusals.warnOrDebug(log, from.address, record, text);
  });
  // A stranger may offer the history again and again: named once every 10 minutes per address.
  const historyRefusals = new PerSenderLimit(10 * 60_000);
  node.on('history.refused', ({ from, refused }) => {
    const problem = refusedInWords(refused);
    const record = { event: 'history.refused', peer: from, problem };
    const text = `did not take all the cleanings ${from} offered: ${problem}; what the history holds is unchanged`;
    historyRefusals.warnOrDebug(log, from, record, text);
  });
  node.on('time.withdrawn', ({ box, at, restored }) =>
    log.info(
      {
        event: 'time.withdrawn',
        box,
        withdrawn: formatRfc3339(at),
        lastCleaned: restored === null ? null : formatRfc3339(restored),
      },
      `the cleaning of ${box} at ${formatRfc3339(at)} was taken back: last cleaned ${restored === null ? 'not known' : formatRfc3339(restored)}`,
    ),
  );
  node.on('peer.silent', ({ peer }) => {
    const where = peerKey(peer);
    log.info(
      { event: 'peer.silent', peer: where, ...(peer.name ? { name: peer.name } : {}) },
      `${peer.name ?? where} has not answered for a while: set aside until it is seen again`,
    );
  });
  logPeerDecisions(node, log);
  let level: Level | undefined;
  node.on('view.changed', ({ view }) => {
    if (view.level === level) return;
    level = view.level;
    log.info({ event: 'level', reminderLevel: view.level }, `level: ${view.level}`);
  });
}
