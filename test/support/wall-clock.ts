import type { SimulatedClock } from 'xstate';

/**
 * The wall clock the machines read, apart from the clock that runs their timers (as
 * on a real node: Node's timers run on the monotonic clock). It follows the
 * scheduler's clock, but may run slow (`lagPerHour`: NTP slews a Pi's clock without a
 * chip by up to 500 ppm, 1.8 s an hour) and may jump (`jump`: NTP setting the clock
 * after boot), which fires no timer.
 */
export class TestWallClock {
  private readonly start: number;
  private offset = 0;

  constructor(
    private readonly scheduler: SimulatedClock,
    private readonly lagPerHour = 0,
  ) {
    this.start = scheduler.now();
  }

  now(): number {
    const elapsed = this.scheduler.now() - this.start;
    return this.start + elapsed - (elapsed * this.lagPerHour) / 3_600_000 + this.offset;
  }

  jump(ms: number): void {
    this.offset += ms;
  }
}
