// Owns the analysis worker: one per window, started on first use, restarted if it dies. Every
// request is answered with the folder's graph and findings, announced through onDidAnalyse.
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import * as vscode from 'vscode';
import type { Finding } from '../lint/findings';
import type {
  AnalysisResult,
  AnalysisSettings,
  FileChange,
  FromWorker,
  QuickFix,
  ToWorker,
} from '../protocol/analysis-messages';

type Request = ToWorker extends infer T ? (T extends { id: number } ? Omit<T, 'id'> : never) : never;

export interface FolderResult {
  root: string;
  result: AnalysisResult;
}

export class AnalysisHost implements vscode.Disposable {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (r: never) => void; reject: (e: Error) => void }>();
  private readonly results = new Map<string, AnalysisResult>();
  private readonly changed = new vscode.EventEmitter<FolderResult>();
  private readonly progressed = new vscode.EventEmitter<{ root: string; message: string }>();
  readonly onDidAnalyse = this.changed.event;
  readonly onProgress = this.progressed.event;

  constructor(
    private readonly extensionPath: string,
    private readonly log: vscode.OutputChannel,
  ) {}

  resultFor(root: string): AnalysisResult | undefined {
    return this.results.get(root);
  }

  roots(): string[] {
    return [...this.results.keys()];
  }

  open(root: string, settings: AnalysisSettings): Promise<AnalysisResult> {
    return this.request({ type: 'open', root, settings });
  }

  update(root: string, changes: FileChange[]): Promise<AnalysisResult> {
    return this.request({ type: 'update', root, changes });
  }

  settings(root: string, settings: AnalysisSettings): Promise<AnalysisResult> {
    return this.request({ type: 'settings', root, settings });
  }

  fixes(root: string, finding: Finding): Promise<QuickFix[]> {
    return this.request({ type: 'fixes', root, finding });
  }

  close(root: string): void {
    this.results.delete(root);
    this.worker?.postMessage({ type: 'close', root } satisfies ToWorker);
  }

  dispose(): void {
    void this.worker?.terminate();
    this.worker = undefined;
    this.changed.dispose();
    this.progressed.dispose();
  }

  private request<T = AnalysisResult>(r: Request): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (r: never) => void, reject });
      this.ensureWorker().postMessage({ ...r, id } as ToWorker);
    });
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(path.join(this.extensionPath, 'dist', 'analysis-worker.js'));
    worker.on('message', (m: FromWorker) => this.receive(m));
    worker.on('error', (e) => this.log.appendLine(`analysis worker failed: ${e.stack ?? e.message}`));
    worker.on('exit', (code) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      for (const p of this.pending.values())
        p.reject(new Error(`the analysis worker stopped (exit ${code})`));
      this.pending.clear();
    });
    this.worker = worker;
    return worker;
  }

  private receive(m: FromWorker): void {
    switch (m.type) {
      case 'result': {
        this.results.set(m.root, m.analysis);
        this.log.appendLine(
          `${m.root}: ${m.analysis.files} files, ${m.analysis.graph.apps.length} apps, ${m.analysis.lint.findings.length} findings in ${m.analysis.millis} ms`,
        );
        this.pending.get(m.id)?.resolve(m.analysis as never);
        this.pending.delete(m.id);
        this.changed.fire({ root: m.root, result: m.analysis });
        return;
      }
      case 'fixes':
        this.pending.get(m.id)?.resolve(m.fixes as never);
        this.pending.delete(m.id);
        return;
      case 'failed':
        this.log.appendLine(`${m.root}: analysis failed: ${m.message}`);
        this.pending.get(m.id)?.reject(new Error(m.message));
        this.pending.delete(m.id);
        return;
      case 'progress':
        this.progressed.fire({ root: m.root, message: m.message });
        return;
      case 'log':
        this.log.appendLine(m.message);
        return;
    }
  }
}
