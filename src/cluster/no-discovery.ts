import { fromCallback } from 'xstate';
import type { DiscoveryCommand } from '../../machines/cluster/cluster-events';

/** Discovery turned off (`--no-mdns`): nothing to advertise, so nothing to say goodbye to. */
export const noDiscovery = fromCallback<DiscoveryCommand>(({ receive, sendBack }) => {
  receive((command) => {
    if (command.type === 'discovery.stop') sendBack({ type: 'discovery.stopped' });
  });
});
