// Keeps the analysis current: opens every workspace folder, and sends edits (debounced), saves,
// created and deleted files, folder and setting changes to the host. Never waits on the worker.
import * as vscode from 'vscode';
import type { FileChange } from '../protocol/analysis-messages';
import type { AnalysisHost } from './analysis-host';
import { analysisEnabled, analysisSettings } from './settings';

const SOURCE = /\.(?:[cm]?[jt]sx?)$/;
const EDIT_DELAY_MS = 400;

export class WorkspaceWatcher implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private readonly queued = new Map<string, Map<string, FileChange>>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly host: AnalysisHost,
    private readonly log: vscode.OutputChannel,
  ) {
    this.disposables.push(
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.contentChanges.length)
          this.queue(e.document.uri, { file: e.document.uri.fsPath, text: e.document.getText() });
      }),
      vscode.workspace.onDidSaveTextDocument((d) => this.queue(d.uri, { file: d.uri.fsPath })),
      vscode.workspace.onDidCloseTextDocument((d) => {
        // unsaved edits that were thrown away: back to what is on disk
        if (!d.isDirty) this.queue(d.uri, { file: d.uri.fsPath });
      }),
      vscode.workspace.onDidChangeWorkspaceFolders((e) => {
        for (const f of e.removed) this.host.close(f.uri.fsPath);
        for (const f of e.added) void this.openFolder(f);
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        for (const f of vscode.workspace.workspaceFolders ?? []) {
          if (!e.affectsConfiguration('mwchain', f.uri)) continue;
          if (!analysisEnabled(f.uri)) this.host.close(f.uri.fsPath);
          else if (this.host.resultFor(f.uri.fsPath))
            void this.catching(this.host.settings(f.uri.fsPath, analysisSettings(f.uri)));
          else void this.openFolder(f);
        }
      }),
    );
    const files = vscode.workspace.createFileSystemWatcher('**/*.{js,cjs,mjs,jsx,ts,cts,mts,tsx}');
    this.disposables.push(
      files,
      files.onDidCreate((u) => this.queue(u, { file: u.fsPath })),
      files.onDidDelete((u) => this.queue(u, { file: u.fsPath, removed: true })),
      files.onDidChange((u) => {
        // changed on disk by another tool (git checkout): only when no editor holds newer text
        if (!vscode.workspace.textDocuments.some((d) => d.uri.toString() === u.toString() && d.isDirty))
          this.queue(u, { file: u.fsPath });
      }),
    );
  }

  async openAll(): Promise<void> {
    await Promise.all((vscode.workspace.workspaceFolders ?? []).map((f) => this.openFolder(f)));
  }

  async openFolder(folder: vscode.WorkspaceFolder): Promise<void> {
    if (!analysisEnabled(folder.uri) || folder.uri.scheme !== 'file') return;
    await this.catching(
      vscode.window.withProgress(
        { location: vscode.ProgressLocation.Window, title: `Middleware chains: analysing ${folder.name}` },
        () => this.host.open(folder.uri.fsPath, analysisSettings(folder.uri)),
      ),
    );
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const d of this.disposables) d.dispose();
  }

  private queue(uri: vscode.Uri, change: FileChange): void {
    if (uri.scheme !== 'file' || !SOURCE.test(uri.fsPath) || /[\\/]node_modules[\\/]/.test(uri.fsPath))
      return;
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    if (!folder || !this.host.resultFor(folder.uri.fsPath)) return;
    const root = folder.uri.fsPath;
    const changes = this.queued.get(root) ?? new Map<string, FileChange>();
    changes.set(change.file, change);
    this.queued.set(root, changes);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.flush(), EDIT_DELAY_MS);
  }

  private flush(): void {
    for (const [root, changes] of this.queued)
      void this.catching(this.host.update(root, [...changes.values()]));
    this.queued.clear();
  }

  private async catching<T>(p: Thenable<T>): Promise<T | undefined> {
    try {
      return await p;
    } catch (e) {
      this.log.appendLine(`analysis: ${(e as Error).message}`);
      return undefined;
    }
  }
}
