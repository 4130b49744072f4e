import { build as esbuild } from 'esbuild';
// `npm run bench`: builds the CLI, generates bench/.workspace if missing (or made by an older
// generator), then runs each section below and prints its numbers. Timings are reported, never
// asserted: the process exits non-zero only when something is broken (the analysis crashed or
// found other routes than the workspace has, an edit did not show in the graph, tsc reported
// errors).
//
//   node bench/run.mjs [SECTION...] [--regenerate] [--runs N]
//
// To add a benchmark, write `async function mySection(ctx)` that prints its own lines (through
// ctx.line) and calls ctx.fail(message) when something is broken, and add it to SECTIONS.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, closeSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  DEFAULT_FEATURES,
  DEFAULT_OUT,
  generateWorkspace,
  isCurrent,
  readManifest,
} from './generate-workspace.mjs';
import { agentOverhead } from './agent-overhead/section.mjs';
import { debugOverhead } from './debug-overhead/section.mjs';
import { agentInstructions } from './agent-instructions/section.mjs';
import { agentTrace } from './agent-trace/section.mjs';
import { bundleForNode } from './bundle.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const WORKSPACE_REL = path.relative(ROOT, DEFAULT_OUT);
const CLI = path.join(ROOT, 'dist', 'cli.js');
const TSC = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const GNU_TIME = '/usr/bin/time';

const SECTIONS = [
  { name: 'cold', title: 'cold graph vs tsc', run: coldGraphVsTsc },
  { name: 'update', title: 'incremental update (in-process API)', run: incrementalUpdate },
  { name: 'lint', title: 'lint vs graph', run: lintVsGraph },
  { name: 'webview', title: 'graph webview: 300-node render', run: graphRender },
  { name: 'activation', title: 'extension activation (code-server)', run: activationTime },
  { name: 'agent', title: 'runtime agent: server CPU per request', run: agentOverhead },
  { name: 'agent-trace', title: "runtime agent: the trace's own work per request", run: agentTrace },
  {
    name: 'agent-instructions',
    title: 'runtime agent: instructions per request (valgrind)',
    run: agentInstructions,
  },
  {
    name: 'debug',
    title: 'break modes under a debugger: pauses and server CPU per request',
    run: debugOverhead,
  },
];

// ---- sections ------------------------------------------------------------------------------

