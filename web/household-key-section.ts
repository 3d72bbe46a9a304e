// The household key's section of the page, made live: its state from the node's `key` events,
// "Add a node" and "Join the household" sent with fetch (the forms work without the script too).
import { keyItems, type KeyState } from '../common/household-key.js';

const find = <T extends Element>(selector: string): T | null => document.querySelector<T>(selector);

/**
 * The section, given the node's name as the page knows it now and where to say what came of
 * "Add a node". Its `show` draws the key's state again, a new one when given.
 */
export function householdKeySection(nodeName: () => string, say: (text: string) => void) {
  let key: KeyState | null = null;

  function show(next?: KeyState): void {
    if (next) key = next;
    const section = find('.key-state');
    if (key && section) section.innerHTML = keyItems(key, nodeName(), Date.now());
  }

  /** "Add a node": the node accepts one join for 2 minutes; its `key` event shows the invitation. */
  async function invite(): Promise<void> {
    const response = await fetch('/api/household/invite', { method: 'POST' });
    const body = (await response.json()) as KeyState | { error: string };
    if ('error' in body) say(`No invitation: ${body.error}`);
    else show(body);
  }

  function tellJoin(text: string): void {
    const message = find('.join-message');
    if (message) message.textContent = text;
  }

  /**
   * "Join the household": this node asks the member for the key, as `household join` does. The
   * result (the six digits, to compare with the member's page) comes back with the key's state.
   */
  async function join(member: string): Promise<void> {
    tellJoin(`Joining through ${member}…`);
    const response = await fetch('/api/household/join-via', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ member }),
    });
    const body = (await response.json()) as KeyState | { error: string };
    if ('error' in body) {
      tellJoin(`Not joined: ${body.error}`);
      return;
    }
    show(body);
    // The digits are in the key's section, beside the member's name, as the page without JavaScript shows them.
    tellJoin(`Joined: this node holds the household key ${body.fingerprint ?? ''} now.`);
  }

  document.addEventListener('submit', (event) => {
    const form = event.target as HTMLFormElement;
    const action = form.getAttribute('action');
    if (action === '/api/household/invite') {
      event.preventDefault();
      invite().catch(() => say('No invitation: the node did not answer. Try again.'));
    } else if (action === '/api/household/join-via') {
      event.preventDefault();
      const member = form.querySelector<HTMLInputElement>('input[name="member"]')?.value.trim() ?? '';
      join(member).catch(() => tellJoin('Not joined: this node did not answer. Try again.'));
    }
  });

  return { show };
}
