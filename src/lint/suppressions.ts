// `// mwchain-disable-next-line <rule>` and `/* mwchain-disable <rule> */`.
import { ts } from 'ts-morph';
import type { Loc } from '../analysis/model';
import type { ParsedFile } from '../analysis/source-index';

export interface Suppression {
  file: string;
  /** the line it silences (1-based); undefined for a whole-file directive. */
  line: number | undefined;
  /** empty: every rule. */
  rules: string[];
  location: Loc;
  used: boolean;
  text: string;
}

const DIRECTIVE = /mwchain-disable(-next-line)?(?=[\s*]|$)([^\n*]*)/g;

export function suppressionsOf(file: ParsedFile): Suppression[] {
  const text = file.sf.text;
  if (!text.includes('mwchain-disable')) return [];
  const out: Suppression[] = [];
  for (const range of comments(file.sf)) {
    const comment = text.slice(range.pos, range.end);
    for (const m of comment.matchAll(DIRECTIVE)) {
      const pos = range.pos + m.index!;
      const { line } = file.sf.getLineAndCharacterOfPosition(pos);
      const rules = m[2]!.split(/[\s,]+/).filter((r) => r && r !== '--');
      const location = locAt(file, pos);
      out.push({
        file: file.rel,
        line: m[1] ? line + 2 : undefined,
        rules,
        location,
        used: false,
        text: m[0].trim(),
      });
    }
  }
  return out;
}

function locAt(file: ParsedFile, pos: number): Loc {
  const { line, character } = file.sf.getLineAndCharacterOfPosition(pos);
  return { file: file.rel, line: line + 1, column: character + 1 };
}

/** Every comment in the file, found through the scanner so strings are never mistaken for comments. */
function comments(sf: ts.SourceFile): { pos: number; end: number }[] {
  const out: { pos: number; end: number }[] = [];
  const seen = new Set<number>();
  const visit = (n: ts.Node): void => {
    for (const r of [...(leading(sf, n.getFullStart()) ?? []), ...(trailing(sf, n.getEnd()) ?? [])]) {
      if (!seen.has(r.pos)) {
        seen.add(r.pos);
        out.push(r);
      }
    }
    n.forEachChild(visit);
  };
  visit(sf);
  return out;
}

const leading = (sf: ts.SourceFile, pos: number) => ts.getLeadingCommentRanges(sf.text, pos);
const trailing = (sf: ts.SourceFile, pos: number) => ts.getTrailingCommentRanges(sf.text, pos);
