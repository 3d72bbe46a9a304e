import * as os from 'node:os';

/** Where people open the node's page: this machine's mDNS host name. */
export const pageUrl = (port: number): string => `http://${os.hostname()}.local:${port}/`;