/** Cold `mwchain graph` against `tsc --noEmit` on the same workspace, best of N each. */
async function coldGraphVsTsc(ctx) {
  const { manifest, runs } = ctx;
  // An untimed run whose JSON is checked; it also warms the file cache for both tools.
  const check = spawnSync(process.execPath, [CLI, 'graph', WORKSPACE_REL, '--format', 'json'], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  if (check.status !== 0)
    return ctx.fail(`mwchain graph exited ${check.status ?? check.signal}:\n${tail(check.stderr)}`);
  let graph;
  try {
    graph = JSON.parse(check.stdout);
  } catch (e) {
    return ctx.fail(`mwchain graph printed no valid JSON: ${e.message}`);
  }
  const routes = graph.apps.flatMap((a) => a.routes);
  const found = routes.filter((r) => !r.catchAll).length;
  if (graph.apps.length !== 1) ctx.fail(`expected 1 app, found ${graph.apps.length}`);
  if (found !== manifest.expectedRoutes)
    ctx.fail(`the graph has ${found} routes, the workspace ${manifest.expectedRoutes}`);
  if (graph.skipped.length)
    ctx.fail(
      `${graph.skipped.length} files skipped, e.g. ${graph.skipped[0].file}: ${graph.skipped[0].reason}`,
    );

  const graphRuns = [];
  for (let i = 0; i < runs; i++) {
    const r = timed([CLI, 'graph', WORKSPACE_REL, '--format', 'json']);
    if (r.status !== 0 || /internal error/.test(r.stderr)) {
      return ctx.fail(`mwchain graph exited ${r.status}:\n${tail(r.stderr)}`);
    }
    graphRuns.push(r);
  }
  const tscRuns = [];
  for (let i = 0; i < runs; i++) {
    const r = timed([TSC, '--noEmit', '-p', WORKSPACE_REL], { captureStdout: true });
    const errors = (r.stdout.match(/error TS\d+/g) ?? []).length;
    if (r.status !== 0 || errors > 0) {
      return ctx.fail(`tsc --noEmit exited ${r.status} with ${errors} errors:\n${tail(r.stdout)}`);
    }
    tscRuns.push(r);
  }
  const best = (rs) => rs.reduce((a, b) => (b.seconds < a.seconds ? b : a));
  const [g, t] = [best(graphRuns), best(tscRuns)];
  const walls = (rs) => rs.map((r) => sec(r.seconds)).join(', ');
  ctx.line(
    `cold graph: best ${sec(g.seconds)} of ${runs} (${walls(graphRuns)}; cpu of best ${sec(g.cpuSeconds)}); ${found} routes + ${routes.length - found} catch-all`,
  );
  ctx.line(
    `tsc --noEmit: best ${sec(t.seconds)} of ${runs} (${walls(tscRuns)}; cpu of best ${sec(t.cpuSeconds)}); 0 errors`,
  );
  ctx.line(
    `graph/tsc ratio: ${(g.seconds / t.seconds).toFixed(2)} (graph ${sec(g.seconds)}, tsc ${sec(t.seconds)}; target <= 0.5)`,
  );
  ctx.line(
    `peak RSS: graph CLI ${mb(maxOf(graphRuns, 'maxRssKB'))}, tsc ${mb(maxOf(tscRuns, 'maxRssKB'))} (${graphRuns[0].rssVia})`,
  );
}

/** Cold `mwchain lint` against cold `mwchain graph` on the same workspace, alternating, best of N each. */
async function lintVsGraph(ctx) {
  const check = spawnSync(
    process.execPath,
    [CLI, 'lint', WORKSPACE_REL, '--format', 'json', '--fail-on', 'never'],
    {
      cwd: ROOT,
      encoding: 'utf8',
      maxBuffer: 1 << 30,
    },
  );
  if (check.status !== 0)
    return ctx.fail(`mwchain lint exited ${check.status ?? check.signal}:\n${tail(check.stderr)}`);
  if (/a rule failed/.test(check.stderr)) return ctx.fail(`a rule failed:\n${tail(check.stderr)}`);
  const findings = JSON.parse(check.stdout).findings;
  const lintRuns = [];
  const graphRuns = [];
  for (let i = 0; i < ctx.runs; i++) {
    graphRuns.push(timed([CLI, 'graph', WORKSPACE_REL, '--format', 'json']));
    lintRuns.push(timed([CLI, 'lint', WORKSPACE_REL, '--format', 'json', '--fail-on', 'never']));
  }
  const best = (rs) => Math.min(...rs.map((r) => r.seconds));
  const [l, g] = [best(lintRuns), best(graphRuns)];
  ctx.line(
    `cold lint: best ${sec(l)} of ${ctx.runs}; ${findings.length} findings on the generated workspace`,
  );
  ctx.line(`lint/graph ratio: ${(l / g).toFixed(2)} (lint ${sec(l)}, graph ${sec(g)}; target <= 1.3)`);
}

/** A ~300-node app flowchart of the bench workspace rendered by the bundled Mermaid in headless Chromium. */
async function graphRender(ctx) {
  const r = spawnSync(process.execPath, [CLI, 'graph', WORKSPACE_REL, '--format', 'json'], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  if (r.status !== 0) return ctx.fail(`mwchain graph exited ${r.status}`);
  const app = JSON.parse(r.stdout).apps[0];
  // the app's registrations, depth first, cut at 300 nodes
  let budget = 300;
  const take = (nodes) => {
    const out = [];
    for (const n of nodes) {
      if (budget <= 0) break;
      budget--;
      // a route's items are written into its label: only other nodes are drawn as nodes
      out.push(n.children && n.type !== 'route' ? { ...n, children: take(n.children) } : n);
    }
    return out;
  };
  const tree = take(app.tree);
  const { appFlowchart } = await import(
    pathToFileURL(path.join(ROOT, 'bench', '.render-cache', 'mermaid.mjs')).href
  ).catch(async () => {
    await esbuild({
      entryPoints: [path.join(ROOT, 'src/render/mermaid.ts')],
      outfile: path.join(ROOT, 'bench', '.render-cache', 'mermaid.mjs'),
      bundle: true,
      format: 'esm',
      platform: 'node',
      logLevel: 'warning',
    });
    return import(pathToFileURL(path.join(ROOT, 'bench', '.render-cache', 'mermaid.mjs')).href);
  });
  const file = path.join(os.tmpdir(), `mwchain-bench-graph-${process.pid}.mmd`);
  writeFileSync(file, appFlowchart({ ...app, tree }));
  const out = spawnSync(process.execPath, [path.join(ROOT, 'bench', 'graph-render.mjs'), file], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  rmSync(file, { force: true });
  if (out.status !== 0) return ctx.fail(`graph-render failed:\n${tail(out.stderr)}`);
  const times = JSON.parse(out.stdout.trim().split('\n').pop());
  const warm = times.slice(1).map((t) => t.ms);
  ctx.line(
    `300-node graph: ${times[0].nodes} nodes drawn; first render ${msText(times[0].ms)}, then median ${msText(median(warm))} (headless Chromium, bundled Mermaid)`,
  );
}

/** activate() timed inside code-server's extension host, on a folder that does not activate it by itself. */
async function activationTime(ctx) {
  const empty = mkdtempSync(path.join(os.tmpdir(), 'mwchain-bench-empty-'));
  const install = spawnSync(process.execPath, ['scripts/vscode-e2e/install.mjs'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  if (install.status !== 0)
    return ctx.fail(`vscode-e2e install failed:\n${tail(install.stdout + install.stderr)}`);
  const runs = [];
  for (let i = 0; i < 3; i++) {
    const r = spawnSync(
      process.execPath,
      [
        'scripts/vscode-e2e/run.mjs',
        '--workspace',
        empty,
        '--tests',
        'bench/vscode/activation-time.e2e.ts',
        '--screenshot',
        'bench-activation',
      ],
      { cwd: ROOT, encoding: 'utf8', timeout: 180_000 },
    );
    const m = /activation-ms ([\d.]+)/.exec(r.stdout);
    if (!m) return ctx.fail(`no activation time measured:\n${tail(r.stdout + r.stderr)}`);
    runs.push(Number(m[1]));
  }
  rmSync(empty, { recursive: true, force: true });
  ctx.line(
    `extension activation: median ${msText(median(runs))} of ${runs.length} (${runs.map((x) => msText(x)).join(', ')}; target < 150 ms; ts-morph loads in the worker, not here)`,
  );
}

/** Edits one feature router through ChainAnalyzer.update() and times the graph it gives. */
async function incrementalUpdate(ctx) {
  const edits = 20;
  // Bundled like dist/extension.js, so the numbers are what the extension host sees.
  const bundle = path.join(os.tmpdir(), `mwchain-update-bench-${process.pid}.cjs`);
  await bundleForNode(path.join(ROOT, 'bench', 'update-bench.ts'), bundle);
  const r = spawnSync(process.execPath, [bundle, WORKSPACE_REL, String(edits)], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  let result;
  try {
    result = JSON.parse(r.stdout.trim().split('\n').pop() ?? '');
  } catch {
    return ctx.fail(`update-bench exited ${r.status ?? r.signal} without a result:\n${tail(r.stderr)}`);
  }
  const totals = result.runs.map((x) => x.totalMs);
  ctx.line(
    `open: ${sec(result.openMs / 1000)} (discover + parse), first graph: ${sec(result.firstGraphMs / 1000)}`,
  );
  ctx.line(
    `update + graph: median ${msText(median(totals))}, max ${msText(Math.max(...totals))} over ${totals.length} edits of ${result.file} (target <= 50 ms)`,
  );
  ctx.line(
    `  update() alone: median ${msText(median(result.runs.map((x) => x.updateMs)))}; graph() alone: median ${msText(median(result.runs.map((x) => x.graphMs)))}`,
  );
  ctx.line(`  per edit (ms): ${result.runs.map((x) => Math.round(x.totalMs)).join(', ')}`);
  ctx.line(
    `  p90 ${msText(percentile(totals, 0.9))}; measured after ${result.warmupMs.length} warm-up edits (${result.warmupMs.map((x) => Math.round(x)).join(', ')} ms), as in a long-running extension host`,
  );
  ctx.line(
    `edits reflected: ${result.failures.length ? 'NO' : 'yes'} (routes ${result.baselineRoutes} -> ${result.runs.map((x) => x.routes).join(', ')})`,
  );
  ctx.line(
    `peak RSS: in-process analyzer ${mb(result.maxRssKB)} (process.resourceUsage, bundled like the extension), heap in use ${Math.round(result.heapUsedMB)} MB`,
  );
  for (const f of result.failures) ctx.fail(f);
  if (r.status !== 0 && !result.failures.length)
    ctx.fail(`update-bench exited ${r.status}:\n${tail(r.stderr)}`);
}

// ---- measuring -----------------------------------------------------------------------------

let gnuTime;
/** GNU time's `-f '%M %U %S' -o FILE` gives a child's max RSS and CPU time; without it, a preload reads resourceUsage. */
function hasGnuTime() {
  if (gnuTime === undefined) {
    gnuTime =
      existsSync(GNU_TIME) && spawnSync(GNU_TIME, ['-f', '%M', '-o', os.devNull, 'true']).status === 0;
  }
  return gnuTime;
}

/** Runs `node ARGS` with stdout to /dev/null (unless captured): wall seconds, exit status, max RSS, CPU seconds. */
function timed(nodeArgs, { captureStdout = false } = {}) {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'mwchain-bench-'));
  const rssFile = path.join(tmp, 'maxrss');
  const viaTime = hasGnuTime();
  const [cmd, args] = viaTime
    ? [GNU_TIME, ['-f', '%M %U %S', '-o', rssFile, process.execPath, ...nodeArgs]]
    : [process.execPath, ['--require', path.join(ROOT, 'bench', 'maxrss.cjs'), ...nodeArgs]];
  const devNull = captureStdout ? undefined : openSync(os.devNull, 'w');
  try {
    const started = performance.now();
    const r = spawnSync(cmd, args, {
      cwd: ROOT,
      encoding: 'utf8',
      maxBuffer: 1 << 28,
      stdio: ['ignore', captureStdout ? 'pipe' : devNull, 'pipe'],
      env: viaTime ? process.env : { ...process.env, MWCHAIN_BENCH_MAXRSS_FILE: rssFile },
    });
    const seconds = (performance.now() - started) / 1000;
    let maxRssKB = NaN;
    let cpuSeconds = NaN;
    try {
      // "maxRssKB userSeconds systemSeconds" on the last line (GNU time may print a note above).
      const [rss, user, sys] = readFileSync(rssFile, 'utf8').trim().split('\n').pop().split(' ').map(Number);
      maxRssKB = rss;
      cpuSeconds = user + sys;
    } catch {
      // the child died before writing it
    }
    return {
      seconds,
      status: r.status,
      stdout: r.stdout ?? '',
      stderr: r.stderr ?? '',
      maxRssKB,
      cpuSeconds,
      rssVia: viaTime ? 'GNU time %M' : 'process.resourceUsage',
    };
  } finally {
    if (devNull !== undefined) closeSync(devNull);
    rmSync(tmp, { recursive: true, force: true });
  }
}

// ---- formatting ----------------------------------------------------------------------------

const sec = (s) => (Number.isFinite(s) ? `${s.toFixed(2)} s` : 'n/a');
const msText = (ms) => `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms`;
const mb = (kb) => (Number.isFinite(kb) ? `${Math.round(kb / 1024)} MB` : 'n/a');
const maxOf = (rs, key) => Math.max(...rs.map((r) => r[key]));
const tail = (s, n = 20) => (s ?? '').trimEnd().split('\n').slice(-n).join('\n');

function percentile(xs, p) {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

// ---- main ----------------------------------------------------------------------------------

function parseArgs(argv) {
  const opts = { sections: [], regenerate: false, runs: 3 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--regenerate') opts.regenerate = true;
    else if (a === '--runs') opts.runs = Number(argv[++i]);
    else if (a.startsWith('--')) throw new Error(`unknown option ${a}`);
    else opts.sections.push(a);
  }
  if (!Number.isInteger(opts.runs) || opts.runs < 1) throw new Error('--runs takes a positive integer');
  const unknownSection = opts.sections.find((s) => !SECTIONS.some((x) => x.name === s));
  if (unknownSection)
    throw new Error(`unknown section ${unknownSection}; sections: ${SECTIONS.map((s) => s.name).join(', ')}`);
  return opts;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const build = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, stdio: 'inherit' });
  if (build.status !== 0) {
    console.error(`bench: build failed (exit ${build.status})`);
    return 1;
  }
  if (opts.regenerate || !isCurrent(DEFAULT_OUT, DEFAULT_FEATURES)) {
    const m = generateWorkspace({ out: DEFAULT_OUT, features: DEFAULT_FEATURES });
    console.log(`bench: generated ${WORKSPACE_REL} (${m.sourceFiles} source files)`);
  }
  const manifest = readManifest(DEFAULT_OUT);
  console.log(
    `bench: ${WORKSPACE_REL}: ${manifest.sourceFiles} source files, ${manifest.features} feature routers, ${manifest.expectedRoutes} routes; node ${process.version}, ${os.cpus().length} cpus`,
  );

  const failures = [];
  for (const section of SECTIONS) {
    if (opts.sections.length && !opts.sections.includes(section.name)) continue;
    console.log(`\n== ${section.title} ==`);
    const ctx = {
      manifest,
      runs: opts.runs,
      line: (s) => console.log(s),
      fail: (msg) => {
        failures.push(`${section.name}: ${msg}`);
        console.log(`FAILED: ${msg}`);
      },
    };
    try {
      await section.run(ctx);
    } catch (e) {
      ctx.fail(`crashed: ${e.stack ?? e}`);
    }
  }
  if (failures.length) {
    console.error(`\nbench: ${failures.length} problem(s):\n${failures.map((f) => `  ${f}`).join('\n')}`);
    return 1;
  }
  return 0;
}

process.exitCode = await main();
