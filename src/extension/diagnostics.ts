// Findings as diagnostics in the Problems panel: code = rule id linking to its doc, related
// locations as related information.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Loc } from '../analysis/model';
import type { Finding } from '../lint/findings';
import type { FolderResult } from './analysis-host';

const SEVERITY: Record<Finding['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

export class Diagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('mwchain');
  private readonly filesByRoot = new Map<string, vscode.Uri[]>();

  constructor(private readonly extensionUri: vscode.Uri) {}

  show({ root, result }: FolderResult): void {
    for (const uri of this.filesByRoot.get(root) ?? []) this.collection.delete(uri);
    const byFile = new Map<string, vscode.Diagnostic[]>();
    for (const f of result.lint.findings) {
      const d = new vscode.Diagnostic(range(f.location, f.endLocation), f.message, SEVERITY[f.severity]);
      d.source = 'mwchain';
      d.code = {
        value: f.rule,
        target: vscode.Uri.joinPath(this.extensionUri, 'docs', 'rules', `${f.rule}.md`),
      };
      d.relatedInformation = f.related.map(
        (r) =>
          new vscode.DiagnosticRelatedInformation(
            new vscode.Location(uriOf(root, r.location), range(r.location)),
            r.message,
          ),
      );
      if (f.rule === 'unused-suppression') d.tags = [vscode.DiagnosticTag.Unnecessary];
      const list = byFile.get(f.location.file) ?? [];
      list.push(d);
      byFile.set(f.location.file, list);
    }
    const uris: vscode.Uri[] = [];
    for (const [file, list] of byFile) {
      const uri = uriOf(root, { file, line: 1, column: 1 });
      this.collection.set(uri, list);
      uris.push(uri);
    }
    this.filesByRoot.set(root, uris);
  }

  clear(root: string): void {
    for (const uri of this.filesByRoot.get(root) ?? []) this.collection.delete(uri);
    this.filesByRoot.delete(root);
  }

  dispose(): void {
    this.collection.dispose();
  }
}

export function uriOf(root: string, loc: Loc): vscode.Uri {
  return vscode.Uri.file(path.join(root, ...loc.file.split('/')));
}

export function range(start: Loc, end?: Loc): vscode.Range {
  const s = new vscode.Position(start.line - 1, start.column - 1);
  const e =
    end && (end.line > start.line || end.column > start.column)
      ? new vscode.Position(end.line - 1, end.column - 1)
      : s;
  return new vscode.Range(s, e);
}
