import { clockTime, escapeHtml } from './page-text.js';

/*
 * The household key as the page shows it (never the key: its fingerprint), the same on the
 * node, which renders the page, and in the browser, which redraws it on each `key` event.
 */

/** What `GET /api/household/key` answers. */
export interface KeyState {
  keyed: boolean;
  fingerprint: string | null;
  /** While a node may join through this one (RFC 3339), else null. */
  inviteUntil: string | null;
  /** The last node that joined through this one, and the digits both sides showed: for 10 minutes. */
  lastJoin: { code: string; from: string; at: string } | null;
  /** The member this node joined through from its page, and the digits both sides showed: for 10 minutes. */
  joinedVia: { code: string; member: string; at: string } | null;
  /** The nodes that proved they hold the key (a signed request or answer), by address. */
  members: { address: string; name: string | null }[];
  /** Nodes of another household (another `hh=`): neither members nor peers. */
  otherHouseholds: { address: string; name: string; fingerprint: string }[];
}

/** `123 456`: the six digits as both sides show them. */
export const spacedCode = (code: string): string => `${code.slice(0, 3)} ${code.slice(3)}`;

/** The key section's content: its state, the members, other households, and "Add a node". */
export function keyItems(state: KeyState, nodeName: string, now: number, timeZone?: string): string {
  if (!state.keyed || state.fingerprint === null) {
    return (
      '<p class="no-key">No household key: anyone on the network can write this household’s history. ' +
      'To keep it to the household’s own nodes, run <code>cat-litter-reminder household new</code> on one node ' +
      '(docs/household-key.md).</p>' +
      joinForm()
    );
  }
  const members = state.members.map((member) => escapeHtml(member.name ?? member.address)).join(', ');
  const others = state.otherHouseholds.map(
    (other) => `${escapeHtml(other.name)} (key ${escapeHtml(other.fingerprint)})`,
  );
  const lines = [
    `<p class="fingerprint">Household key <code>${escapeHtml(state.fingerprint)}</code>. Members: ${members || 'none proven yet'}.</p>`,
  ];
  if (others.length > 0) lines.push(`<p class="others">Another household: ${others.join(', ')}.</p>`);
  if (state.inviteUntil !== null) {
    lines.push(
      `<p class="invite">A node may join until ${escapeHtml(clockTime(Date.parse(state.inviteUntil), now, timeZone))}: ` +
        `on it, run <code>cat-litter-reminder household join ${escapeHtml(nodeName)}.local</code></p>`,
    );
  }
  if (state.lastJoin !== null) {
    lines.push(
      `<p class="joined">${escapeHtml(state.lastJoin.from)} joined. Code <strong class="code">${escapeHtml(spacedCode(state.lastJoin.code))}</strong>: ` +
        'it must show the same six digits. If they differ, make a new key.</p>',
    );
  }
  if (state.joinedVia !== null) {
    const member = escapeHtml(state.joinedVia.member);
    lines.push(
      `<p class="joined-via">Joined through ${member}. Code <strong class="code">${escapeHtml(spacedCode(state.joinedVia.code))}</strong>: ` +
        `${member} must show the same six digits. If they differ, make a new key there and join again.</p>`,
    );
  }
  lines.push('<form method="post" action="/api/household/invite"><button type="submit">Add a node</button></form>');
  return lines.join('');
}

/**
 * "Join the household", on a node without a key: the member's HOST[:PORT] (the name or
 * address of its page), after "Add a node" there. As `household join` on the command line.
 */
function joinForm(): string {
  return (
    '<form class="join" method="post" action="/api/household/join-via">' +
    '<label>Join the household: first press “Add a node” on a member’s page, then give its name or address here ' +
    '<input name="member" required maxlength="259" placeholder="kitchen.local" autocomplete="off" ' +
    'autocapitalize="none" spellcheck="false" inputmode="url"></label>' +
    '<button type="submit">Join the household</button></form>'
  );
}
