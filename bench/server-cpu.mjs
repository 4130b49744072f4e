// Shared by the sections of bench/run.mjs that measure what a server spends per request (`agent`,
// `debug`): an Express 4 app in a temporary folder, servers pinned to one core and autocannon on
// the other, and the server's CPU time (utime + stime from /proc/<pid>/stat) over the requests it
// answered: with client and servers sharing two cores, throughput swings far more than that.
import autocannon from 'autocannon';
import { fork, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const AGENT = path.join(ROOT, 'dist', 'agent.js');
export const ROUNDS = 12;
export const ROUND_SECONDS = 2;
export const WARMUP_SECONDS = 2;
export const CONNECTIONS = 10;
/** Interleaved measuring (`interleavedCycles`): a slice per variant per cycle. */
export const SLICE_SECONDS = 0.25;
export const CYCLES = 16;
/** autocannon ends a run at its first sample after `duration`: samples this often keep short slices short. */
const SAMPLE_MS = 25;
export const SERVER_CPU = 1;
export const LOAD_CPU = 0;

/**
 * A temporary folder with `appFile` as app.cjs and Express 4 installed as node_modules/express:
 * copied rather than symlinked, since Node resolves a symlink to node_modules/express4 and
 * OpenTelemetry (like anything else hooking `express` by name) would not recognise it. NODE_PATH
 * (set by startServer) finds the hoisted dependencies of Express 4 in the repository's node_modules.
 */
export function expressAppDir(appFile, prefix) {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  cpSync(path.join(ROOT, 'node_modules', 'express4'), path.join(dir, 'node_modules', 'express'), {
    recursive: true,
  });
  cpSync(appFile, path.join(dir, 'app.cjs'));
  return dir;
}

/**
 * Forks `dir`/app.cjs (or `variant.app`, a file in `dir`) with `variant.args` before it and
 * `variant.env`, pinned to SERVER_CPU; it reports its port over IPC. Resolves to
 * { child, port, died(), stderr() }.
 */
export function startServer(dir, variant) {
  // MWCHAIN_* settings of the shell running the bench must not change what a variant measures.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('MWCHAIN_')));
  return new Promise((resolve, reject) => {
    const child = fork(path.join(dir, variant.app ?? 'app.cjs'), [], {
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
      resolve({ child, port: msg.port, died, stderr: () => stderr });
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
export function pin(pid, cpu) {
  if (os.availableParallelism() < 2) return false;
  return spawnSync('taskset', ['-a', '-p', '-c', String(cpu), String(pid)], { stdio: 'ignore' }).status === 0;
}

/** Loads GET / for `seconds`; the 2xx answers it counted, or what went wrong. */
export async function load(port, seconds) {
  const r = await autocannon({
    url: `http://127.0.0.1:${port}/`,
    connections: CONNECTIONS,
    duration: seconds,
    sampleInt: SAMPLE_MS,
  });
  if (r.errors || r.timeouts || r.non2xx)
    return { problem: `${r.errors} errors, ${r.timeouts} timeouts, ${r.non2xx} non-2xx answers` };
  if (!r['2xx']) return { problem: 'no request answered' };
  return { requests: r['2xx'] };
}

/**
 * Runs `rounds` (ROUNDS) alternating rounds of ROUND_SECONDS over `variants` (each with a started
 * `server`) and pushes each round's server CPU µs per request to `v.costs`, after any it already
 * has (and counts the requests in `v.requests`). Each round starts with another variant (round
 * `firstRound` + i starts with variant number firstRound + i), so the one after a heavy round is
 * not always the same. `afterRound(v, round)` may return a problem. Returns a problem, or undefined.
 */
export async function alternatingRounds(
  variants,
  afterRound = () => undefined,
  rounds = ROUNDS,
  firstRound = 0,
) {
  for (const v of variants) v.costs ??= [];
  for (let round = firstRound; round < firstRound + rounds; round++) {
    const order = variants.map((_, i) => variants[(i + round) % variants.length]);
    for (const v of order) {
      const before = cpuSeconds(v.server.child.pid);
      const r = await load(v.server.port, ROUND_SECONDS);
      // Work a request leaves behind (a buffered write, a GC) belongs to its cost.
      await new Promise((resolve) => setTimeout(resolve, 200));
      if (r.problem) return `${v.name}: round ${round + 1}: ${r.problem}${v.server.died()}`;
      v.requests = (v.requests ?? 0) + r.requests;
      v.costs.push(((cpuSeconds(v.server.child.pid) - before) / r.requests) * 1e6);
      const problem = afterRound(v, round);
      if (problem) return `${v.name}: round ${round + 1}: ${problem}`;
    }
  }
  return undefined;
}

/**
 * Warms the servers the way `interleavedCycles` measures them: SLICE_SECONDS of load each in turn,
 * `seconds` in all for each. Warmed one after the other for `seconds` each instead, the first ones
 * waited idle for several seconds before the first measured slice, and their cost kept a trace of
 * it: five servers of the same bare app, warmed in turn for 2 s each and then measured together,
 * read 1 to 5 % apart by their place in that order (the first the dearest, in two runs of ten
 * generations), which flattered every variant measured against the first. Warmed in slices, the
 * five read within about 1.5 % of one another, in no order. Adds the requests answered to
 * `v.warmupRequests`. Returns a problem, or undefined.
 */
export async function warmUpInTurn(variants, seconds) {
  const cycles = Math.max(1, Math.round(seconds / SLICE_SECONDS));
  for (let cycle = 0; cycle < cycles; cycle++) {
    for (let i = 0; i < variants.length; i++) {
      const v = variants[(i + cycle) % variants.length];
      const r = await load(v.server.port, SLICE_SECONDS);
      if (r.problem) return `${v.name}: warm-up: ${r.problem}${v.server.died()}`;
      v.warmupRequests = (v.warmupRequests ?? 0) + r.requests;
    }
  }
  return undefined;
}

/**
 * One generation's measure of each variant (each with a started `server`), pushed to `v.costs`:
 * `cycles` cycles of one SLICE_SECONDS slice of load per variant, the order rotating each cycle.
 * The machine's speed drifts by up to half within a minute here (its neighbours, not us), so
 * variants measured seconds apart do not compare; slices a fraction of a second long, taken in
 * turn, give every variant the same mix of fast and slow moments. A variant's cost is its server's
 * whole CPU time over the cycles, the others' slices included (what a request leaves behind, a
 * timer's flush or a GC, is its own cost), over the requests answered in its slices. Returns a
 * problem, or undefined.
 */
export async function interleavedCycles(variants, cycles = CYCLES) {
  const started = variants.map((v) => cpuSeconds(v.server.child.pid));
  const faulted = variants.map((v) => minorFaults(v.server.child.pid));
  const answered = variants.map(() => 0);
  for (let cycle = 0; cycle < cycles; cycle++) {
    for (let i = 0; i < variants.length; i++) {
      const k = (i + cycle) % variants.length;
      const v = variants[k];
      const r = await load(v.server.port, SLICE_SECONDS);
      if (r.problem) return `${v.name}: cycle ${cycle + 1}: ${r.problem}${v.server.died()}`;
      answered[k] += r.requests;
    }
  }
  await new Promise((resolve) => setTimeout(resolve, 200));
  variants.forEach((v, k) => {
    v.costs ??= [];
    v.costs.push(((cpuSeconds(v.server.child.pid) - started[k]) / answered[k]) * 1e6);
    (v.faults ??= []).push((minorFaults(v.server.child.pid) - faulted[k]) / answered[k]);
    v.requests = (v.requests ?? 0) + answered[k];
  });
  return undefined;
}

/**
 * `v` against `baseline` from each measure's own pair (a round's, or a generation's of
 * `interleavedCycles`): the machine's speed drifts far more than what is measured, and a pair was
 * measured at the same time. The median of the ratios baseline/v, and the middle half of them.
 */
export function efficiency(baseline, v) {
  const ratios = v.costs.map((c, i) => baseline.costs[i] / c).sort((a, b) => a - b);
  return {
    median: median(ratios),
    spread: `${quantile(ratios, 0.25).toFixed(2)}-${quantile(ratios, 0.75).toFixed(2)}`,
  };
}

/**
 * `name: X µs/request (round, round, ...)`, the median over the rounds, and the page faults per
 * request when measured (`interleavedCycles`): a fault cost about 11 µs on the VM this was
 * written on, and how many a process takes per request (V8 promoting into fresh pages) varies
 * from one process to the next.
 */
export function costText(v) {
  const faults = v.faults ? `, ${median(v.faults).toFixed(2)} page faults/request` : '';
  return `${v.name}: ${median(v.costs).toFixed(1)} µs/request (${v.costs.map((c) => c.toFixed(1)).join(', ')})${faults}`;
}

/** The lines on pinning and on the rest of the machine every server-CPU section ends with. */
export function machineLines(pinned, busy) {
  return [
    pinned
      ? `  servers pinned to CPU ${SERVER_CPU}, autocannon to CPU ${LOAD_CPU} (taskset)`
      : '  not pinned to CPUs (no taskset or one CPU): expect noisier rounds',
    `  meanwhile other processes kept ${Math.max(0, Math.round(busy * 100))}% of a CPU busy (more makes the rounds noisier)`,
  ];
}

let ticks;
/** Clock ticks per second, the unit of /proc/<pid>/stat and /proc/stat. */
const clockTicks = () =>
  (ticks ??= Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout?.trim()) || 100);

/** utime + stime of a process, fields 14 and 15 of /proc/<pid>/stat (after the parenthesised name). */
export function cpuSeconds(pid) {
  const fields = statFields(pid);
  return (Number(fields[11]) + Number(fields[12])) / clockTicks();
}

/** Minor page faults of a process so far, field 10 of /proc/<pid>/stat. */
export function minorFaults(pid) {
  return Number(statFields(pid)[7]);
}

/** The fields of /proc/<pid>/stat after the parenthesised name: [0] is field 3. */
function statFields(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/**
 * CPU seconds per second spent outside the bench and its servers (`pids`) since `since`, from
 * /proc/stat: a build or test run beside the bench shows here. Without `since`, a starting point.
 * Interrupt ticks count too: tick accounting charges them to the process they interrupted.
 */
export function busyOutside(pids, since) {
  const [user, nice, system, , , irq, softirq] = readFileSync('/proc/stat', 'utf8')
    .split('\n')[0]
    .split(/\s+/)
    .slice(1)
    .map(Number);
  const own = process.cpuUsage();
  const now = {
    at: performance.now(),
    all: (user + nice + system + irq + softirq) / clockTicks(),
    ours: pids.reduce((sum, pid) => sum + cpuSeconds(pid), (own.user + own.system) / 1e6),
  };
  if (!since) return now;
  return (now.all - since.all - (now.ours - since.ours)) / ((now.at - since.at) / 1000);
}

export function quantile(sorted, q) {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}
