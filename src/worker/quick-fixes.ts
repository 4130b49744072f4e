// Quick fixes for a finding, computed on the text the worker analysed and positioned in it.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { ChainAnalyzer } from '../analysis/analyzer';
import { fixesFor } from '../fixes/quick-fixes';
import type { Finding } from '../lint/findings';
import type { QuickFix } from '../protocol/analysis-messages';

export function quickFixes(analyzer: ChainAnalyzer, finding: Finding): QuickFix[] {
  const abs = (file: string) => path.join(analyzer.root, ...file.split('/'));
  const read = (file: string) => analyzer.textOf(abs(file));
  let deps: Record<string, unknown> = {};
  try {
    const pkg = JSON.parse(readFileSync(path.join(analyzer.root, 'package.json'), 'utf8')) as Record<
      string,
      Record<string, unknown>
    >;
    deps = { ...pkg.dependencies, ...pkg.devDependencies };
  } catch {
    // no package.json: no dependencies to reuse
  }
  return fixesFor(finding, { read, dependsOn: (p) => p in deps }).map((fix) => ({
    title: fix.title,
    isPreferred: fix.isPreferred,
    changes: fix.changes.map((c) => {
      const text = read(c.file) ?? '';
      return {
        file: c.file,
        edits: c.edits.map((e) => ({
          start: position(text, e.start),
          end: position(text, e.end),
          text: e.text,
        })),
      };
    }),
  }));
}

function position(text: string, offset: number): { line: number; character: number } {
  let line = 0;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, character: offset - lineStart };
}
