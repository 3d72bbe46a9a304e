import type * as dgram from 'node:dgram';
import type * as http from 'node:http';
import * as path from 'node:path';
import type { Logger } from 'pino';
import { createActor, type Actor } from 'xstate';
import { clusterMachine } from '../../machines/cluster/cluster-machine';
import { displayMachine } from '../../machines/reminder/display-machine';
import { historyMachine } from '../../machines/history/history-machine';
import { nodeMachine } from '../../machines/node/node-machine';
import { reminderMachine } from '../../machines/reminder/reminder-machine';
import { storeMachine } from '../../machines/store/store-machine';
import type { Hardware } from '../../hardware/types';
import type { RunOptions } from '../settings/resolve-settings';
import { discoveryActor } from '../cluster/discovery';
import { historyFileActors } from '../history/history-actors';
import { historyFileBeside } from '../history/history-file';
import { historySyncActor } from '../history/peer-exchange';
import type { Inspection } from './inspection';
import type { NodeIdentity } from '../cluster/instance-name';
import { noDiscovery } from '../cluster/no-discovery';
import { stateFileActors } from '../store/state-actors';
import { boxesStripActor, buttonActor } from './device-actors';
import { invitationPulse } from './invitation-pulse';
import type { StripOutput } from './strip-output';
import { transportActor } from '../cluster/transport';
import { mqttBridge } from '../mqtt/mqtt-bridge';
import { instanceFingerprint } from '../mqtt/session';
import { pageUrl } from '../web/page-url';
import { webServer } from '../web/server';
import type { NodeEmitted } from '../../machines/node/node-events';
import { logNodeEvents } from './node-log';
import type { NodeLink, Observer } from '../../machines/node/node-link';
import { notifier } from '../notify/notifier';
import { notifiedJson } from '../notify/notified-json';
import { signingWith } from '../household/request-signer';
import { version } from '../../package.json';
import type { Household } from '../household/household';

const wallClock = { now: () => Date.now() };

/** The ports the node holds before it starts: its UDP socket, and its page's server (null: no page). */
export interface ClaimedPorts {
  socket: dgram.Socket;
  page: http.Server | null;
}

/** The root actor of one node with its real actors, not started. */
export function createNode(
  options: RunOptions,
  /** Who it is: its id and name (`nodeIdentity`), made before its page opens, which names it. */
  identity: NodeIdentity,
  ports: ClaimedPorts,
  hardware: Hardware,
  output: StripOutput,
  log: Logger,
  inspection: Inspection | undefined,
  /** The household key as the node holds it: signs the history's exchanges, and says whom to trust. */
  household?: Household,
) {
  const stateDir = path.dirname(options.stateFile);
  const { name } = identity;
  // Only a page that listens is told of: mDNS and Home Assistant must never point at a port that is another's.
  const httpPort = ports.page === null ? null : options.httpPort;
  const stateFile = stateFileActors(options.stateFile, log, wallClock.now);
  const historyFile = historyFileActors(historyFileBeside(options.stateFile), log);
  const machine = nodeMachine.provide({
    actors: {
      loadState: stateFile.loader,
      // Held for 3 s, the button invites a node into the household (as "Add a node" on the page).
      button: buttonActor(hardware.button, log, () => household?.invite('the button') ?? false),
      store: storeMachine.provide({ actors: { file: stateFile.writer } }),
      history: historyMachine.provide({
        actors: {
          load: historyFile.loader,
          file: historyFile.writer,
          sync: historySyncActor(log, Date.now, household),
        },
      }),
      cluster: clusterMachine.provide({
        actors: {
          transport: transportActor(ports.socket, log, household && ((from) => household.untrusted(from))),
          discovery: options.mdns
            ? discoveryActor({
                name,
                port: options.port,
                httpPort,
                thresholds: options.thresholds,
                // Peers see that this node carries targets (never which): who sends is decided from it.
                notify: options.notify.targets.length > 0 ? identity.id : null,
                // The household lists this node under its boxes and offers its names.
                boxes: options.boxes,
                people: options.people,
                log,
                ...(household ? { household } : {}),
              })
            : noDiscovery,
        },
      }),
      reminder: reminderMachine.provide({
        actors: {
          display: displayMachine.provide({ actors: { strip: boxesStripActor(output, options.boxes, options.leds) } }),
        },
      }),
    },
  });
  // Notifications, for a node with targets: its observer, and what it told for the page's server to answer.
  const notifications =
    options.notify.targets.length === 0
      ? null
      : notifier({
          options: options.notify,
          id: identity.id,
          page: httpPort === null ? null : pageUrl(httpPort, options.mdns ? name : null),
          timeZone: options.timeZone,
          nodeQuietHours: options.quietHours,
          stateFile: options.stateFile,
          log,
          // The household's key as it is at each request: a join gives one while the node runs.
          signer: () => (household?.key ? signingWith(household.key) : undefined),
        });
  const node = createActor(machine, {
    input: {
      name,
      quietHours: options.quietHours,
      timeZone: options.timeZone,
      thresholds: options.thresholds,
      clock: wallClock,
      peers: options.peers,
      random: Math.random,
      boxes: options.boxes,
      people: options.people,
      undoWindowMs: options.undoWindowMs,
    },
    inspect: inspection?.inspect,
  });
  const observers: Observer[] = [
    // The words under the terminal's strip follow the view.
    listening((node) =>
      node.on('view.changed', ({ view }) => hardware.describe({ level: view.level, lastCleaned: view.lastCleaned })),
    ),
    listening((node) => logNodeEvents(node, log)),
    // The strip pulses blue while a node may join through this one.
    ...(household ? [invitationPulse(household, output)] : []),
    // With a page (not --no-http, its port not taken).
    ...(ports.page === null
      ? []
      : [
          webServer({
            server: ports.page,
            udpPort: options.port,
            timeZone: options.timeZone,
            log,
            ...(options.mdns ? { mdnsName: name } : {}),
            ...(household ? { household } : {}),
            ...(notifications ? { notified: () => notifiedJson(notifications.told()) } : {}),
          }),
        ]),
    // Home Assistant and the household's time on a broker, with --mqtt.
    ...(options.mqtt === null
      ? []
      : [
          mqttBridge({
            options: options.mqtt,
            identity,
            fingerprint: instanceFingerprint(stateDir),
            version,
            pageUrl: httpPort === null ? null : pageUrl(httpPort, options.mdns ? name : null),
            log,
          }),
        ]),
    ...(notifications ? [notifications.observer] : []),
  ];
  observe(node, observers);
  return node;
}

/** An observer that only listens (the log, the terminal's words): it holds nothing to stop. */
function listening(listen: (node: NodeLink) => void): Observer {
  return (node) => {
    listen(node);
    return () => undefined;
  };
}

/**
 * Starts each observer beside the node, before the node starts (so that it hears the first
 * view), and stops them in turn once the node has stopped: the page serves to the end of the
 * shutdown, and MQTT says the node went after the strip is dark and the goodbye said.
 */
function observe(node: Actor<typeof nodeMachine>, observers: readonly Observer[]): void {
  const link: NodeLink = {
    // xstate types the handler by a conditional type TypeScript cannot resolve for a generic
    // `type`; the node emits only events of that type to it.
    on: (type, handler) => {
      node.on(type, handler as (event: NodeEmitted) => void);
    },
    send: (event) => node.send(event),
  };
  const stops = observers.map((observer) => observer(link));
  const stopAll = (): void => {
    for (const stop of stops.splice(0)) stop();
  };
  node.subscribe({ complete: stopAll, error: stopAll });
}
