import type { Logger } from 'pino';
import { createActor } from 'xstate';
import type { Level } from '../../common/levels';
import type { NodeLink, Observer } from '../../machines/node/node-link';
import type { NodeView } from '../../machines/node/node-view';
import type { Notified } from '../../machines/notify/notices';
import { notifyMachine } from '../../machines/notify/notify-machine';
import { senderOf, sendsHere, type KnownPeer, type Notifier } from '../../machines/notify/sender-rule';
import type { Signer } from '../cluster/peer-http';
import { formatQuietHours, type QuietHours } from '../../machines/reminder/quiet-hours';
import { Delivery } from './delivery';
import { messageOf, type Cleaner } from './message';
import { loadNotified, notifiedFileBeside, saveNotified } from './notified-file';
import { askTold } from './told-by-peers';
import { formatRepeat, type NotifyOptions } from '../settings/notify-settings';

export interface NotifierSetup {
  options: NotifyOptions;
  /** The node's instance id: what the sender rule compares (its TXT `notify=`). */
  id: string;
  /** Its page (the notifications' click, and "Cleaned ✓"); null without one. */
  page: string | null;
  timeZone: string;
  /** The node's quiet hours at its start: notifications wait for them unless `notify.quiet` says otherwise. */
  nodeQuietHours: QuietHours | null;
  stateFile: string;
  log: Logger;
  /** Signs a request to another node with the household key; absent (or giving nothing) without one. */
  signer?: () => Signer | undefined;
}

/** The notifier of a node with targets: the observer, and what the node has told the household (`GET /api/notified`). */
export interface Notifications {
  observer: Observer;
  told(): Notified | null;
}

/** What the sender rule knows of the peers, from the node's view. */
const knownPeers = (view: NodeView): KnownPeer[] =>
  view.peers.map((peer) => ({ notify: peer.notify ?? null, name: peer.name, live: peer.answered && !peer.silent }));

/** The peer that sends by the rule, as the view shows it; null when it is this node, or none is. */
const peerOf = (sender: Notifier | null, peers: NodeView['peers']): NodeView['peers'][number] | null =>
  (sender &&
    peers.find(
      (peer) => peer.notify?.toLowerCase() === sender.id && (peer.name ?? '') === sender.name && !peer.silent,
    )) ??
  null;

/**
 * The node's notifications, an observer of the node: it follows what the node emits (its
 * view and its new times, as the log does), runs the notify machine, sends what the
 * machine says to every target, and asks the other nodes with targets what they told
 * when the machine says so. create-node starts it only for a node with targets.
 */
