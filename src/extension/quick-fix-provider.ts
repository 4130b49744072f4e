// Quick fixes for mwchain diagnostics, computed by the worker on the text it analysed.
import * as vscode from 'vscode';
import type { Finding } from '../lint/findings';
import type { AnalysisHost } from './analysis-host';
import { uriOf } from './diagnostics';

export class QuickFixProvider implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];

  constructor(
    private readonly host: AnalysisHost,
    private readonly log: vscode.OutputChannel,
  ) {}

  async provideCodeActions(
    doc: vscode.TextDocument,
    _range: vscode.Range,
    context: vscode.CodeActionContext,
  ): Promise<vscode.CodeAction[]> {
    const folder = vscode.workspace.getWorkspaceFolder(doc.uri);
    const result = folder && this.host.resultFor(folder.uri.fsPath);
    if (!folder || !result) return [];
    const root = folder.uri.fsPath;
    const actions: vscode.CodeAction[] = [];
    for (const d of context.diagnostics) {
      if (d.source !== 'mwchain') continue;
      const finding = findingFor(result.lint.findings, doc, d);
      if (!finding) {
        this.log.appendLine(
          `quick fixes: no finding behind "${d.message}" at ${d.range.start.line + 1}:${d.range.start.character + 1}`,
        );
        continue;
      }
      let fixes: Awaited<ReturnType<AnalysisHost['fixes']>> = [];
      try {
        fixes = await this.host.fixes(root, finding);
      } catch (e) {
        this.log.appendLine(`quick fixes for ${finding.rule} failed: ${(e as Error).message}`);
      }
      for (const fix of fixes) {
        const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
        action.diagnostics = [d];
        action.isPreferred = fix.isPreferred;
        action.edit = new vscode.WorkspaceEdit();
        for (const c of fix.changes) {
          const uri = uriOf(root, { file: c.file, line: 1, column: 1 });
          for (const e of c.edits)
            action.edit.replace(
              uri,
              new vscode.Range(e.start.line, e.start.character, e.end.line, e.end.character),
              e.text,
            );
        }
        actions.push(action);
      }
    }
    return actions;
  }
}

function findingFor(
  findings: Finding[],
  doc: vscode.TextDocument,
  d: vscode.Diagnostic,
): Finding | undefined {
  const rel = vscode.workspace.asRelativePath(doc.uri, false).split('\\').join('/');
  const code = typeof d.code === 'object' ? d.code.value : d.code;
  return findings.find(
    (f) =>
      f.rule === code &&
      f.location.file === rel &&
      f.location.line - 1 === d.range.start.line &&
      f.location.column - 1 === d.range.start.character &&
      f.message === d.message,
  );
}
