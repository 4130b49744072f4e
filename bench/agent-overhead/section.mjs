// The `agent` section of bench/run.mjs: what the runtime agent (dist/agent.js) costs an Express app.
//
// One Express 4 app with 10 middleware runs as four servers on 127.0.0.1: bare, with the agent and
// the trace off, with the agent writing its trace to a file, and, for comparison, under the
// OpenTelemetry HTTP + Express instrumentations. autocannon loads them in alternating rounds and
// the cost of a request is the server's CPU time (utime + stime from /proc/<pid>/stat) over the
// requests answered: with client and servers sharing two cores, throughput swings far more than that.
import autocannon from 'autocannon';
import { fork, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readSync,
  closeSync,
  rmSync,
  statSync,
  truncateSync,
} from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..', '..');
const AGENT = path.join(ROOT, 'dist', 'agent.js');
const ROUNDS = 12;
const ROUND_SECONDS = 2;
const WARMUP_SECONDS = 2;
const CONNECTIONS = 10;
const SERVER_CPU = 1;
const LOAD_CPU = 0;

/** @param {{line: (s: string) => void, fail: (msg: string) => void}} ctx */
export async function agentOverhead(ctx) {
  if (!existsSync('/proc/self/stat'))
    return ctx.fail('needs /proc/<pid>/stat (Linux) to read server CPU time');
  const hasAgent = existsSync(AGENT);
  if (!hasAgent)
    ctx.fail(
      `${path.relative(ROOT, AGENT)} is missing: run \`node scripts/build.mjs\` (only the baseline and OpenTelemetry are measured)`,
    );

  const dir = appDir();
  const traceFile = path.join(dir, 'trace.jsonl');
  const variants = [
    { name: 'baseline', args: [] },
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
    {
      name: 'OpenTelemetry express + http, in-memory exporter',
      args: ['--require', path.join(HERE, 'otel-preload.cjs')],
      otel: true,
    },
  ];
  try {
    for (const v of variants) {
      v.costs = [];
      v.server = await startServer(dir, v).catch((e) => ctx.fail(e.message));
      if (!v.server) return;
    }
    for (const v of variants) {
      const r = await load(v.server.port, WARMUP_SECONDS);
      if (r.problem) return ctx.fail(`${v.name}: warm-up: ${r.problem}${v.server.died()}`);
    }
    const otel = variants.find((v) => v.otel);
    const spans = await askSpans(otel.server.child);
    if (!spans) return ctx.fail('the OpenTelemetry preload did not answer how many spans it made');
    if (!spans.server || !spans.middleware)
      return ctx.fail(`OpenTelemetry traced no Express layers in the warm-up: ${JSON.stringify(spans)}`);
    const perRequest = (spans.server + spans.middleware + spans.handler + spans.other) / spans.server;
    if (hasAgent) {
      const problem = traceProblem(traceFile);
      if (problem) return ctx.fail(`agent, trace to a file: ${problem}`);
      truncateSync(traceFile);
    }

    const pinned = pin(process.pid, LOAD_CPU);
    const busyBefore = busyOutside(variants);
    for (let round = 0; round < ROUNDS; round++) {
      // Each round starts with another variant: the one after OpenTelemetry's heavy round must not
      // always be the same.
      const order = variants.map((_, i) => variants[(i + round) % variants.length]);
      for (const v of order) {
        const before = cpuSeconds(v.server.child.pid);
        const r = await load(v.server.port, ROUND_SECONDS);
        // Work a request leaves behind (a buffered write, a GC) belongs to its cost.
        await new Promise((resolve) => setTimeout(resolve, 200));
        if (r.problem) return ctx.fail(`${v.name}: round ${round + 1}: ${r.problem}${v.server.died()}`);
        v.costs.push(((cpuSeconds(v.server.child.pid) - before) / r.requests) * 1e6);
        if (v.env?.MWCHAIN_TRACE) {
          const problem = traceProblem(traceFile);
          if (problem) return ctx.fail(`${v.name}: round ${round + 1}: ${problem}`);
          truncateSync(traceFile); // checked, and the disk must not fill over the rounds
        }
      }
    }

    const busy = busyOutside(variants, busyBefore);
    ctx.line(
      `Express 4 app, 10 middleware, 127.0.0.1; server CPU per request, median of ${ROUNDS} alternating rounds (efficiency: median of per-round baseline/variant) of ${ROUND_SECONDS} s, autocannon ${CONNECTIONS} connections`,
    );
    for (const v of variants) {
      const cost = median(v.costs);
      const rounds = v.costs.map((c) => c.toFixed(1)).join(', ');
      // Efficiency from each round's own baseline: the machine's speed drifts between rounds far
      // more than the agent's cost, and a round's variants run back to back.
      const ratios = v.costs.map((c, i) => variants[0].costs[i] / c).sort((a, b) => a - b);
      const spread = `${quantile(ratios, 0.25).toFixed(2)}-${quantile(ratios, 0.75).toFixed(2)}`;
      const efficiency = median(ratios);
      const eff =
        v === variants[0]
          ? ''
          : `; efficiency ${efficiency.toFixed(2)} (middle half of the rounds ${spread}; ${v.target ? `target >= ${v.target}` : `${(1 / efficiency).toFixed(1)}x the CPU`})`;
      ctx.line(`${v.name}: ${cost.toFixed(1)} µs/request (${rounds})${eff}`);
    }
    ctx.line(
      pinned
        ? `  servers pinned to CPU ${SERVER_CPU}, autocannon to CPU ${LOAD_CPU} (taskset)`
        : '  not pinned to CPUs (no taskset or one CPU): expect noisier rounds',
    );
    ctx.line(
      `  meanwhile other processes kept ${Math.max(0, Math.round(busy * 100))}% of a CPU busy (more makes the rounds noisier)`,
    );
    ctx.line(
      `  OpenTelemetry made ${perRequest.toFixed(1)} spans per request in the warm-up (${spans.middleware} middleware, ${spans.handler} handler, ${spans.server} server)`,
    );
  } finally {
    for (const v of variants) v.server?.child.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A temporary folder with the app and Express 4 installed as node_modules/express: copied rather
 * than symlinked, since Node resolves a symlink to node_modules/express4 and OpenTelemetry (like
 * anything else hooking `express` by name) would not recognise it. NODE_PATH finds the hoisted
 * dependencies of Express 4 in the repository's node_modules.
 */
function appDir() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mwchain-bench-agent-'));
  cpSync(path.join(ROOT, 'node_modules', 'express4'), path.join(dir, 'node_modules', 'express'), {
    recursive: true,
  });
  cpSync(path.join(HERE, 'app.cjs'), path.join(dir, 'app.cjs'));
  return dir;
}

function startServer(dir, variant) {
  // MWCHAIN_* settings of the shell running the bench must not change what a variant measures.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('MWCHAIN_')));
  return new Promise((resolve, reject) => {
    const child = fork(path.join(dir, 'app.cjs'), [], {
      cwd: dir,
      execArgv: variant.args,
      env: { ...env, ...variant.env, NODE_PATH: path.join(ROOT, 'node_modules') },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
    pin(child.pid, SERVER_CPU);
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`${variant.name}: the server did not report a port within 15 s:\n${stderr}`));
    }, 15_000);
    child.on('message', (msg) => {
      if (msg?.port === undefined) return;
      clearTimeout(timer);
      const died = () =>
        child.exitCode !== null || child.signalCode !== null
          ? `; the server exited (${child.exitCode ?? child.signalCode}):\n${stderr}`
          : '';
      resolve({ child, port: msg.port, died });
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      reject(
        new Error(`${variant.name}: the server exited (${code ?? signal}) before listening:\n${stderr}`),
      );
    });
  });
}

