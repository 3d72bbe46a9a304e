import { RequestError } from './cleaning-request';

/** What `GET /api/notified` needs of the server around it. */
export interface NotifiedSite {
  /**
   * What this node has told the household, as JSON (`{"episode", "level", "at"}` or `{}`,
   * as in its `notified.json`); absent on a node without notification targets.
   */
  notified?: () => unknown;
}

/**
 * `GET /api/notified`: what this node has told the household. The node taking over from the
 * household's sender asks it, and a node that starts without its `notified.json` asks the
 * others, so that nothing is told twice (docs/notifications.md).
 */
export function notifiedAnswer(site: NotifiedSite): unknown {
  if (!site.notified) throw new RequestError(404, 'this node has no notification targets: it tells nobody anything');
  return site.notified();
}
