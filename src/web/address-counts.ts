/**
 * How many of something (connections, event streams) each client address holds, so
 * that one host on the LAN cannot take them all: a guest's laptop that opens 256
 * connections, or a plug that holds 32 streams, leaves the phones and the peers theirs.
 * The map holds only addresses with something open, so it is bounded by what is open.
 */
export class AddressCounts {
  private readonly counts = new Map<string, number>();

  constructor(readonly mostPerAddress: number) {}

  /** How many `address` holds. */
  held(address: string): number {
    return this.counts.get(address) ?? 0;
  }

  /** One more for `address`, and the function that gives it back (once); null when it holds its most already. */
  take(address: string): (() => void) | null {
    const held = this.held(address);
    if (held >= this.mostPerAddress) return null;
    this.counts.set(address, held + 1);
    let given = false;
    return () => {
      if (given) return;
      given = true;
      const left = this.held(address) - 1;
      if (left > 0) this.counts.set(address, left);
      else this.counts.delete(address);
    };
  }
}
