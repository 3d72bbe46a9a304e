import { missing, whyNot, type Need } from './needs';

export { LAN, type Need } from './needs';

/** True under CI (`CI=true`): there, a test that cannot run is a failure, not a skip. */
const underCi = (): boolean => process.env.CI === 'true';

/**
 * `describe` for a suite that needs things of the machine (root, a tool, a browser). Where
 * one is missing, the suite is skipped with a warning that names it and how to get it, so
 * that a skip is never mistaken for a pass; under CI (`CI=true`) the suite fails instead,
 * so that a CI run that lacks a tool cannot pass without the tests that need it.
 */
export function describeNeeding(needs: readonly Need[], title: string, body: () => void): void {
  const lacking = missing(needs);
  if (lacking.length === 0) {
    describe(title, body);
    return;
  }
  if (underCi()) {
    describe(title, () => {
      it('has what it needs', () => {
        throw new Error(`${whyNot(title, lacking)}; under CI a missing tool fails the run`);
      });
    });
    return;
  }
  console.warn(`skipped: ${whyNot(title, lacking)}`);
  describe.skip(title, body);
}

/** `it` for one test that needs things of the machine: skipped with a warning, or failed under CI, as above. */
export function itNeeding(needs: readonly Need[], title: string, body: () => Promise<void>, timeoutMs?: number): void {
  const lacking = missing(needs);
  if (lacking.length === 0) {
    it(title, body, timeoutMs);
  } else if (underCi()) {
    it(title, () => {
      throw new Error(`${whyNot(title, lacking)}; under CI a missing tool fails the run`);
    });
  } else {
    console.warn(`skipped: ${whyNot(title, lacking)}`);
    it.skip(title, body);
  }
}
