// The `agent-instructions` section of bench/run.mjs: the agent's cost counted in instructions,
// which, unlike CPU time on a shared two-core machine, comes out nearly the same run after run
// (within about a percent): repeat it, and trust differences larger than that. User-space
// instructions only: what the kernel does for the process (the trace file's writes, page faults)
// is not in them, which is why the `agent` section's CPU time stays the measure of record.
//
// The Express 4 app of the `agent` section runs under valgrind's callgrind with counting off
// (`node --single-threaded`, so that GC and compilation run on the one thread measured) while
// this process sends it requests ten at a time over ten keep-alive connections, waiting for all
// ten answers before the next ten: every event-loop turn of the server sees the same batch, so
// the count does not depend on timing. After WARM requests `callgrind_control -i on` starts the
// count, and the next COUNTED requests are counted alone: start-up, loading and the JIT's
// warm-up stay outside the window.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AGENT, expressAppDir, ROOT } from '../server-cpu.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const APP = path.join(HERE, '..', 'agent-overhead', 'app.cjs');
const WARM = 3000;
const COUNTED = 6000;
const BATCH = 10;

/** @param {{line: (s: string) => void, fail: (msg: string) => void}} ctx */
export async function agentInstructions(ctx) {
  if (spawnSync('valgrind', ['--version']).status !== 0) {
    ctx.line('skipped: needs valgrind on PATH (Debian: apt-get install valgrind)');
    return;
  }
  if (!existsSync(AGENT))
    return ctx.fail(`${path.relative(ROOT, AGENT)} is missing: run \`node scripts/build.mjs\``);
  const dir = expressAppDir(APP, 'mwchain-bench-instr-');
  // The app reports its port over IPC, which valgrind's child does not have: a file instead.
  writeFileSync(
    path.join(dir, 'server.cjs'),
    `process.send = (m) => require('fs').writeFileSync(process.env.PORT_FILE, String(m.port));\n` +
      `process.on('SIGTERM', () => process.exit(0));\nrequire('./app.cjs');\n`,
  );
  const traceFile = path.join(dir, 'trace.jsonl');
  const variants = [
    { name: 'baseline', args: [] },
    { name: 'agent, trace off', args: ['--require', AGENT], target: 0.97 },
    {
      name: 'agent, trace to a file',
      args: ['--require', AGENT],
      env: { MWCHAIN_TRACE: traceFile },
      target: 0.9,
    },
  ];
  try {
    // two variants at a time, one per core: a run is single-threaded
    for (let i = 0; i < variants.length; i += 2) {
      const runs = await Promise.all(variants.slice(i, i + 2).map((v, k) => countRun(dir, v, `${k}`)));
      for (const [k, count] of runs.entries()) {
        const v = variants[i + k];
        if (typeof count === 'string') return ctx.fail(`${v.name}: ${count}`);
        v.perRequest = count / COUNTED;
      }
    }
    ctx.line(
      `Express 4 app, 10 middleware, 127.0.0.1; instructions per request in the server (valgrind callgrind, node --single-threaded), counted over ${COUNTED} requests after ${WARM} uncounted, ${BATCH} at a time`,
    );
    const base = variants[0].perRequest;
    for (const v of variants) {
      const k = `${(v.perRequest / 1000).toFixed(0)}k instructions/request`;
      if (v === variants[0]) ctx.line(`${v.name}: ${k}`);
      else
        ctx.line(
          `${v.name}: ${k} (+${((v.perRequest - base) / 1000).toFixed(0)}k); efficiency ${(base / v.perRequest).toFixed(3)} (target >= ${v.target})`,
        );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The instructions a server spent on COUNTED requests after WARM, or what went wrong. */
async function countRun(dir, variant, tag) {
  const portFile = path.join(dir, `port.${tag}`);
  const outFile = path.join(dir, `callgrind.${tag}`);
  rmSync(portFile, { force: true });
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('MWCHAIN_')));
  const child = spawn(
    'valgrind',
    [
      '--tool=callgrind',
      '--instr-atstart=no',
      `--callgrind-out-file=${outFile}`,
      '--smc-check=all-non-file',
      process.execPath,
      '--single-threaded',
      ...variant.args,
      'server.cjs',
    ],
    {
      cwd: dir,
      env: { ...env, ...variant.env, PORT_FILE: portFile, NODE_PATH: path.join(ROOT, 'node_modules') },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise((resolve) => child.on('exit', resolve));
  const started = Date.now();
  while (!existsSync(portFile) || !readFileSync(portFile, 'utf8')) {
    if (child.exitCode !== null) return `the server exited before listening:\n${stderr.slice(-2000)}`;
    if (Date.now() - started > 120_000) {
      child.kill();
      return 'the server did not listen within 2 minutes';
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const port = Number(readFileSync(portFile, 'utf8'));
  try {
    const problem =
      (await sendBatches(port, WARM)) ??
      callgrindControl('-i', 'on', child.pid) ??
      (await sendBatches(port, COUNTED)) ??
      callgrindControl('-d', child.pid);
    if (problem) return problem;
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
  // the dump `-d` asked for: the window's count alone (the exit's own dump is empty, counting on)
  const dump = `${outFile}.1`;
  const totals = existsSync(dump) && /^(?:totals|summary):\s+(\d+)/m.exec(readFileSync(dump, 'utf8'));
  return totals ? Number(totals[1]) : `no instruction count in ${dump}:\n${stderr.slice(-2000)}`;
}

/** `callgrind_control ...args`; a problem, or undefined. */
function callgrindControl(...args) {
  const r = spawnSync('callgrind_control', args.map(String), { encoding: 'utf8', timeout: 60_000 });
  return r.status === 0
    ? undefined
    : `callgrind_control ${args.join(' ')}: ${r.stderr || r.stdout || r.error}`;
}

/** `n` GET / requests, BATCH at a time; a problem, or undefined. */
async function sendBatches(port, n) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: BATCH });
  const one = () =>
    new Promise((resolve) => {
      http
        .get({ host: '127.0.0.1', port, path: '/', agent }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode === 200 ? undefined : `status ${res.statusCode}`));
        })
        .on('error', (e) => resolve(e.message));
    });
  try {
    for (let left = n; left > 0; left -= BATCH) {
      const problems = (await Promise.all(Array.from({ length: Math.min(BATCH, left) }, one))).filter(
        Boolean,
      );
      if (problems.length) return `a request failed: ${problems[0]}`;
    }
    return undefined;
  } finally {
    agent.destroy();
  }
}
