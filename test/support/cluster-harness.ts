import { fromCallback, SimulatedClock, type AnyEventObject } from 'xstate';
import type { DiscoveryCommand, TransportCommand } from '../../machines/cluster/cluster-events';
import type { ClusterReport } from '../../machines/cluster/cluster-events';
import { clusterMachine } from '../../machines/cluster/cluster-machine';
import { underParent } from './under-parent';
import type { PeerAddress } from '../../machines/cluster/peer-address';
import { NOON } from './time';

/**
 * The cluster machine under a parent that records what it reports, with a transport
 * that records what it is asked to send (and, apart, what it is to answer RequestState
 * with) and a discovery that records what it is asked.
 * The harness's repair rounds last 3 s (its random number is 0.5).
 */
export function clusterHarness(lastCleaned: number | null, peers: PeerAddress[] = []) {
  const clock = new SimulatedClock();
  clock.set(NOON);
  const sent: Exclude<TransportCommand, { type: 'transport.answer' }>[] = [];
  const answers: (number | null)[] = [];
  const asked: DiscoveryCommand[] = [];
  const goodbye: { answer?: () => void } = {};
  const machine = clusterMachine.provide({
    actors: {
      transport: fromCallback<TransportCommand>(({ receive }) =>
        receive((command) => {
          if (command.type === 'transport.answer') answers.push(command.lastCleaned);
          else sent.push(command);
        }),
      ),
      discovery: fromCallback<DiscoveryCommand>(({ receive, sendBack }) =>
        receive((command) => {
          asked.push(command);
          if (command.type === 'discovery.stop') goodbye.answer = () => sendBack({ type: 'discovery.stopped' });
        }),
      ),
    },
  });
  const { child: cluster, reports } = underParent(machine, { lastCleaned, peers, clock, random: () => 0.5 }, clock);
  const reported = <T extends ClusterReport['type']>(type: T) =>
    reports.filter((report: AnyEventObject) => report.type === type) as Extract<ClusterReport, { type: T }>[];
  return { cluster, clock, sent, answers, asked, goodbye, reports, reported };
}

export const requestsTo = (sent: readonly TransportCommand[], peer: PeerAddress) =>
  sent.filter(
    (command) =>
      command.type === 'transport.request' && command.to.address === peer.address && command.to.port === peer.port,
  ).length;

export const updatesTo = (sent: readonly TransportCommand[], peer: PeerAddress) =>
  sent.filter(
    (command) =>
      command.type === 'transport.update' && command.to.address === peer.address && command.to.port === peer.port,
  );

export { NOON } from './time';
