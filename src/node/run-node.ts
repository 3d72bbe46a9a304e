import * as path from 'node:path';
import { formatQuietHours } from '../../machines/reminder/quiet-hours';
import type { RunOptions } from '../settings/resolve-settings';
import { createLogger } from './logger';
import { reloadOf } from '../settings/reload';
import { startInspection, type Inspection } from './inspection';
import { nodeIdentity } from '../cluster/instance-name';
import { createNode } from './create-node';
import { openHardware, type Console } from './open-hardware';
import { StripOutput } from './strip-output';
import { openTransportSocket } from '../cluster/transport';
import { openPageServer } from '../web/server';
import { portProblem } from '../cluster/port-holder';
import { Household } from '../household/household';
import { KeyFileError } from '../household/key-file';

const SHUTDOWN_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGQUIT'] as const;

/** The node cannot start: its message is the one line the command prints, and it exits 1. */
export class CannotStart extends Error {}

/**
 * The household's UDP port, bound before anything else starts (the strip, the page, mDNS): a
 * node that cannot have it has no reason to run, and must not advertise a port that is another's.
 */
async function claimUdpPort(port: number) {
  try {
    return await openTransportSocket(port);
  } catch (error) {
    throw new CannotStart(`${portProblem('udp', port, error as NodeJS.ErrnoException)}: not started`);
  }
}

/**
 * The household key, read now and whenever its file changes. A key file that holds no key
 * stops the node: run without it, the node would take any stranger's history.
 */
function openHousehold(options: RunOptions, log: ReturnType<typeof createLogger>): Household {
  try {
    const household = new Household({ keyFile: options.householdKeyFile, originals: options.householdOriginals, log });
    household.setPeers(options.peers);
    household.watch();
    return household;
  } catch (error) {
    if (error instanceof KeyFileError) throw new CannotStart(`${error.message}: not started`);
    throw error;
  }
}

/**
 * Runs one node until SHUTDOWN (a signal, or `q` in the terminal) and resolves
 * with the exit status. A second signal during shutdown exits at once, after one
 * more try to darken the strip.
 */
export async function runNode(options: RunOptions, io: Console, reread?: () => RunOptions): Promise<number> {
  // A reader that went away (`run | head`) must not end the node: the log is lost, the strip is not.
  io.stdout.on('error', () => undefined);
  const socket = await claimUdpPort(options.port);
  const { hardware, warning } = openHardware(options.hardware, options, io);
  const log = createLogger(options.logFormat, options.logLevel, hardware.logStream, Boolean(io.stdout.isTTY));
  if (warning) log.warn({ event: warning.event }, warning.message);
  const household = openHousehold(options, log);
  const output = new StripOutput(hardware.strip, log, options.brightness);
  let inspection: Inspection | undefined;
  if (options.inspect) {
    inspection = await startInspection(options.inspect, log);
    log.info({ event: 'inspect', where: inspection.where }, `inspector: ${inspection.where}`);
  }
  // Without it (--no-http, or its port taken: `http.error` says so), the node runs without a page.
  const identity = nodeIdentity(options.name, path.dirname(options.stateFile), log);
  // The URL it logs is the host name mDNS advertises (`kitchen-3f2a.local`), which resolves to this node alone.
  const mdnsName = options.mdns ? identity.name : null;
  const page = options.httpPort === null ? null : await openPageServer(options.httpPort, log, mdnsName);
  const node = createNode(options, identity, { socket, page }, hardware, output, log, inspection, household);

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
      process.removeListener('SIGHUP', onReload);
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
      household.close();
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
    // SIGHUP (systemctl reload): the configuration again, what can change applied now.
    let current = options;
    function onReload(): void {
      if (shuttingDown || !reread) return;
      const file = current.configFile;
      let next: RunOptions;
      try {
        next = reread();
      } catch (error) {
        const problem = (error as Error).message;
        log.error({ event: 'config.refused', file, problem }, `${problem}; the node keeps its configuration`);
        return;
      }
      const { applied, waiting, options: taken } = reloadOf(current, next);
      current = taken;
      // Every live setting goes to the part that uses it, changed or not: each takes it
      // idempotently, so that a setting made live in the table cannot be forgotten here.
      const { quietHours, timeZone, thresholds, peers, brightness, logLevel } = taken;
      output.setBrightness(brightness);
      log.level = logLevel;
      node.send({ type: 'settings.changed', quietHours, timeZone, thresholds, peers });
      household.setPeers(peers);
      log.info(
        { event: 'config.reloaded', file, applied },
        `read ${file ?? 'the flags'} again: ${applied.length > 0 ? `applied ${applied.join(', ')}` : 'nothing changed'}`,
      );
      if (waiting.length > 0) {
        log.warn(
          { event: 'config.restart-needed', file, keys: waiting },
          `${waiting.join(', ')} changed: they take effect at the next start (systemctl restart cat-litter-reminder)`,
        );
      }
    }
    for (const signal of SHUTDOWN_SIGNALS) process.on(signal, onSignal);
    process.on('SIGHUP', onReload);
    // The early listener of cli.ts has done its part.
    for (const listener of process.listeners('SIGHUP'))
      if (listener !== onReload) process.removeListener('SIGHUP', listener);
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