/**
 * Servers on one core, the load generator (this process) on the other: sharing cores, the
 * server's CPU per request swings by a quarter from round to round with the scheduler.
 * All threads (-a), as V8 and libuv start theirs before the app runs.
 */
function pin(pid, cpu) {
  if (os.availableParallelism() < 2) return false;
  return spawnSync('taskset', ['-a', '-p', '-c', String(cpu), String(pid)], { stdio: 'ignore' }).status === 0;
}

/** Loads GET / for `seconds`; the 2xx answers it counted, or what went wrong. */
async function load(port, seconds) {
  const r = await autocannon({
    url: `http://127.0.0.1:${port}/`,
    connections: CONNECTIONS,
    duration: seconds,
  });
  if (r.errors || r.timeouts || r.non2xx)
    return { problem: `${r.errors} errors, ${r.timeouts} timeouts, ${r.non2xx} non-2xx answers` };
  if (!r['2xx']) return { problem: 'no request answered' };
  return { requests: r['2xx'] };
}

let ticks;
/** Clock ticks per second, the unit of /proc/<pid>/stat and /proc/stat. */
const clockTicks = () =>
  (ticks ??= Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout?.trim()) || 100);

/** utime + stime of a process, fields 14 and 15 of /proc/<pid>/stat (after the parenthesised name). */
function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields[0] is field 3
  return (Number(fields[11]) + Number(fields[12])) / clockTicks();
}

/**
 * CPU seconds per second spent outside the bench and its servers since `since`, from /proc/stat:
 * a build or test run beside the bench shows here. Without `since`, a starting point. Interrupt
 * ticks count too: tick accounting charges them to the process they interrupted.
 */
function busyOutside(variants, since) {
  const [user, nice, system, , , irq, softirq] = readFileSync('/proc/stat', 'utf8')
    .split('\n')[0]
    .split(/\s+/)
    .slice(1)
    .map(Number);
  const own = process.cpuUsage();
  const now = {
    at: performance.now(),
    all: (user + nice + system + irq + softirq) / clockTicks(),
    ours: variants.reduce((sum, v) => sum + cpuSeconds(v.server.child.pid), (own.user + own.system) / 1e6),
  };
  if (!since) return now;
  return (now.all - since.all - (now.ours - since.ours)) / ((now.at - since.at) / 1000);
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

function quantile(sorted, q) {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}
