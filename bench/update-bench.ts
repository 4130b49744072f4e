// The in-process part of bench/run.mjs: opens ChainAnalyzer on the generated workspace, builds
// the graph once, then edits one feature router N times through `update(file, text)` + `graph()`
// and checks every edit shows in the graph. Prints one JSON object on stdout; exits 1 (with the
// reason on stderr) when an edit is not reflected.
//
//   node --import tsx bench/update-bench.ts WORKSPACE_DIR [EDITS] [--cpu-prof FILE]
//
// --cpu-prof writes a V8 CPU profile of the edit loop only (not the initial open and graph), for
// Chrome DevTools or `speedscope`.
import { readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import * as path from 'node:path';
import { ChainAnalyzer } from '../src/analysis/analyzer';
import type { GraphJson } from '../src/analysis/model';

interface Manifest {
  editFile: string;
  editMount: string;
  editRemoveLine: string;
}

interface Edit {
  label: string;
  text: string;
  /** expected route count relative to the unedited file. */
  delta: number;
  /** a route that must be present (true) or absent (false) afterwards. */
  route?: { method: string; path: string; present: boolean };
}

const routesOf = (g: GraphJson) => g.apps.flatMap((a) => a.routes);
const hasRoute = (g: GraphJson, method: string, p: string) =>
  routesOf(g).some((r) => r.method === method && r.path === p);
const ms = (from: number) => performance.now() - from;

function editFor(i: number, original: string, m: Manifest): Edit {
  switch (i % 3) {
    case 0: {
      const p = `/bench-edit-${i}`;
      return {
        label: `add GET ${p}`,
        text: `${original}\nrouter.get('${p}', (_req, res) => {\n  res.json({ edit: ${i} });\n});\n`,
        delta: +1,
        route: { method: 'GET', path: `${m.editMount}${p}`, present: true },
      };
    }
    case 1:
      if (!original.includes(m.editRemoveLine))
        throw new Error(`${m.editFile} has no line ${m.editRemoveLine}`);
      return {
        label: 'remove GET /:id',
        text: original.replace(m.editRemoveLine, `// bench edit ${i}: route removed`),
        delta: -1,
        route: { method: 'GET', path: `${m.editMount}/:id`, present: false },
      };
    default:
      return { label: 'comment only', text: `${original}\n// bench edit ${i}\n`, delta: 0 };
  }
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const profIndex = argv.indexOf('--cpu-prof');
  const profFile = profIndex >= 0 ? argv.splice(profIndex, 2)[1] : undefined;
  if (profIndex >= 0 && !profFile) throw new Error('--cpu-prof needs a file name');
  const [dirArg, editsArg] = argv;
  if (!dirArg) throw new Error('usage: update-bench.ts WORKSPACE_DIR [EDITS] [--cpu-prof FILE]');
  const dir = path.resolve(dirArg);
  const edits = Number(editsArg ?? 10);
  // The extension host keeps the analyzer warm; the first edits mostly measure the JIT.
  const warmup = Number(process.env.MWCHAIN_BENCH_WARMUP ?? 5);
  const manifest = JSON.parse(readFileSync(path.join(dir, '.bench-manifest.json'), 'utf8')) as Manifest;
  const file = path.join(dir, manifest.editFile);
  const original = readFileSync(file, 'utf8');

  let t = performance.now();
  const analyzer = ChainAnalyzer.open(dir);
  const openMs = ms(t);
  t = performance.now();
  const first = analyzer.graph();
  const firstGraphMs = ms(t);
  const baseline = routesOf(first).length;

  const failures: string[] = [];
  const runs: { label: string; updateMs: number; graphMs: number; totalMs: number; routes: number }[] = [];
  const session = profFile ? new Session() : undefined;
  if (session) {
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
  }
  const warmupMs: number[] = [];
  for (let i = 0; i < warmup; i++) {
    const t0 = performance.now();
    analyzer.update(file, editFor(i, original, manifest).text);
    analyzer.graph();
    warmupMs.push(performance.now() - t0);
  }
  for (let i = 0; i < edits; i++) {
    const edit = editFor(i, original, manifest);
    const t0 = performance.now();
    analyzer.update(file, edit.text);
    const t1 = performance.now();
    const g = analyzer.graph();
    const t2 = performance.now();
    const routes = routesOf(g).length;
    runs.push({ label: edit.label, updateMs: t1 - t0, graphMs: t2 - t1, totalMs: t2 - t0, routes });
    if (routes !== baseline + edit.delta) {
      failures.push(`edit ${i} (${edit.label}): ${routes} routes, expected ${baseline + edit.delta}`);
    }
    if (edit.route && hasRoute(g, edit.route.method, edit.route.path) !== edit.route.present) {
      failures.push(
        `edit ${i} (${edit.label}): ${edit.route.method} ${edit.route.path} is ${edit.route.present ? 'missing' : 'still there'}`,
      );
    }
  }
  if (session && profFile) {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(profFile, JSON.stringify(profile));
    session.disconnect();
  }
  analyzer.update(file, original);
  const restored = routesOf(analyzer.graph()).length;
  if (restored !== baseline)
    failures.push(`after restoring the file: ${restored} routes, expected ${baseline}`);

  const result = {
    file: manifest.editFile,
    openMs,
    firstGraphMs,
    baselineRoutes: baseline,
    warmupMs,
    runs,
    failures,
    maxRssKB: process.resourceUsage().maxRSS,
    heapUsedMB: process.memoryUsage().heapUsed / 2 ** 20,
  };
  process.stdout.write(JSON.stringify(result) + '\n');
  for (const f of failures) process.stderr.write(`update-bench: ${f}\n`);
  return failures.length ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`update-bench: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 2;
  },
);
