import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import type { Cleaning, Withdrawal } from '../../common/history';
import type { History } from '../../machines/history/history-set';
import type { Withdrawals } from '../../machines/history/withdrawals';
import { boxesJson, boxesKey, type BoxAnswer } from './box-routes';
import { Tickets } from './tickets';
import type { HistoryEvent } from '../../machines/history/history-events';
import { DEFAULT_THRESHOLDS } from '../../machines/reminder/levels';
import type { CleaningReport } from '../../machines/node/node-events';
import type { NodeLink, Observer } from '../../machines/node/node-link';
import type { NodeView } from '../../machines/node/node-view';
import { formatLocal, localToEpoch } from '../time/local-time';
import { heldBack, PerSenderLimit } from '../limits/per-sender-limit';
import { AddressCounts } from './address-counts';
import { loadAssets } from './assets';
import { RateLimit, type Rate } from './rate-limit';
import { EventStreams } from './event-stream';
import { ownNames } from './guards';
import { householdJson, householdKey, stateJson, stateKey } from './household-json';
import type { CleaningRequest } from './cleaning-request';
import { pageHistory } from './history-routes';
import { pageUrl } from './page-url';
import { portProblem } from '../cluster/port-holder';
import { handle } from './routes';
import { sameThresholds } from '../../common/levels';
import type { Asset } from './assets';
import type { Household } from '../household/household';
import { keyAnswer } from './household-routes';

export interface WebOptions {
  /** Listening already (`openPageServer`): the actor answers its requests. */
  server: http.Server;
  /** The cluster's UDP port: this node's entry in the household. */
  udpPort: number;
  timeZone: string;
  log: Logger;
  now?: () => number;
  /** The name the node advertises by mDNS, whose host name the page is at; absent without mDNS. */
  mdnsName?: string;
  /** The household key as the node holds it (src/household/household.ts). */
  household?: Household;
  /** What the node has told the household, as `GET /api/notified` answers it; absent without notification targets. */
  notified?: () => unknown;
}

/** How often cleanings refused from one address may be warned about. */
const REFUSALS_EVERY_MS = 10 * 60_000;
/** Pages open at once, at the most; past it, 503. */
const MOST_STREAMS = 32;
/**
 * Pages open at once from one address: a browser holds at most 6 connections to a host
 * (HTTP/1.1), so 8 leaves room for two on one machine, and a host cannot take every stream.
 */
const MOST_STREAMS_PER_ADDRESS = 8;
/** Connections at once: slow or idle clients cannot hold more, and never stall the node. */
const MOST_CONNECTIONS = 256;
/**
 * Connections at once from one address: a browser's 6, `status` and the peers' exchanges
 * need a few; one host that opens hundreds leaves the others 224 at least.
 */
const MOST_CONNECTIONS_PER_ADDRESS = 32;
/**
 * How many POSTs one address may send, by route. A household presses a few times a day,
 * `reset` once, and a test suite a few times a second: 20 at once and 2 a second more let
 * them all through, and leave a flood of 3,000 parallel presses 20. A peer posts the
 * history a few times a minute (10,000 cleanings are 5 posts).
 */
const POST_RATES: Readonly<Record<string, Rate>> = {
  '/api/cleaned': { burst: 20, perSecond: 2 },
  '/api/cleaned/undo': { burst: 20, perSecond: 2 },
  '/api/cleaned/by': { burst: 20, perSecond: 2 },
  '/api/history': { burst: 10, perSecond: 1 },
  // A person presses "Add a node" now and then; a join is one request a node.
  '/api/household/invite': { burst: 5, perSecond: 0.2 },
  '/api/household/join': { burst: 3, perSecond: 0.1 },
  // The page's "Join the household": a person types a member's name, and may mistype it.
  '/api/household/join-via': { burst: 10, perSecond: 0.2 },
};
/**
 * How long `GET /api/household` waits at most for the node to say its peers have answered
 * (the cluster gives them 250 ms); within the second it promises.
 */
const HOUSEHOLD_WAIT_MS = 500;
/** A cleaning the node has not answered for by then is answered with 503. */
const RECORD_WAIT_MS = 10_000;

