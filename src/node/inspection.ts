import type { StatelyInspectionEvent } from '@statelyai/inspect';
import type { Logger } from 'pino';
import type { InspectionEvent } from 'xstate';
import type { InspectTarget } from '../settings/readings';

export interface Inspection {
  /** For `createActor(machine, { inspect })`. */
  inspect: (event: InspectionEvent) => void;
  /** Where to watch: the relay's URL, or a pointer to Stately's own message. */
  where: string;
  /** Ends the connection and every retry, so that nothing keeps the process alive. */
  stop(): void;
}

type InspectModule = typeof import('@statelyai/inspect');

/** The part of the `ws` client used here: the package ships no types of its own. */
interface WsClient {
  readonly readyState: number;
  send(data: string): void;
  close(): void;
  on(event: 'open' | 'close', listener: () => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
}
interface WsModule {
  WebSocket: { new (url: string): WsClient; readonly OPEN: number };
}
// Loaded with the first relay connection: a node run without --inspect never needs it.
const loadWs = (): WsModule => require('ws') as WsModule;

const RETRY_MS = 5_000;
// Events that happen while the relay is away; actor registrations are kept apart,
// since without them the inspector cannot place any later event.
const MAX_QUEUED = 200;
const MAX_ACTORS = 100;

// @statelyai/inspect is published as ES modules only, and tsc turns `import()` into
// `require()` under CommonJS: a Function body it leaves alone. (Under jest this needs
// node's --experimental-vm-modules, for jest's sandbox to allow import().)
// eslint-disable-next-line @typescript-eslint/no-implied-eval -- the one way past tsc's rewrite, see above
const importEsm = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<unknown>;

export async function startInspection(target: InspectTarget, log: Logger): Promise<Inspection> {
  const stately = (await importEsm('@statelyai/inspect')) as InspectModule;
  let warned = false;
  const unreachable = (url: string): void => {
    if (warned) return;
    warned = true;
    log.warn({ event: 'inspect.unreachable', url }, `inspector at ${url} unreachable: retrying quietly`);
  };
  if (target.kind === 'sky') {
    // The Sky client prints its link with console.log once connected and offers no way
    // to read it or to close its socket; the CLI's process.exit ends it.
    const sky = stately.createSkyInspector({ onerror: () => unreachable('sky (stately.ai)') });
    return {
      inspect: (event) => sky.inspect.next?.(event),
      where: 'see the URL printed by Stately Sky once connected',
      stop: () => sky.stop(),
    };
  }
  // Our own adapter, not createWebSocketInspector: that one keeps retrying after stop()
  // while the relay is down, and never reconnects after the relay goes away.
  const relay = new RelayConnection(target.url, log, () => unreachable(target.url));
  const inspector = stately.createInspector(relay);
  inspector.start();
  return { inspect: (event) => inspector.inspect.next?.(event), where: target.url, stop: () => inspector.stop() };
}

/** A WebSocket to a relay, reopened every few seconds while it is away. */
class RelayConnection {
  private socket: WsClient | undefined;
  private retry: NodeJS.Timeout | undefined;
  private stopping = false;
  private readonly actors: string[] = [];
  private queued: string[] = [];

  constructor(
    private readonly url: string,
    private readonly log: Logger,
    private readonly unreachable: () => void,
  ) {}

  start(): void {
    const socket = new (loadWs().WebSocket)(this.url);
    this.socket = socket;
    socket.on('open', () => {
      this.log.info({ event: 'inspect.connected', url: this.url }, `inspector connected at ${this.url}`);
      // A relay that starts late, or restarts, learns every actor again.
      for (const text of [...this.actors, ...this.queued]) socket.send(text);
      this.queued = [];
    });
    // Without a listener, an error would be thrown and end the node.
    socket.on('error', () => {
      if (!this.stopping) this.unreachable();
    });
    socket.on('close', () => {
      this.socket = undefined;
      if (this.stopping) return;
      this.retry = setTimeout(() => this.start(), RETRY_MS);
      // A retry alone must not keep a finished node running.
      this.retry.unref();
    });
  }

  stop(): void {
    this.stopping = true;
    clearTimeout(this.retry);
    // The inspector hands over events on the next turn of the event loop: close
    // after them, so that the relay sees the actors stop.
    setTimeout(() => this.socket?.close(), 0);
  }

  send(event: StatelyInspectionEvent): void {
    const text = toJson(event);
    if (text === undefined) return;
    if (event.type === '@xstate.actor' && this.actors.length < MAX_ACTORS) this.actors.push(text);
    if (this.socket?.readyState === loadWs().WebSocket.OPEN) {
      this.socket.send(text);
    } else if (event.type !== '@xstate.actor' && !this.stopping) {
      this.queued.push(text);
      if (this.queued.length > MAX_QUEUED) this.queued.shift();
    }
  }
}

/**
 * JSON that never throws: contexts hold functions (dropped, as JSON does), and a
 * context may hold cycles or bigints. An object met twice is marked, not repeated.
 */
function toJson(event: StatelyInspectionEvent): string | undefined {
  const seen = new WeakSet<object>();
  try {
    return JSON.stringify(event, (_key, value: unknown) => {
      if (typeof value === 'bigint') return value.toString();
      if (typeof value !== 'object' || value === null) return value;
      if (seen.has(value)) return '[Circular]';
      seen.add(value);
      return value;
    });
  } catch {
    // A getter that throws, say: this event is left out, the node runs on.
    return undefined;
  }
}
