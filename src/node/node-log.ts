import type { Logger } from 'pino';
import { peerKey } from '../../machines/cluster-events';
import type { Level } from '../../common/levels';
import { ONCE_A_MINUTE_MS, PerSenderLimit } from '../per-sender-limit';
import { formatRfc3339 } from '../timestamp';
import type { NodeActor } from './create-node';
import { logPeerDecisions } from './peer-log';

const HOW: Readonly<Record<string, string>> = {
  button: 'button press',
  web: 'from the page',
  reset: 'from `reset`',
  mqtt: 'from Home Assistant',
};

/** Logs what the node tells the outside world. */
export function logNodeEvents(node: NodeActor, log: Logger): void {
  node.on('time.changed', ({ lastCleaned, reason, source, from }) =>
    log.info(
      { event: 'time.changed', lastCleaned: formatRfc3339(lastCleaned), reason, ...(source ? { source } : {}) },
      `last cleaned: ${formatRfc3339(lastCleaned)} (${source ? HOW[source] : `from ${from ? peerKey(from) : 'a peer'}`})`,
    ),
  );
  // A peer whose clock runs ahead offers its time at every repair round: warn about it
  // once a minute, with how many were refused meanwhile.
  const refusals = new PerSenderLimit(ONCE_A_MINUTE_MS);
  node.on('time.refused', ({ from, lastCleaned }) => {
    const sender = peerKey(from);
    const record = { event: 'time.refused', from: sender, lastCleaned: formatRfc3339(lastCleaned) };
    const text = `refused ${formatRfc3339(lastCleaned)} from ${sender}: more than 10 minutes ahead of our clock; kept our time`;
    const warning = refusals.take(sender);
    if (!warning) {
      log.debug(record, text);
      return;
    }
    const { suppressed } = warning;
    log.warn(
      { ...record, suppressed },
      text + (suppressed > 0 ? ` (and ${suppressed} more from it since the last warning)` : ''),
    );
  });
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
