/**
 * Resolves once `condition` holds, looked at every 10 ms (or, when it is asynchronous,
 * as soon as each look is done); rejects naming `what` after `timeoutMs`. For what happens
 * outside the test's hands (sockets, processes, relays): a simulated clock drives
 * everything else.
 */
export async function until(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
