// The `agent` section of bench/run.mjs: what the runtime agent (dist/agent.js) costs an Express app.
//
// One Express 4 app with 10 middleware runs as six servers on 127.0.0.1: bare (twice, the second
// showing how far two identical servers measure apart), with the agent and the trace off, with the
// agent writing its trace to a file, and, for comparison, under the OpenTelemetry HTTP + Express
// instrumentations and as a calibration (app-busier.cjs: the same app doing 3 µs more CPU per
// request inside its chain, where the agent works: what a known amount of work there reads as on
// this harness, in the same run). autocannon loads them in turn, a quarter of a second each
// (server-cpu.mjs, interleavedCycles), after warming them the same way (warmUpInTurn), and the
// cost of a request is the server's CPU time (utime + stime from /proc/<pid>/stat) over the
// requests answered: with client and servers sharing two cores, throughput swings far more than
// that. Each variant's page faults per request are printed beside it.
import { closeSync, cpSync, existsSync, openSync, readSync, rmSync, statSync, truncateSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  AGENT,
  busyOutside,
  CONNECTIONS,
  costText,
  CYCLES,
  efficiency,
  expressAppDir,
  interleavedCycles,
  LOAD_CPU,
  machineLines,
  pin,
  ROOT,
  SLICE_SECONDS,
  startServer,
  WARMUP_SECONDS,
  warmUpInTurn,
} from '../server-cpu.mjs';

// A process's JIT luck stays with it for its life (a few percent either way): each generation's
// servers are fresh processes, and the efficiency is the median over the generations.
const GENERATIONS = 10;
const HERE = path.dirname(fileURLToPath(import.meta.url));