/** What a client that broke HTTP is told, before its connection is closed. */
function refuse(socket: Duplex, status: number, message: string): void {
  const body = JSON.stringify({ error: message });
  if (socket.writable) {
    socket.end(
      `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}

/** A request that comes before the node has started its page: answered, never left hanging. */
function notYet(_request: http.IncomingMessage, response: http.ServerResponse): void {
  const body = JSON.stringify({ error: 'the node is starting: try again in a moment' });
  response.writeHead(503, { 'Content-Type': 'application/json; charset=utf-8', 'Retry-After': '1' }).end(body);
}

/**
 * The page's HTTP server, listening on `port` of every IPv4 interface before the node starts,
 * so that the node advertises its page (mDNS, Home Assistant) only when it has it. Resolves
 * with null, once `http.error` says who holds the port, when it cannot listen: the node then
 * runs on without its page.
 */
export function openPageServer(port: number, log: Logger, mdnsName: string | null): Promise<http.Server | null> {
  // The timeouts are looked at every 5 s (Node's default is 30 s): a client that never finishes
  // its headers is gone within 10 s. Each look wakes an idle node, so not every second.
  const server = http.createServer({
    headersTimeout: 5_000,
    requestTimeout: 10_000,
    keepAliveTimeout: 5_000,
    connectionsCheckingInterval: 5_000,
    // Refused by the routes instead, as JSON, as every other name it does not answer to.
    requireHostHeader: false,
    // A browser sends about a kilobyte here (no cookies): more is a client to refuse (431).
    maxHeaderSize: 8192,
  });
  server.maxConnections = MOST_CONNECTIONS;
  server.maxHeadersCount = 100;
  server.on('request', notYet);
  return new Promise((resolve) => {
    const failed = (error: NodeJS.ErrnoException): void => {
      const problem = portProblem('tcp', port, error);
      log.error(
        { event: 'http.error', port, err: error },
        `the page on TCP port ${port}: ${problem}; the node runs on without its page, and advertises none`,
      );
      server.close();
      resolve(null);
    };
    server.once('error', failed);
    server.listen(port, '0.0.0.0', () => {
      server.removeListener('error', failed);
      server.on('error', (error: Error) =>
        log.error({ event: 'http.error', port, err: error }, `the page on TCP port ${port}: ${error.message}`),
      );
      const url = pageUrl(port, mdnsName);
      log.info({ event: 'http.listening', port, url }, `the page is at ${url}`);
      resolve(server);
    });
  });
}

/**
 * The page and its JSON API, on the server `openPageServer` opened: an observer of the
 * node. It shows the view and the history the node emits, and sends the node cleanings,
 * looks at the household and the cleanings peers post; a request that waits for the node
 * is answered when the node's answer comes.
 */
export function webServer(options: WebOptions): Observer {
  return (node: NodeLink) => {
    const { log, server } = options;
    const now = options.now ?? Date.now;
    let view: NodeView | undefined;
    let history: History = [];
    let withdrawals: Withdrawals = [];
    const cleanings = new Tickets<void>(RECORD_WAIT_MS, 'the node did not record the cleaning in time: try again');
    const undos = new Tickets<BoxAnswer>(RECORD_WAIT_MS, 'the node did not take the cleaning back in time: try again');
    const namings = new Tickets<BoxAnswer>(RECORD_WAIT_MS, 'the node did not say who cleaned in time: try again');
    const refusals = new PerSenderLimit(REFUSALS_EVERY_MS);
    const limitedWarnings = new PerSenderLimit(REFUSALS_EVERY_MS);
    const postLimits = new Map(Object.entries(POST_RATES).map(([path, rate]) => [path, new RateLimit(rate, now)]));
    const refreshes = new Set<() => void>();
    const streams = new EventStreams(MOST_STREAMS, MOST_STREAMS_PER_ADDRESS);
    const connections = new AddressCounts(MOST_CONNECTIONS_PER_ADDRESS);
    // Named after the node (the manifest): made again when the node gets its name.
    let assets = new Map<string, Asset>();
    const site = {
      view: () => view,
      names: () => ownNames(os.hostname(), view?.name ?? ''),
      now,
      // The view's: a reloaded configuration may change it.
      get timeZone() {
        return view?.timeZone ?? options.timeZone;
      },
      household: (current: NodeView, address: string, all = false) => {
        const other = (peer: { address: string }) => options.household?.sightings.isOtherHousehold(peer.address);
        const shown = all ? current : { ...current, peers: current.peers.filter((peer) => !other(peer)) };
        return householdJson(shown, { address, port: options.udpPort }, now());
      },
      householdKey: options.household ?? null,
      ...(options.notified ? { notified: options.notified } : {}),
      // Until the node says its peers have answered, or no longer.
      freshHousehold: () =>
        new Promise<void>((resolve) => {
          const done = (): void => {
            clearTimeout(timer);
            refreshes.delete(done);
            resolve();
          };
          const timer = setTimeout(done, HOUSEHOLD_WAIT_MS);
          refreshes.add(done);
          node.send({ type: 'household.refresh' });
        }),
      history: () => history,
      withdrawals: () => withdrawals,
      // Those in force: a reloaded configuration may change them.
      thresholds: () => view?.thresholds ?? DEFAULT_THRESHOLDS,
      offerHistory: (offered: Cleaning[], taken: Withdrawal[], from: string) =>
        node.send({
          type: 'history.offered',
          cleanings: offered,
          withdrawals: taken,
          from: { address: from },
        } satisfies HistoryEvent),
      refused: (from: string, problem: string) => {
        const warning = refusals.take(from);
        if (!warning) return;
        log.warn(
          { event: 'history.refused', peer: from, problem, ...warning },
          `refused the cleanings ${from} sent: ${problem}; the history is unchanged${heldBack(warning)}`,
        );
      },
      recordCleaning: ({ at, source, box, by }: CleaningRequest) =>
        cleanings.ask((ticket) => {
          // 1970 is a time like any other (a falsy one).
          const report: CleaningReport = {
            type: 'cleaning.reported',
            source,
            ticket,
            ...(at === undefined ? {} : { at }),
            ...(box === undefined ? {} : { box }),
            ...(by === undefined ? {} : { by }),
          };
          node.send(report);
        }),
      undoCleaning: (box: string, at: number) =>
        undos.ask((ticket) => node.send({ type: 'cleaning.undo', box, at, ticket })),
      nameCleaning: (box: string, at: number, by: string) =>
        namings.ask((ticket) => node.send({ type: 'cleaning.named', box, at, by, ticket })),
      localNow: () => formatLocal(now(), site.timeZone).replace(' ', 'T'),
      localTime: (local: string) => localToEpoch(local, site.timeZone),
      streams,
      asset: (path: string) => assets.get(path),
      postLimited: (path: string, from: string) => {
        const limit = postLimits.get(path);
        const wait = limit?.take(from) ?? null;
        const warning = wait === null ? null : limitedWarnings.take(from);
        if (limit && warning) {
          const { burst, perSecond } = limit.rate;
          log.warn(
            { event: 'http.limited', from, path, ...warning },
            `refused POST ${path} from ${from} (429): more than ${burst} at once and ${perSecond} a second${heldBack(warning)}`,
          );
        }
        return wait;
      },
    };

    // The key, the invitation, the members: the page hears at once.
    const stopHearing = options.household?.onChange(() => streams.send('key', () => keyAnswer(site.householdKey)));
    server.removeListener('request', notYet);
    server.on('connection', (socket: Socket) => {
      const release = connections.take(socket.remoteAddress ?? '');
      if (!release) {
        refuse(socket, 503, `${MOST_CONNECTIONS_PER_ADDRESS} connections are open from your address already`);
        return;
      }
      socket.once('close', release);
    });
    server.on('request', (request: http.IncomingMessage, response: http.ServerResponse) => {
      // The answer (500) is sent already: what went wrong is for the log.
      handle(site, request, response).catch((error: unknown) =>
        log.error(
          { event: 'http.failed', url: request.url, err: error },
          `could not answer ${request.url}: ${String(error)}`,
        ),
      );
    });
    server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
      const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
      refuse(socket, status, status === 431 ? 'the headers are too large' : 'that is not HTTP this node reads');
    });
    // The node's name, once it holds it (another node may have had it first), says where the page is.
    const { port } = server.address() as AddressInfo;
    const urlOf = (current: NodeView | undefined): string =>
      pageUrl(port, options.mdnsName === undefined ? null : (current?.name ?? options.mdnsName));
    node.on('cleaning.answered', ({ ticket }) => cleanings.answer(ticket));
    node.on('undo.answered', ({ ticket, ...answer }) => undos.answer(ticket, answer));
    node.on('naming.answered', ({ ticket, ...answer }) => namings.answer(ticket, answer));
    node.on('household.refreshed', () => {
      for (const done of [...refreshes]) done();
    });
    node.on('history.changed', (changed) => {
      history = changed.history;
      withdrawals = changed.withdrawals;
      streams.send('history', () => pageHistory(site));
    });
    node.on('view.changed', (changed) => {
      const before = view;
      const current = changed.view;
      view = current;
      if (before?.name !== current.name) assets = loadAssets(current.name);
      if (before && urlOf(before) !== urlOf(current)) {
        const url = urlOf(current);
        log.info({ event: 'http.url', url }, `the page is now at ${url}: the node's name was taken on the network`);
      }
      if (!before || stateKey(before) !== stateKey(current)) streams.send('state', () => stateJson(current, now()));
      if (!before || boxesKey(before) !== boxesKey(current)) streams.send('boxes', () => boxesJson(current, now()));
      const newLevels = before !== undefined && !sameThresholds(before.thresholds, current.thresholds);
      if (!before || householdKey(before) !== householdKey(current)) {
        streams.send('household', (address) => site.household(current, address));
      }
      // The chart's bands are the levels.
      if (newLevels) streams.send('history', () => pageHistory(site));
    });
    return () => {
      for (const done of [...refreshes]) done();
      stopHearing?.();
      streams.close();
      server.close();
      server.closeAllConnections();
    };
  };
}