export function notifier(setup: NotifierSetup): Notifications {
  const { options, log } = setup;
  const file = notifiedFileBeside(setup.stateFile);
  const quietHours = options.quietHours === 'node' ? setup.nodeQuietHours : options.quietHours;
  const machine = createActor(notifyMachine, {
    input: {
      levels: options.levels,
      repeatMs: options.repeatMs,
      quietHours,
      timeZone: setup.timeZone,
      clock: { now: () => Date.now() },
      notified: loadNotified(file, log),
    },
  });
  const observer = (node: NodeLink) => {
    const deliveries = options.targets.map((target) => new Delivery(target, log));
    let name = '';
    let shown: { lastCleaned: number | null; level: Level } | null = null;
    let sender: boolean | null = null;
    // Who recorded each recent time, for the "cleaned" message: here (how), or the peer it came from.
    const cleaners = new Map<number, Cleaner>();
    let shownPeers: NodeView['peers'] = [];
    // Who sends by the rule, as this node last worked it out: the one asked whether it told what is owed.
    let chosen: Notifier | null = null;
    let stopped = false;

    machine.on('notify.send', ({ notice }) => {
      const cleaner = (notice.kind === 'cleaned' ? cleaners.get(notice.lastCleaned) : undefined) ?? {
        by: null,
        where: null,
      };
      const message = messageOf(notice, cleaner, {
        node: name,
        page: setup.page,
        timeZone: setup.timeZone,
        now: Date.now(),
      });
      for (const delivery of deliveries) delivery.send(message);
    });
    // One write at a time, the latest last: a slow SD card may hold one up.
    let saving = Promise.resolve();
    machine.on('notify.noted', ({ notified }) => {
      saving = saving
        .then(() => saveNotified(file, notified))
        .catch((error: unknown) =>
          log.warn(
            { event: 'notify.file', file, problem: (error as Error).message },
            `could not save what was notified in ${file}: ${(error as Error).message}; a restart may notify it again`,
          ),
        );
    });

    machine.on('notify.ask', () => {
      const peer = peerOf(chosen, shownPeers);
      if (peer?.http == null) {
        machine.send({ type: 'notify.unclear' });
        return;
      }
      const { http } = peer;
      const where = `${peer.name ?? peer.address} (http://${peer.address}:${http})`;
      void askTold({ address: peer.address, port: http }, setup.signer?.()).then((answer) => {
        if (stopped) return;
        if ('told' in answer) machine.send({ type: 'notify.told', told: answer.told });
        else if ('gone' in answer) {
          log.info(
            { event: 'notify.handover', sender: peer.name ?? peer.address, problem: answer.gone },
            `the household's sender ${where} did not answer (${answer.gone}): this node sends what it owed`,
          );
          machine.send({ type: 'notify.gone' });
        } else {
          log.debug(
            { event: 'notify.asked', sender: peer.name ?? peer.address, problem: answer.unclear },
            `asked ${where} what it told: ${answer.unclear}; asking again`,
          );
          machine.send({ type: 'notify.unclear' });
        }
      });
    });
    // At the start: what the others told, should this node's file be lost.
    machine.on('notify.recall', () => {
      for (const peer of shownPeers) {
        if (peer.notify == null || peer.http === null || peer.silent) continue;
        void askTold({ address: peer.address, port: peer.http }, setup.signer?.()).then((answer) => {
          if (!stopped && 'told' in answer) machine.send({ type: 'notify.told', told: answer.told });
        });
      }
    });

    node.on('time.changed', ({ lastCleaned, source, from }) => {
      const peer = from && shownPeers.find((view) => view.address === from.address && view.port === from.port);
      cleaners.set(lastCleaned, source ? { by: source, where: name } : { by: null, where: peer ? peer.name : null });
      // Only the latest few matter: a "cleaned" message follows its cleaning within seconds.
      for (const at of cleaners.keys()) if (cleaners.size > 8) cleaners.delete(at);
    });
    node.on('view.changed', ({ view }) => {
      name = view.name;
      shownPeers = view.peers;
      const self = { id: setup.id, name: view.name };
      chosen = senderOf(self, knownPeers(view));
      const isSender = sendsHere(self, knownPeers(view));
      if (isSender !== sender) {
        sender = isSender;
        log.info(
          { event: 'notify.sender', sender: isSender },
          isSender
            ? 'this node sends the household’s notifications'
            : 'another node sends the household’s notifications (this one takes over if it stops answering)',
        );
        machine.send({ type: 'notify.sender', sender: isSender });
      }
      if (shown?.lastCleaned === view.lastCleaned && shown.level === view.level) return;
      shown = { lastCleaned: view.lastCleaned, level: view.level };
      machine.send({ type: 'notify.view', ...shown });
    });
    log.info(
      {
        event: 'notify',
        targets: options.targets.map((target) => target.shown),
        levels: options.levels,
        repeat: formatRepeat(options.repeatMs),
        quiet: formatQuietHours(quietHours),
      },
      `notifications to ${options.targets.map((target) => target.shown).join(', ')}`,
    );
    machine.start();
    return () => {
      stopped = true;
      machine.stop();
      for (const delivery of deliveries) delivery.stop();
    };
  };
  return { observer, told: () => machine.getSnapshot().context.notified };
}
