import * as fs from 'node:fs';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { plainHardware, type ButtonAction, type ButtonDriver, type Colour } from '../hardware/types';
import { parseRunOptions } from '../src/settings/resolve-settings';
import { createLogger } from '../src/node/logger';
import { createNode } from '../src/node/create-node';
import { StripOutput } from '../src/node/strip-output';
import { formatRfc3339 } from '../src/time/timestamp';
import { openTransportSocket } from '../src/cluster/transport';
import { openPageServer } from '../src/web/server';
import { nodeIdentity } from '../src/cluster/instance-name';
import { freeUdpPort, tempDir } from '../test/support/node-process';

const HOUR = 3_600_000;
const ORANGE = '#ff3c00';
const LIGHT_GREEN = '#003c00';

/** A strip that notes when it was told each colour, and wakes whoever waits for one. */
class TimedStrip {
  readonly shown: { colour: Colour; atNs: bigint }[] = [];
  private waiting: { colour: Colour; resolve: (atNs: bigint) => void } | undefined;

  show(colour: Colour): void {
    const atNs = process.hrtime.bigint();
    this.shown.push({ colour, atNs });
    if (this.waiting?.colour === colour) this.waiting.resolve(atNs);
  }

  close(): void {
    // Nothing to release: the strip is only the list of what it was asked to show.
  }

  next(colour: Colour): Promise<bigint> {
    return new Promise((resolve) => (this.waiting = { colour, resolve }));
  }
}

/**
 * Press → strip (from the button's release), in one process: a real node (state file, store, transport on a free
 * port, reminder, display, `led` records written as JSON) with a strip and a button
 * of its own. Each round starts a node whose state file is 13 h old (orange), presses,
 * and times the way to light green. Returns milliseconds per round.
 */
export async function measureButtonToStrip(rounds: number): Promise<number[]> {
  const samples: number[] = [];
  const { dir, remove } = tempDir();
  try {
    for (let round = 0; round < rounds; round += 1) {
      samples.push(await oneRound(path.join(dir, `state-${round}`)));
    }
  } finally {
    remove();
  }
  return samples;
}

async function oneRound(stateFile: string): Promise<number> {
  fs.writeFileSync(stateFile, `${formatRfc3339(Date.now() - 13 * HOUR)}\n`);
  const argv = ['--hardware', 'sim', '--no-mdns', '--port', String(freeUdpPort()), '--state-file', stateFile];
  const options = parseRunOptions([...argv, '--quiet-hours', 'off', '--log-format', 'json'], {}, false);
  if (!options) throw new Error('the benchmark asked for --help by mistake');
  const strip = new TimedStrip();
  let act: ((action: ButtonAction) => void) | undefined;
  const button: ButtonDriver = {
    watch: (onAction) => {
      act = onAction;
      return () => (act = undefined);
    },
  };
  const nowhere = new Writable({ write: (_chunk, _encoding, done) => done() });
  const hardware = plainHardware({ kind: 'sim', strip, button, logStream: nowhere });
  const log = createLogger('json', 'info', nowhere, false);
  const ports = {
    socket: await openTransportSocket(options.port),
    page: options.httpPort === null ? null : await openPageServer(options.httpPort, log, null),
  };
  const identity = nodeIdentity(options.name, path.dirname(options.stateFile));
  const node = createNode(options, identity, ports, hardware, new StripOutput(strip, log), log, undefined);
  const stopped = new Promise<void>((resolve) => node.subscribe({ complete: resolve }));
  const orange = strip.next(ORANGE);
  node.start();
  await orange;
  const fresh = strip.next(LIGHT_GREEN);
  if (!act) throw new Error('the node did not watch the button');
  // A press is a cleaning when the button comes up (held 3 s it would be an invitation): timed from then.
  act('down');
  const pressedNs = process.hrtime.bigint();
  act('up');
  const shownNs = await fresh;
  node.send({ type: 'SHUTDOWN' });
  await stopped;
  return Number(shownNs - pressedNs) / 1e6;
}
