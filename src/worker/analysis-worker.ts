// The analysis worker: runs off the extension host's thread, keeps one analyzer per workspace
// folder and answers with the graph and the findings after every change.
import * as path from 'node:path';
import { parentPort } from 'node:worker_threads';
import { ChainAnalyzer } from '../analysis/analyzer';
import { swallowPoints } from '../debug/swallow-points';
import { lint } from '../lint/lint';
import type { AnalysisResult, AnalysisSettings, FromWorker, ToWorker } from '../protocol/analysis-messages';
import { matchesGlob } from './globs';
import { quickFixes } from './quick-fixes';

interface Folder {
  analyzer: ChainAnalyzer;
  settings: AnalysisSettings;
}

const folders = new Map<string, Folder>();
const port = parentPort;
const send = (m: FromWorker) => port?.postMessage(m);

port?.on('message', (m: ToWorker) => {
  try {
    handle(m);
  } catch (e) {
    if ('id' in m) send({ type: 'failed', id: m.id, root: m.root, message: (e as Error).message });
    send({ type: 'log', message: `worker: ${(e as Error).stack ?? String(e)}` });
  }
});

function handle(m: ToWorker): void {
  switch (m.type) {
    case 'open': {
      const started = performance.now();
      const analyzer = ChainAnalyzer.open(m.root, {
        onProgress: (message) => send({ type: 'progress', root: m.root, message }),
      });
      const folder: Folder = { analyzer, settings: m.settings };
      applyFilters(folder);
      folders.set(m.root, folder);
      reply(m.id, m.root, folder, started);
      return;
    }
    case 'update': {
      const folder = folders.get(m.root);
      if (!folder) throw new Error(`${m.root} is not open`);
      const started = performance.now();
      for (const c of m.changes) {
        if (!included(folder, c.file)) continue;
        if (c.removed) folder.analyzer.remove(c.file);
        else folder.analyzer.update(c.file, c.text);
      }
      reply(m.id, m.root, folder, started);
      return;
    }
    case 'settings': {
      const old = folders.get(m.root);
      if (!old) throw new Error(`${m.root} is not open`);
      const started = performance.now();
      const filtersChanged =
        JSON.stringify([old.settings.include, old.settings.exclude]) !==
        JSON.stringify([m.settings.include, m.settings.exclude]);
      const folder: Folder = filtersChanged
        ? { analyzer: ChainAnalyzer.open(m.root), settings: m.settings }
        : { ...old, settings: m.settings };
      if (filtersChanged) applyFilters(folder);
      folders.set(m.root, folder);
      reply(m.id, m.root, folder, started);
      return;
    }
    case 'fixes': {
      const folder = folders.get(m.root);
      if (!folder) throw new Error(`${m.root} is not open`);
      send({ type: 'fixes', id: m.id, root: m.root, fixes: quickFixes(folder.analyzer, m.finding) });
      return;
    }
    case 'close':
      folders.delete(m.root);
      return;
  }
}

function reply(id: number, root: string, folder: Folder, started: number): void {
  const model = folder.analyzer.model();
  const graph = folder.analyzer.graph();
  const findings = stripFailures(lint(model, { severities: folder.settings.rules }));
  const analysis: AnalysisResult = {
    graph,
    lint: findings,
    notes: model.notes,
    swallowPoints: pointsOrNone(() => swallowPoints(model, findings.findings)),
    millis: Math.round(performance.now() - started),
    files: folder.analyzer.fileCount(),
  };
  send({ type: 'result', id, root, analysis });
}

/** The debugger's swallow points; failing to find them costs the breakpoints, never the analysis. */
function pointsOrNone<T>(find: () => T[]): T[] {
  try {
    return find();
  } catch (e) {
    send({ type: 'log', message: `swallowed-error breakpoints skipped: ${(e as Error).stack ?? String(e)}` });
    return [];
  }
}

function stripFailures(r: ReturnType<typeof lint>): AnalysisResult['lint'] {
  for (const f of r.failures) send({ type: 'log', message: `a rule failed and was skipped: ${f}` });
  return { schemaVersion: r.schemaVersion, findings: r.findings, skipped: r.skipped };
}

function included(folder: Folder, file: string): boolean {
  const rel = path.relative(folder.analyzer.root, file).split(path.sep).join('/');
  const { include, exclude } = folder.settings;
  if (include.length > 0 && !include.some((g) => matchesGlob(rel, g))) return false;
  return !exclude.some((g) => matchesGlob(rel, g));
}

function applyFilters(folder: Folder): void {
  for (const file of folder.analyzer.files()) if (!included(folder, file)) folder.analyzer.remove(file);
}
