// Run by the `agent-trace` section of bench/run.mjs (bundled): the trace's own work for one
// request of the agent bench's app, alone in a loop, where the server's CPU time cannot single
// it out. A request there writes 24 lines: `request`, `enter` and `exit` for each of its ten
// middleware and its route handler, `finish`. Each step is timed on its own, alternating, and
// the median of the repetitions printed as one JSON line:
//   clock    the agent's 12 readings of the clock for those lines' `t`, alone: a line that
//            follows another with no app code between takes its `t` (sink.stampedMs)
//   noted    the whole trace (clock, noting, formatting), written to /dev/null: no page cache
//   file     the whole trace, appended to a file as MWCHAIN_TRACE does
//   reused   the same, into page cache the system just had: the file was filled as `file` does
//            (untimed), emptied, and appended to again. A VM whose host takes back the guest's
//            free memory (free page reporting) faults on every page a growing file first
//            touches; the difference from `file` is that cost, which the agent cannot choose
//
//   node trace-path.cjs <dir for the trace file> <requests per repetition>
import { rmSync, truncateSync } from 'node:fs';
import * as path from 'node:path';
import {
  attachSinks,
  emitEvent,
  emitRequest,
  ENTER_HEAD,
  EXIT_HEAD,
  FINISH_HEAD,
  LineShape,
  stamp,
  stampedMs,
} from '../../src/agent/sink';
import { TraceFile } from '../../src/agent/trace-file';

const REPETITIONS = 9;
const [dir, perRepetition] = process.argv.slice(2);
const requests = Number(perRepetition) || 100_000;
const traceFile = path.join(dir, 'trace.jsonl');

// what MiddlewareInfo makes for the app's `step` middleware and its handler
const lines: LineShape[] = [];
for (let i = 0; i < 11; i++) {
  const name = i < 10 ? 'step' : '<anonymous>';
  const definedAt = { file: path.join(dir, 'app.cjs'), line: i < 10 ? 8 : 13, column: i < 10 ? 24 : 14 };
  lines.push(new LineShape(ENTER_HEAD, `,"name":"${name}","definedAt":${JSON.stringify(definedAt)}}\n`));
  lines.push(new LineShape(EXIT_HEAD, `,"name":"${name}","outcome":"${i < 10 ? 'next' : 'response'}"}\n`));
}
const finish = new LineShape(FINISH_HEAD, ',"status":200}\n');

let rid = 1;
// As the agent writes them (express.ts, request-trace.ts): the first `enter` shares the `request`
// line's t; each `step` calls next() and the router goes on in its own code, so each later
// `enter` (the route handler's too, through its route) shares the `exit` before it; the
// handler's `exit` (response) and `finish` share one.
function request(): void {
  const r = rid++;
  emitRequest(r, 'GET', '/');
  for (let i = 0; i < 20; i += 2) {
    emitEvent(lines[i], r, stampedMs());
    emitEvent(lines[i + 1], r, stamp());
  }
  emitEvent(lines[20], r, stampedMs());
  const t = stamp();
  emitEvent(lines[21], r, t);
  emitEvent(finish, r, t);
}
const CLOCK_READS = 12;

let clockSink = 0;
function clockOnly(): void {
  for (let i = 0; i < CLOCK_READS; i++) clockSink += stamp();
}

interface Sample {
  wall: number;
  user: number;
  system: number;
}

function measure(run: () => void, sinkFile: TraceFile | undefined): Sample {
  attachSinks(sinkFile, undefined);
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  for (let i = 0; i < requests; i++) run();
  sinkFile?.flush();
  const wall = Number(process.hrtime.bigint() - start) / requests;
  const used = process.cpuUsage(cpu);
  return { wall, user: (used.user * 1000) / requests, system: (used.system * 1000) / requests };
}

const steps = {
  clock: () => measure(clockOnly, undefined),
  noted: () => measure(request, new TraceFile('/dev/null')),
  file: () => {
    rmSync(traceFile, { force: true }); // each repetition appends to a new file, as a fresh bench generation does
    return measure(request, new TraceFile(traceFile));
  },
  reused: () => {
    rmSync(traceFile, { force: true });
    measure(request, new TraceFile(traceFile));
    truncateSync(traceFile, 0);
    return measure(request, new TraceFile(traceFile));
  },
};
type Step = keyof typeof steps;
const samples = new Map<Step, Sample[]>();
for (let repetition = -1; repetition < REPETITIONS; repetition++) {
  for (const step of Object.keys(steps) as Step[]) {
    const sample = steps[step]();
    if (repetition >= 0) samples.set(step, [...(samples.get(step) ?? []), sample]); // -1 warms up
  }
}
rmSync(traceFile, { force: true });

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const result: Record<string, Sample> = {};
for (const [step, list] of samples) {
  result[step] = {
    wall: median(list.map((s) => s.wall)),
    user: median(list.map((s) => s.user)),
    system: median(list.map((s) => s.system)),
  };
}
console.log(
  JSON.stringify({
    requests,
    repetitions: REPETITIONS,
    clockReads: CLOCK_READS,
    clockSink: clockSink > 0,
    ...result,
  }),
);
