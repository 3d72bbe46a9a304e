/*
 * Text from the network (a node's name in the history, an mDNS name, a peer's error
 * answer) ends up on a person's terminal. A name of `ESC ] 0 ; … BEL ESC [ 2 J` would
 * retitle the window and clear the screen: every control character is shown as what it
 * is instead, `\x1b`, never sent as itself.
 */

// C0 controls, DEL, C1 controls (U+009B is a CSI of its own on some terminals), and the
// bidirectional overrides and isolates, which reorder what follows them on the line.
// eslint-disable-next-line no-control-regex -- control characters are what it replaces
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** `text` with each control character written out as an escape: safe to print. */
export function printable(text: string): string {
  return text.replace(CONTROL, (character) => {
    const code = character.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16)}`;
  });
}
