// Parsed files of the workspace, kept across updates: only a changed file is parsed again.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ts } from 'ts-morph';
import type { Loc } from './model';
import type { WorkspaceFile } from './workspace';

export interface ParsedFile {
  abs: string;
  /** relative to the workspace root, with '/'. */
  rel: string;
  sf: ts.SourceFile;
  options: ts.CompilerOptions;
  /** why the file is left out of the analysis (it does not parse, or cannot be read). */
  skipped?: string;
  /** module specifiers it imports or requires with a literal string. */
  specifiers: string[];
  isTest: boolean;
}

const TEST_FILE = /(^|\/)(__tests__|tests?)\/|\.(test|spec)\.[cm]?[jt]sx?$/;

export class SourceIndex {
  private readonly files = new Map<string, ParsedFile>();

  constructor(readonly root: string) {}

  all(): IterableIterator<ParsedFile> {
    return this.files.values();
  }

  get(abs: string): ParsedFile | undefined {
    return this.files.get(abs);
  }

  has(abs: string): boolean {
    return this.files.has(abs);
  }

  delete(abs: string): boolean {
    return this.files.delete(abs);
  }

  /** Parses the file (from `text`, else from disk) and replaces what was known of it. */
  set(file: WorkspaceFile, text?: string): ParsedFile {
    const rel = path.relative(this.root, file.abs).split(path.sep).join('/');
    let skipped: string | undefined;
    if (text === undefined) {
      try {
        text = readFileSync(file.abs, 'utf8');
      } catch (e) {
        text = '';
        skipped = `cannot be read: ${(e as NodeJS.ErrnoException).code ?? String(e)}`;
      }
    }
    const sf = ts.createSourceFile(file.abs, text, ts.ScriptTarget.Latest, true, scriptKind(file.abs));
    const diagnostics = (sf as unknown as { parseDiagnostics?: ts.DiagnosticWithLocation[] })
      .parseDiagnostics;
    if (!skipped && diagnostics && diagnostics.length > 0) {
      const d = diagnostics[0]!;
      const { line, character } = sf.getLineAndCharacterOfPosition(d.start);
      skipped = `does not parse: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')} (line ${line + 1}, column ${character + 1})`;
    }
    const parsed: ParsedFile = {
      abs: file.abs,
      rel,
      sf,
      options: file.options,
      skipped,
      specifiers: skipped ? [] : collectSpecifiers(sf),
      isTest: TEST_FILE.test(rel),
    };
    this.files.set(file.abs, parsed);
    return parsed;
  }
}

export function locOf(file: ParsedFile, node: ts.Node): Loc {
  const { line, character } = file.sf.getLineAndCharacterOfPosition(node.getStart(file.sf));
  return { file: file.rel, line: line + 1, column: character + 1 };
}

function scriptKind(file: string): ts.ScriptKind {
  switch (path.extname(file)) {
    case '.tsx':
      return ts.ScriptKind.TSX;
    case '.jsx':
      return ts.ScriptKind.JSX;
    case '.js':
    case '.mjs':
    case '.cjs':
      return ts.ScriptKind.JS;
    default:
      return ts.ScriptKind.TS;
  }
}

function collectSpecifiers(sf: ts.SourceFile): string[] {
  const out: string[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier) {
      if (ts.isStringLiteral(node.moduleSpecifier)) out.push(node.moduleSpecifier.text);
    } else if (
      ts.isCallExpression(node) &&
      node.arguments.length === 1 &&
      ts.isStringLiteralLike(node.arguments[0]!) &&
      ((ts.isIdentifier(node.expression) && node.expression.text === 'require') ||
        node.expression.kind === ts.SyntaxKind.ImportKeyword)
    ) {
      out.push((node.arguments[0] as ts.StringLiteralLike).text);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      const e = node.moduleReference.expression;
      if (ts.isStringLiteral(e)) out.push(e.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}
