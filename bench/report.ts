import type { IdleFigures } from './lan-figures';
import type { MqttFigures } from './mqtt-figures';
import type { PageFigures } from './page-figures';
import type { RoundTripFigures, RoundTrips } from './round-trips';
import { summarize } from './stats';

export interface Figures extends IdleFigures, PageFigures, MqttFigures {
  propagationMs: number[];
  /** The same with the state files on tmpfs: the protocol and the processing without the disk. */
  propagationTmpfsMs: number[];
  roundTrips: RoundTripFigures;
  startUpMs: number[];
  buttonMs: number[];
}

/** One line of the table, with the numbers behind it for results.json. */
export interface JudgedFigure {
  figure: string;
  measured: string;
  target: string;
  original: string;
  /** null: no target of its own (a figure shown for comparison). */
  met: boolean | null;
  values: Record<string, number>;
}

const ms = (value: number) => `${value.toFixed(value < 10 ? 2 : 1)} ms`;
const us = (value: number) => `${value.toFixed(0)} µs`;

export function judge(figures: Figures): JudgedFigure[] {
  const ours = summarize(figures.roundTrips.ours.samplesUs);
  const bare = summarize(figures.roundTrips.bareNode.samplesUs);
  const ratio = ours.p50 / bare.p50;
  const { rust } = figures.roundTrips;
  const oursRow = roundTripRow('RequestState round trip, our node', figures.roundTrips.ours);
  return [
    {
      ...oursRow,
      target: `≤ 1.2 × a bare Node responder (${ratio.toFixed(2)} ×)`,
      met: ratio <= 1.2,
      values: { ...oursRow.values, ratio },
    },
    roundTripRow('RequestState round trip, a bare Node dgram responder', figures.roundTrips.bareNode),
    ...(rust ? [roundTripRow('RequestState round trip, the Rust reference', rust)] : []),
    latencyRow('reset propagation, 5 nodes by mDNS', figures.propagationMs, 'rounds', {
      target: 'p50 ≤ 5 ms',
      original: 'up to ~1.5 s',
      met: ({ p50 }) => p50 <= 5,
    }),
    latencyRow('reset propagation, state files on tmpfs', figures.propagationTmpfsMs, 'rounds', null),
    latencyRow('button → strip', figures.buttonMs, 'presses', {
      target: 'p50 ≤ 5 ms',
      original: 'up to 1 s',
      met: ({ p50 }) => p50 <= 5,
    }),
    latencyRow('press → event on a page open on another node', figures.pressToPageMs, 'presses', {
      target: 'p50 ≤ 20 ms',
      original: '–',
      met: ({ p50 }) => p50 <= 20,
    }),
    roundTripRow('GET /api/state, one at a time', { samplesUs: figures.stateRequestUs, lost: 0 }),
    {
      figure: 'idle CPU, 4 peers, 11 cleanings in the history, run as the service, its page open',
      measured:
        `${figures.idleCpuMsPerS.toFixed(2)} ms per s (${figures.cpuSource}; ` +
        `${figures.idleScheduledMsPerS.toFixed(2)} by schedstat)`,
      target: '≤ 1 ms per s',
      original: '–',
      met: figures.idleCpuMsPerS <= 1,
      values: { msPerS: figures.idleCpuMsPerS, scheduledMsPerS: figures.idleScheduledMsPerS },
    },
    {
      figure: 'resident memory, 4 peers, run as the service, its page on and open',
      measured: `${figures.residentMb.toFixed(1)} MB (${figures.anonymousMb.toFixed(1)} MB its own, the rest node's binary)`,
      target: '≤ 64 MB',
      original: '–',
      met: figures.residentMb <= 64,
      values: { mb: figures.residentMb, anonymousMb: figures.anonymousMb },
    },
    latencyRow('press → its state on the MQTT broker (Home Assistant)', figures.pressToBrokerMs, 'presses', {
      target: 'p50 ≤ 20 ms',
      original: '–',
      met: ({ p50 }) => p50 <= 20,
    }),
    {
      figure: 'resident memory with MQTT on (no peers, after 20 presses)',
      measured: `${figures.mqttResidentMb.toFixed(1)} MB (${figures.plainResidentMb.toFixed(1)} MB the same node without --mqtt)`,
      target: '≤ 72 MB',
      original: '–',
      met: figures.mqttResidentMb <= 72,
      values: { mb: figures.mqttResidentMb, withoutMqttMb: figures.plainResidentMb },
    },
    latencyRow('start-up to first frame', figures.startUpMs, 'starts', {
      target: 'every start ≤ 1 s',
      original: '–',
      met: ({ max }) => max <= 1_000,
    }),
  ];
}

type Summary = ReturnType<typeof summarize>;

/** Round trips, pinned (see round-trips.ts), by p50 and p99; no target of its own. */
function roundTripRow(figure: string, trips: RoundTrips): JudgedFigure {
  const summary = summarize(trips.samplesUs);
  return {
    figure,
    measured: `p50 ${us(summary.p50)}, p99 ${us(summary.p99)}${trips.lost ? `, ${trips.lost} lost` : ''}`,
    target: '–',
    original: '–',
    met: null,
    values: { p50Us: summary.p50, p99Us: summary.p99, count: summary.count, lost: trips.lost },
  };
}

/** A latency in ms, shown by p50 and max; `counted` names its samples in results.json. */
function latencyRow(
  figure: string,
  samples: number[],
  counted: string,
  judged: { target: string; original: string; met: (summary: Summary) => boolean } | null,
): JudgedFigure {
  const summary = summarize(samples);
  return {
    figure,
    measured: `p50 ${ms(summary.p50)}, max ${ms(summary.max)}`,
    target: judged?.target ?? '–',
    original: judged?.original ?? '–',
    met: judged ? judged.met(summary) : null,
    values: { p50Ms: summary.p50, maxMs: summary.max, [counted]: summary.count },
  };
}

/** A Markdown table, to read in a terminal and to paste into the README as it is. */
export function figureTable(figures: JudgedFigure[], machine: Record<string, string | number>): string {
  const mark = (met: boolean | null) => (met === null ? '' : met ? '✓' : '✗ missed');
  const rows = figures.map((f) => `| ${f.figure} | ${f.measured} | ${f.target} | ${mark(f.met)} | ${f.original} |`);
  return [
    '',
    `Measured ${machine.date} on ${machine.cpu} (${machine.cores} cores, ${machine.memoryGb} GB), Linux ${machine.kernel}, Node ${machine.node}`,
    '',
    '| figure | measured | target | | the original |',
    '|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}
