/** The message of anything thrown, for error texts that name the cause. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * What to do when an optional native driver does not load: its native part was not
 * built (npm 12 skips install scripts nobody allowed; npm 11 warns) or was built for
 * another Node.js.
 */
export const NATIVE_BUILD_ADVICE =
  'its native part is not built for this Node.js: with the build tools (sudo apt install build-essential python3), ' +
  'install cat-litter-reminder again with the --allow-scripts of docs/pi-setup.md, or use --hardware terminal|sim';
