// Text edits computed from a file's syntax tree, so a fix changes exactly what it means to and
// keeps the user's formatting. Offsets are into the text the fix was computed from.
import { ts } from 'ts-morph';

export interface TextEdit {
  start: number;
  end: number;
  text: string;
}

export interface FileEdits {
  /** relative to the workspace folder, with '/'. */
  file: string;
  edits: TextEdit[];
}

export interface Fix {
  title: string;
  /** safe to apply without looking: VS Code offers it first. */
  isPreferred: boolean;
  changes: FileEdits[];
}

export function applyEdits(text: string, edits: TextEdit[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.start - a.start))
    out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

export function parse(fileName: string, text: string): ts.SourceFile {
  const kind = /\.tsx$/.test(fileName)
    ? ts.ScriptKind.TSX
    : /\.[cm]?ts$/.test(fileName)
      ? ts.ScriptKind.TS
      : /\.jsx$/.test(fileName)
        ? ts.ScriptKind.JSX
        : ts.ScriptKind.JS;
  return ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, kind);
}

export function isTypeScript(fileName: string): boolean {
  return /\.[cm]?tsx?$/.test(fileName);
}

/** The innermost node of `kind` that starts at the 1-based line and column. */
export function nodeAt<T extends ts.Node>(
  sf: ts.SourceFile,
  line: number,
  column: number,
  test: (n: ts.Node) => n is T,
): T | undefined {
  let pos: number;
  try {
    pos = sf.getPositionOfLineAndCharacter(line - 1, column - 1);
  } catch {
    return undefined;
  }
  let found: T | undefined;
  const visit = (n: ts.Node): void => {
    if (pos < n.getStart(sf) || pos >= n.getEnd()) return;
    if (test(n) && n.getStart(sf) === pos) found = n;
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return found;
}

export function enclosingFunction(n: ts.Node): ts.FunctionLikeDeclaration | undefined {
  for (let p: ts.Node | undefined = n; p; p = p.parent) {
    if (
      ts.isFunctionDeclaration(p) ||
      ts.isFunctionExpression(p) ||
      ts.isArrowFunction(p) ||
      ts.isMethodDeclaration(p)
    )
      return p;
  }
  return undefined;
}

/** The indentation of the line a node starts on. */
export function indentOf(sf: ts.SourceFile, n: ts.Node): string {
  const start = n.getStart(sf);
  const lineStart = sf.text.lastIndexOf('\n', start - 1) + 1;
  return /^[ \t]*/.exec(sf.text.slice(lineStart))![0];
}

/** The unit of indentation the file uses (two spaces when it cannot tell). */
export function indentUnit(sf: ts.SourceFile): string {
  const m = /\n([ \t]+)\S/.exec(sf.text);
  return m
    ? m[1]!.startsWith('\t')
      ? '\t'
      : m[1]!.length >= 4 && m[1]!.length % 4 === 0
        ? '    '
        : '  '
    : '  ';
}

/**
 * The name of the function's parameter at `index`, adding parameters up to it when missing
 * (named `fallback`). Returns the edits that add them.
 */
export function ensureParam(
  sf: ts.SourceFile,
  fn: ts.FunctionLikeDeclaration,
  index: number,
  fallback: string,
): { name: string; edits: TextEdit[] } {
  const params = fn.parameters;
  const existing = params[index];
  if (existing) return { name: ts.isIdentifier(existing.name) ? existing.name.text : fallback, edits: [] };
  const fillers = ['req', 'res', 'next'];
  const names: string[] = [];
  for (let i = params.length; i <= index; i++)
    names.push(i === index ? fallback : `_${fillers[i] ?? 'arg' + i}`);
  const added = names.join(', ');
  if (params.length > 0)
    return { name: fallback, edits: [{ start: params.end, end: params.end, text: `, ${added}` }] };
  // `() => ...` / `function f() {...}` / `x => ...` (no parentheses)
  const open = fn.getChildren(sf).find((c) => c.kind === ts.SyntaxKind.OpenParenToken);
  if (open) return { name: fallback, edits: [{ start: open.getEnd(), end: open.getEnd(), text: added }] };
  return { name: fallback, edits: [] };
}