/** @param {{line: (s: string) => void, fail: (msg: string) => void}} ctx */
export async function agentOverhead(ctx) {
  if (!existsSync('/proc/self/stat'))
    return ctx.fail('needs /proc/<pid>/stat (Linux) to read server CPU time');
  const hasAgent = existsSync(AGENT);
  if (!hasAgent)
    ctx.fail(
      `${path.relative(ROOT, AGENT)} is missing: run \`node scripts/build.mjs\` (only the baseline and OpenTelemetry are measured)`,
    );

  const dir = expressAppDir(path.join(HERE, 'app.cjs'), 'mwchain-bench-agent-');
  cpSync(path.join(HERE, 'app-busier.cjs'), path.join(dir, 'app-busier.cjs'));
  const traceFile = path.join(dir, 'trace.jsonl');
  const variants = [
    { name: 'baseline', args: [] },
    // the same app again, in its own processes: how far apart two identical servers measure here
    { name: "baseline again (a second process: the harness's own noise)", args: [], control: true },
    ...(hasAgent
      ? [
          { name: 'agent, trace off', args: ['--require', AGENT], target: 0.97 },
          {
            name: 'agent, trace to a file',
            args: ['--require', AGENT],
            env: { MWCHAIN_TRACE: traceFile },
            target: 0.9,
          },
        ]
      : []),
    // what a few microseconds of work inside the chain read as here, for reading the agent's
    {
      name: 'calibration: the bare app with 3 µs more CPU per request in its middleware',
      args: [],
      app: 'app-busier.cjs',
      calibration: true,
    },
    {
      name: 'OpenTelemetry express + http, in-memory exporter',
      args: ['--require', path.join(HERE, 'otel-preload.cjs')],
      otel: true,
    },
  ];
  // V8 compiles each process its own way, and a process's speed stays with it: two processes of
  // the same app differ by up to a tenth for their whole life. So the servers start afresh for
  // each generation of rounds, and the per-round ratios mix several processes of each variant.
  const pinned = pin(process.pid, LOAD_CPU);
  let perRequest = 0;
  let spans;
  let busy = 0;
  try {
    for (let generation = 0; generation < GENERATIONS; generation++) {
      for (const v of variants) {
        v.server = await startServer(dir, v).catch((e) => ctx.fail(e.message));
        if (!v.server) return;
      }
      const coldProblem = await warmUpInTurn(variants, WARMUP_SECONDS);
      if (coldProblem) return ctx.fail(coldProblem);
      if (generation === 0) {
        const otel = variants.find((v) => v.otel);
        spans = await askSpans(otel.server.child);
        if (!spans) return ctx.fail('the OpenTelemetry preload did not answer how many spans it made');
        if (!spans.server || !spans.middleware)
          return ctx.fail(`OpenTelemetry traced no Express layers in the warm-up: ${JSON.stringify(spans)}`);
        perRequest = (spans.server + spans.middleware + spans.handler + spans.other) / spans.server;
      }
      if (hasAgent) {
        const problem = traceProblem(traceFile);
        if (problem) return ctx.fail(`agent, trace to a file: ${problem}`);
        truncateSync(traceFile);
      }
      const pids = variants.map((v) => v.server.child.pid);
      const busyBefore = busyOutside(pids);
      const problem = await interleavedCycles(variants);
      if (problem) return ctx.fail(problem);
      if (hasAgent) {
        const traceIssue = traceProblem(traceFile);
        if (traceIssue) return ctx.fail(`agent, trace to a file: ${traceIssue}`);
        truncateSync(traceFile); // checked, and the disk must not fill over the generations
      }
      busy += busyOutside(pids, busyBefore) / GENERATIONS;
      for (const v of variants) {
        v.server.child.kill();
        v.server = undefined;
      }
    }

    ctx.line(
      `Express 4 app, 10 middleware, 127.0.0.1; server CPU per request in ${GENERATIONS} generations of fresh server processes, warmed and then measured over ${CYCLES} cycles of ${SLICE_SECONDS} s slices taken in turn (efficiency: median of the generations' baseline/variant), autocannon ${CONNECTIONS} connections`,
    );
    for (const v of variants) {
      if (v === variants[0]) {
        ctx.line(costText(v));
        continue;
      }
      const eff = efficiency(variants[0], v);
      ctx.line(
        `${costText(v)}; efficiency ${eff.median.toFixed(2)} (middle half of the generations ${eff.spread}; ${note(v, eff.median)})`,
      );
    }
    for (const line of machineLines(pinned, busy)) ctx.line(line);
    ctx.line(
      `  OpenTelemetry made ${perRequest.toFixed(1)} spans per request in the warm-up (${spans.middleware} middleware, ${spans.handler} handler, ${spans.server} server)`,
    );
  } finally {
    for (const v of variants) v.server?.child.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** What a variant's efficiency is read against. */
function note(v, efficiency) {
  if (v.target) return `target >= ${v.target}`;
  if (v.control) return 'ideally 1.00';
  if (v.calibration) return 'what the app doing 3 µs more in its chain reads as here';
  return `${(1 / efficiency).toFixed(1)}x the CPU`;
}

/** The OpenTelemetry preload's span counts since the last question, or undefined if it does not answer. */
function askSpans(child) {
  return new Promise((resolve) => {
    const timer = setTimeout(done, 5000);
    function done(msg) {
      if (msg !== undefined && msg?.type !== 'spans') return;
      clearTimeout(timer);
      child.off('message', done);
      resolve(msg);
    }
    child.on('message', done);
    child.send({ type: 'spans' });
  });
}

/**
 * Why the trace file does not look like the agent's trace, or undefined. Reads its last 256 KB:
 * after a truncation, a writer that does not append leaves a hole of zeros at the start.
 */
function traceProblem(file) {
  if (!existsSync(file)) return `no trace file at ${file}`;
  const size = statSync(file).size;
  if (!size) return 'the trace file is empty';
  const fd = openSync(file, 'r');
  const buf = Buffer.alloc(Math.min(size, 256 * 1024));
  const start = size - buf.length;
  readSync(fd, buf, 0, buf.length, start);
  closeSync(fd);
  // whole lines only: the first may start before the part read, the last may be still unwritten
  const lines = buf
    .toString('utf8')
    .split('\n')
    .slice(start ? 1 : 0, -1)
    .filter((l) => l.trim());
  if (!lines.length) return `no complete line in the last ${buf.length} bytes of the trace`;
  let requests = 0;
  for (const line of lines) {
    try {
      if (JSON.parse(line).type === 'request') requests++;
    } catch {
      return `the trace has a line that is not JSON: ${line.slice(0, 200)}`;
    }
  }
  return requests ? undefined : `no line of type 'request' among the last ${lines.length} of the trace`;
}
