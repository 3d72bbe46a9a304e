import * as path from 'node:path';
import type { Logger } from 'pino';
import { createActor, type AnyActorRef } from 'xstate';
import { peerKey } from '../machines/cluster-events';
import { displayMachine } from '../machines/displayMachine';
import { formatQuietHours } from '../machines/quiet-hours';
import { nodeMachine } from '../machines/nodeMachine';
import { reminderMachine, type ReminderEmitted } from '../machines/reminderMachine';
import type { Hardware } from '../hardware/types';
import type { RunOptions } from './cli/run-options';
import { createLogger } from './logger';
import { discoveryActor } from './discovery';
import { startInspection, type Inspection } from './inspection';
import { buttonActor, loadStateActor, noDiscovery, stripActor, storeActor } from './node-actors';
import { openHardware, type Console } from './open-hardware';
import { StripOutput } from './strip-output';
import { ONCE_A_MINUTE_MS, PerSenderLimit } from './per-sender-limit';
import { formatRfc3339 } from './timestamp';
import { transportActor } from './transport';

const SHUTDOWN_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGQUIT'] as const;

const wallClock = { now: () => Date.now() };

/** The root actor of one node with its real actors, not started. */
export function createNode(
  options: RunOptions,
  hardware: Hardware,
  output: StripOutput,
  log: Logger,
  inspection: Inspection | undefined,
) {
  const machine = nodeMachine.provide({
    actors: {
      loadState: loadStateActor(options.stateFile, log, wallClock.now),
      store: storeActor(options.stateFile, log),
      button: buttonActor(hardware.button, log),
      transport: transportActor(options.port, log),
      discovery: options.mdns
        ? discoveryActor({ name: options.name, port: options.port, stateDir: path.dirname(options.stateFile), log })
        : noDiscovery,
      reminder: reminderMachine.provide({
        actors: { display: displayMachine.provide({ actors: { strip: stripActor(output) } }) },
      }),
    },
  });
  return createActor(machine, {
    input: {
      quietHours: options.quietHours,
      timeZone: options.timeZone,
      clock: wallClock,
      peers: options.peers,
      random: Math.random,
    },
    inspect: inspection?.inspect,
  });
}

/** Logs what the node tells the outside world. */
function logNodeEvents(node: ReturnType<typeof createNode>, log: Logger): void {
  node.on('time.changed', ({ lastCleaned, reason }) =>
    log.info(
      { event: 'time.changed', lastCleaned: formatRfc3339(lastCleaned), reason },
      `last cleaned: ${formatRfc3339(lastCleaned)} (${reason === 'press' ? 'button press' : 'from a peer'})`,
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
  node.on('peer.silent', ({ peer }) =>
    log.info(
      { event: 'peer.silent', peer: peerKey(peer) },
      `${peerKey(peer)} has not answered for a while: set aside until it is seen again`,
    ),
  );
}

/** Tells the hardware (the terminal's words) and the log about each level the reminder enters. */
function followLevels(node: ReturnType<typeof createNode>, hardware: Hardware, log: Logger): void {
  let followed: AnyActorRef | undefined;
  let logged: string | undefined;
  node.subscribe((snapshot) => {
    const reminder = snapshot.children.reminder;
    if (!reminder || reminder === followed) return;
    followed = reminder;
    // The reminder re-enters its level on every new time (the terminal shows the time
    // too); the log only hears of a level that differs from the last one.
    reminder.on('level.changed', ({ level, lastCleaned }: ReminderEmitted) => {
      if (level !== logged) log.info({ event: 'level', reminderLevel: level }, `level: ${level}`);
      logged = level;
      hardware.describe({ level, lastCleaned });
    });
  });
}

/**
 * Runs one node until SHUTDOWN (a signal, or `q` in the terminal) and resolves
 * with the exit status. A second signal during shutdown exits at once, after one
 * more try to darken the strip.
 */
export async function runNode(options: RunOptions, io: Console): Promise<number> {
  // A reader that went away (`run | head`) must not end the node: the log is lost, the strip is not.
  io.stdout.on('error', () => undefined);
  const { hardware, warning } = openHardware(options.hardware, options, io);
  const log = createLogger(options.logFormat, options.logLevel, hardware.logStream, Boolean(io.stdout.isTTY));
  if (warning) log.warn({ event: warning.event }, warning.message);
  const output = new StripOutput(hardware.strip, log);
  let inspection: Inspection | undefined;
  if (options.inspect) {
    inspection = await startInspection(options.inspect, log);
    log.info({ event: 'inspect', where: inspection.where }, `inspector: ${inspection.where}`);
  }
  const node = createNode(options, hardware, output, log, inspection);
  followLevels(node, hardware, log);
  logNodeEvents(node, log);

  return new Promise((resolve) => {
    // A node with nothing to wait for (time unknown, no quiet hours, stdin at its
    // end under a service manager) must still run until it is told to stop.
    const keepAlive = setInterval(() => undefined, 2 ** 30);
    let shuttingDown = false;
    let finished = false;
    const finish = (status: number): void => {
      if (finished) return;
      finished = true;
      clearInterval(keepAlive);
      for (const signal of SHUTDOWN_SIGNALS) process.removeListener(signal, onSignal);
      process.removeListener('uncaughtException', onCrash);
      output.close();
      // After a crash or a second signal the statecharts did not finish: stopping them
      // runs each actor's cleanup (the button's gpiomon, the sockets). A no-op otherwise.
      try {
        node.stop();
      } catch (error) {
        log.error({ event: 'crashed', err: error }, `while stopping the node's actors: ${String(error)}`);
      }
      hardware.close();
      inspection?.stop();
      log.info({ event: 'stopped' }, 'stopped');
      resolve(status);
    };
    const shutDown = (reason: string): void => {
      if (shuttingDown) {
        log.warn({ event: 'shutdown.forced', reason }, `${reason} during shutdown: exiting at once`);
        finish(0);
        return;
      }
      shuttingDown = true;
      log.info({ event: 'shutdown', reason }, `${reason}: shutting down`);
      node.send({ type: 'SHUTDOWN' });
    };
    function onSignal(signal: NodeJS.Signals): void {
      shutDown(signal);
    }
    // A throw outside the statecharts (a driver's callback, say): the strip still goes
    // dark, and the exit status says it failed, so that systemd restarts the node.
    function onCrash(error: Error): void {
      log.error({ event: 'crashed', err: error }, `the node stopped on an error: ${String(error)}`);
      finish(1);
    }
    for (const signal of SHUTDOWN_SIGNALS) process.on(signal, onSignal);
    process.on('uncaughtException', onCrash);
    hardware.onQuit(() => shutDown('quit key'));
    node.subscribe({
      complete: () => finish(0),
      error: (error) => onCrash(error instanceof Error ? error : new Error(String(error))),
    });
    log.info(
      {
        event: 'starting',
        hardware: hardware.kind,
        stateFile: options.stateFile,
        quietHours: formatQuietHours(options.quietHours),
        timeZone: options.timeZone,
      },
      `starting with ${hardware.kind} hardware`,
    );
    node.start();
  });
}
