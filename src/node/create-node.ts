import type * as dgram from 'node:dgram';
import type * as http from 'node:http';
import * as path from 'node:path';
import type { Logger } from 'pino';
import { createActor } from 'xstate';
import { clusterMachine } from '../../machines/clusterMachine';
import { displayMachine } from '../../machines/displayMachine';
import { historyMachine } from '../../machines/historyMachine';
import { nodeMachine } from '../../machines/nodeMachine';
import { reminderMachine } from '../../machines/reminderMachine';
import { storeMachine } from '../../machines/storeMachine';
import type { Hardware } from '../../hardware/types';
import type { RunOptions } from '../cli/run-options';
import { discoveryActor } from '../discovery';
import { historyFileActors } from '../history/history-actors';
import { historyFileBeside } from '../history/history-file';
import { historySyncActor } from '../history/peer-exchange';
import type { Inspection } from '../inspection';
import type { NodeIdentity } from '../instance-name';
import { buttonActor, noDiscovery, stateFileActors, stripActor } from '../node-actors';
import type { StripOutput } from '../strip-output';
import { transportActor } from '../transport';
import { mqttBridgeActor } from '../mqtt/mqtt-bridge';
import { instanceFingerprint } from '../mqtt/session';
import { pageUrl } from '../web/page-url';
import { webServerActor } from '../web/server';
import { version } from '../../package.json';
import type { Household } from '../household/household';

const wallClock = { now: () => Date.now() };

export type NodeActor = ReturnType<typeof createNode>;

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
      button: buttonActor(hardware.button, log),
      // With a page (not --no-http, its port not taken); the machine's own web actor does nothing.
      ...(ports.page === null
        ? {}
        : {
            web: webServerActor({
              server: ports.page,
              udpPort: options.port,
              timeZone: options.timeZone,
              log,
              ...(options.mdns ? { mdnsName: name } : {}),
              ...(household ? { household } : {}),
            }),
          }),
      // With --mqtt; the machine's own mqtt actor does nothing.
      ...(options.mqtt === null
        ? {}
        : {
            mqtt: mqttBridgeActor({
              options: options.mqtt,
              identity,
              fingerprint: instanceFingerprint(stateDir),
              version,
              pageUrl: httpPort === null ? null : pageUrl(httpPort, options.mdns ? name : null),
              log,
            }),
          }),
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
                log,
                ...(household ? { household } : {}),
              })
            : noDiscovery,
        },
      }),
      reminder: reminderMachine.provide({
        actors: { display: displayMachine.provide({ actors: { strip: stripActor(output) } }) },
      }),
    },
  });
  return createActor(machine, {
    input: {
      name,
      quietHours: options.quietHours,
      timeZone: options.timeZone,
      thresholds: options.thresholds,
      clock: wallClock,
      peers: options.peers,
      random: Math.random,
    },
    inspect: inspection?.inspect,
  });
}
