// The `agent-instructions` section of bench/run.mjs: the agent's cost counted in instructions,
// which, unlike CPU time on a shared two-core machine, comes out nearly the same run after run
// (within a percent or two): repeat it, and trust differences larger than that.
//
// The Express 4 app of the `agent` section runs under valgrind (cachegrind, no cache simulation,
// `node --single-threaded` so that GC and compilation count on the one thread measured) while
// this process sends it requests ten at a time over ten keep-alive connections, waiting for all
// ten answers before the next ten: every event-loop turn of the server sees the same batch, so
// the count does not depend on timing. The instructions of a request are the difference between
// a run of LONG and one of SHORT requests over their difference: start-up, loading and most of
// the JIT's warm-up cancel out.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AGENT, expressAppDir, ROOT } from '../server-cpu.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const APP = path.join(HERE, '..', 'agent-overhead', 'app.cjs');
const SHORT = 2000;
const LONG = 5000;
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
    for (const v of variants) {
      // the two runs of a variant side by side, one per core
      const [short, long] = await Promise.all([SHORT, LONG].map((n, i) => countRun(dir, v, n, `${i}`)));
      if (typeof short === 'string' || typeof long === 'string')
        return ctx.fail(`${v.name}: ${short}${long}`);
      v.perRequest = (long - short) / (LONG - SHORT);
    }
    ctx.line(
      `Express 4 app, 10 middleware, 127.0.0.1; instructions per request in the server (valgrind cachegrind, node --single-threaded), (runs of ${LONG} - runs of ${SHORT}) / ${LONG - SHORT}, requests ${BATCH} at a time`,
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

/** The instructions of one server run answering `n` requests, or what went wrong. */
async function countRun(dir, variant, n, tag) {
  const portFile = path.join(dir, `port.${tag}`);
  rmSync(portFile, { force: true });
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('MWCHAIN_')));
  const child = spawn(
    'valgrind',
    [
      '--tool=cachegrind',
      '--cache-sim=no',
      '--cachegrind-out-file=/dev/null',
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
  const problem = await sendBatches(port, n);
  child.kill('SIGTERM');
  await exited;
  if (problem) return problem;
  const refs = /I\s+refs:\s+([\d,]+)/.exec(stderr);
  return refs
    ? Number(refs[1].replace(/,/g, ''))
    : `no instruction count in valgrind's output:\n${stderr.slice(-2000)}`;
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
