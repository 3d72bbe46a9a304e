import * as path from 'node:path';
import { Mosquitto, Watcher } from './mosquitto';
import { NodeProcess, stopAll, tempDir } from './node-process';

export interface BrokerSuiteOptions {
  /** The topics of a watcher of the test's own, subscribed before any node starts; none without. */
  watch?: string[];
  /** A password file with these users (name → password) instead of anonymous access. */
  users?: Record<string, string>;
  /** A TLS listener: the certificate and key (PEM files) made in the suite's folder before the broker starts. */
  tls?: (dir: string) => { cert: string; key: string };
}

/**
 * What an MQTT suite shares between its tests: a folder, a real Mosquitto of its own in it, a
 * watcher when asked for, and the nodes it started. Its fields are set in `beforeAll` and read
 * in the tests; `afterAll` kills the nodes, then closes the watcher and stops the broker, also
 * when a test failed.
 */
export class BrokerSuite {
  temp!: ReturnType<typeof tempDir>;
  broker!: Mosquitto;
  /** Set only with `watch`. */
  watcher!: Watcher;
  readonly nodes: NodeProcess[] = [];

  /**
   * A node called `name`, its state in the suite's folder under its name, no quiet hours, on the
   * broker (`mqtt: false`: on UDP only), with `extra` after those.
   */
  start(name: string, extra: string[] = [], { mqtt = true }: { mqtt?: boolean } = {}): NodeProcess {
    const node = new NodeProcess([
      ...['--name', name, '--state-file', path.join(this.temp.dir, name, 'state'), '--quiet-hours', 'off'],
      ...(mqtt ? ['--mqtt', this.broker.url] : []),
      ...extra,
    ]);
    this.nodes.push(node);
    return node;
  }
}

/** A BrokerSuite for the `describe` it is called in: its broker started before the first test, stopped after the last. */
export function brokerPerSuite(options: BrokerSuiteOptions = {}): BrokerSuite {
  const suite = new BrokerSuite();
  beforeAll(async () => {
    suite.temp = tempDir();
    const tls = options.tls?.(suite.temp.dir) ?? null;
    suite.broker = new Mosquitto(path.join(suite.temp.dir, 'broker'), options.users ?? null, undefined, tls);
    await suite.broker.start();
    if (options.watch) suite.watcher = await Watcher.connect(suite.broker.url, options.watch);
  });
  afterAll(async () => {
    await stopAll(suite.nodes);
    await suite.watcher?.close();
    await suite.broker?.stop();
    suite.temp?.remove();
  });
  return suite;
}
