import type { RunOptions } from './cli/run-options';

/** A key of the configuration file, and the part of the options it sets. */
interface Setting {
  key: string;
  part: (options: RunOptions) => unknown;
}

/** What a running node takes on SIGHUP. */
const LIVE: Setting[] = [
  { key: 'levels', part: (o) => o.thresholds },
  { key: 'quietHours', part: (o) => o.quietHours },
  { key: 'timezone', part: (o) => o.timeZone },
  { key: 'strip.brightness', part: (o) => o.brightness },
  { key: 'log.level', part: (o) => o.logLevel },
  { key: 'peers', part: (o) => o.peers },
];

/** What waits for a restart: sockets, devices and files opened at the start. */
const AT_START: Setting[] = [
  { key: 'name', part: (o) => o.name },
  { key: 'port', part: (o) => o.port },
  { key: 'mdns', part: (o) => o.mdns },
  { key: 'stateFile', part: (o) => o.stateFile },
  { key: 'hardware', part: (o) => o.hardware },
  { key: 'strip.leds', part: (o) => o.leds },
  { key: 'strip.pin', part: (o) => o.ledPin },
  { key: 'button.pin', part: (o) => o.buttonPin },
  { key: 'log.format', part: (o) => o.logFormat },
  { key: 'http', part: (o) => o.httpPort },
  { key: 'mqtt', part: (o) => o.mqtt },
];

const changed = (before: RunOptions, after: RunOptions) => (setting: Setting) =>
  JSON.stringify(setting.part(before)) !== JSON.stringify(setting.part(after));

export interface Reload {
  /** The keys that take effect now. */
  applied: string[];
  /** The keys that changed but wait for a restart. */
  waiting: string[];
  /** The options the node runs with from now on: the new live ones, the old rest. */
  options: RunOptions;
}

/** What a reloaded configuration changes in a node running with `current`. */
export function reloadOf(current: RunOptions, next: RunOptions): Reload {
  const applied = LIVE.filter(changed(current, next)).map((setting) => setting.key);
  const waiting = AT_START.filter(changed(current, next)).map((setting) => setting.key);
  const options: RunOptions = {
    ...current,
    thresholds: next.thresholds,
    quietHours: next.quietHours,
    timeZone: next.timeZone,
    brightness: next.brightness,
    logLevel: next.logLevel,
    peers: next.peers,
  };
  return { applied, waiting, options };
}
