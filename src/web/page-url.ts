import * as os from 'node:os';
import { hostNameOf } from '../cluster/mdns-names';

/**
 * Where people open the node's page: the host name of its own that the node advertises
 * by mDNS (named after it: the machines of a household of stock Pis share theirs), or,
 * with `name` null (no mDNS), this machine's, which its own mDNS responder may answer.
 */
export const pageUrl = (port: number, name: string | null): string =>
  `http://${name === null ? `${os.hostname()}.local` : hostNameOf(name)}:${port}/`;
