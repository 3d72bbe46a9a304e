import type { RunOptions } from './cli/run-options';

/** A key of the configuration file, and the option it sets. */
interface Setting {
  key: string;
  field: keyof RunOptions;
}

/** What a running node takes on SIGHUP. */
const LIVE: Setting[] = [
  { key: 'levels', field: 'thresholds' },
  { key: 'quietHours', field: 'quietHours' },
  { key: 'timezone', field: 'timeZone' },
  { key: 'strip.brightness', field: 'brightness' },
  { key: 'log.level', field: 'logLevel' },
  { key: 'peers', field: 'peers' },
];

/** What waits for a restart: sockets, devices and files opened at the start. */
const AT_START: Setting[] = [
  { key: 'name', field: 'name' },
  { key: 'port', field: 'port' },
  { key: 'mdns', field: 'mdns' },
  { key: 'stateFile', field: 'stateFile' },
  { key: 'hardware', field: 'hardware' },
  { key: 'strip.leds', field: 'leds' },
  { key: 'strip.pin', field: 'ledPin' },
  { key: 'strip.device', field: 'ledDevice' },
  { key: 'button.pin', field: 'buttonPin' },
  { key: 'log.format', field: 'logFormat' },
  { key: 'http', field: 'httpPort' },
  { key: 'mqtt', field: 'mqtt' },
  { key: 'household.keyFile', field: 'householdKeyFile' },
  { key: 'household.originals', field: 'householdOriginals' },
];

const changed = (before: RunOptions, after: RunOptions) => (setting: Setting) =>
  JSON.stringify(before[setting.field]) !== JSON.stringify(after[setting.field]);

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
  const live = Object.fromEntries(LIVE.map(({ field }) => [field, next[field]])) as Partial<RunOptions>;
  return { applied, waiting, options: { ...current, ...live } };
}
