// When the agent pauses in `mwchainBreak`, the editor shows the real place: the throw site, or
// the middleware that stopped the chain, with one line saying what happened. A DebugAdapterTracker
// sees the `stopped` event; the frame's `info` is read back with an evaluate request.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { pauseMessage, pauseSite, pausedInfo, READ_INFO, type PausedInfo } from '../../agent-link/break-text';
import { NODE_DEBUG_TYPES } from './break-modes';

/** The last pause shown, for the Variables-free reader (tests, the command palette). */
export interface ShownPause {
  file: string;
  line: number;
  message: string;
  info: PausedInfo;
}

interface StackTraceResponse {
  stackFrames?: { id: number; name: string }[];
}

/** Resolves the name of the error handler the static model puts after a middleware, if any. */
export type NextHandlerLookup = (info: PausedInfo) => string | undefined;

export class PauseView implements vscode.Disposable {
  private readonly decoration = vscode.window.createTextEditorDecorationType({
    isWholeLine: true,
    backgroundColor: new vscode.ThemeColor('editor.stackFrameHighlightBackground'),
    after: {
      margin: '0 0 0 2em',
      color: new vscode.ThemeColor('editorError.foreground'),
    },
  });
  private shown: ShownPause | undefined;
  /** The session that paused: only its resuming clears the pause (a terminal has several). */
  private shownSession: string | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly agentPath: string,
    private readonly nextHandler: NextHandlerLookup,
    private readonly log: vscode.OutputChannel,
  ) {
    this.disposables.push(
      this.decoration,
      vscode.debug.registerDebugAdapterTrackerFactory('*', {
        createDebugAdapterTracker: (session) =>
          NODE_DEBUG_TYPES.has(session.type)
            ? {
                onDidSendMessage: (m: { type?: string; event?: string; body?: { threadId?: number } }) => {
                  if (m.type !== 'event') return;
                  if (m.event === 'stopped' && m.body?.threadId !== undefined)
                    void this.stopped(session, m.body.threadId);
                  else if (m.event === 'continued' || m.event === 'terminated') this.clear(session);
                },
                onExit: () => this.clear(session),
              }
            : undefined,
      }),
      // VS Code reveals the paused frame (the agent's own file) too; the user's line wins.
      vscode.window.onDidChangeActiveTextEditor((editor) => {
        if (this.shown && editor && path.resolve(editor.document.uri.fsPath) === this.agentPath)
          void this.reveal(this.shown);
      }),
      vscode.window.onDidChangeVisibleTextEditors(() => this.decorate()),
    );
  }

  lastShown(): ShownPause | undefined {
    return this.shown;
  }

  private async stopped(session: vscode.DebugSession, threadId: number): Promise<void> {
    try {
      const trace = (await session.customRequest('stackTrace', {
        threadId,
        startFrame: 0,
        levels: 1,
      })) as StackTraceResponse;
      const top = trace.stackFrames?.[0];
      if (!top || !/^mwchainBreak\b/.test(top.name)) return;
      const result = (await session.customRequest('evaluate', {
        expression: READ_INFO,
        frameId: top.id,
        context: 'clipboard',
      })) as { result?: string };
      const info = pausedInfo(unquote(result.result ?? ''));
      if (!info) {
        this.log.appendLine(`paused in mwchainBreak, but its info could not be read: ${result.result}`);
        return;
      }
      const site = pauseSite(info);
      this.shownSession = session.id;
      this.shown = {
        file: site.file,
        line: site.line,
        message: pauseMessage(info, info.kind === 'crossing' ? this.nextHandler(info) : undefined),
        info,
      };
      this.log.appendLine(`paused: ${this.shown.message} (${site.file}:${site.line})`);
      await this.reveal(this.shown);
    } catch (error) {
      this.log.appendLine(`could not show the pause: ${(error as Error).message}`);
    }
  }

  private async reveal(shown: ShownPause): Promise<void> {
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(shown.file));
    const line = Math.max(0, Math.min(doc.lineCount - 1, shown.line - 1));
    const range = doc.lineAt(line).range;
    await vscode.window.showTextDocument(doc, {
      selection: new vscode.Range(range.start, range.start),
      preview: true,
      preserveFocus: false,
    });
    this.decorate();
  }

  private decorate(): void {
    for (const editor of vscode.window.visibleTextEditors) {
      const shown = this.shown;
      if (shown && path.resolve(editor.document.uri.fsPath) === path.resolve(shown.file)) {
        const line = Math.max(0, Math.min(editor.document.lineCount - 1, shown.line - 1));
        editor.setDecorations(this.decoration, [
          {
            range: editor.document.lineAt(line).range,
            renderOptions: { after: { contentText: `⟵ ${shown.message}` } },
            hoverMessage: new vscode.MarkdownString(`**Middleware Chains:** ${shown.message}`),
          },
        ]);
      } else editor.setDecorations(this.decoration, []);
    }
  }

  private clear(session: vscode.DebugSession): void {
    if (!this.shown || session.id !== this.shownSession) return;
    this.shown = undefined;
    this.decorate();
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

/** js-debug may answer a string with its quotes: strip them when present. */
function unquote(text: string): string {
  if (text.startsWith('{')) return text;
  try {
    const value = JSON.parse(text) as unknown;
    return typeof value === 'string' ? value : text;
  } catch {
    return text.replace(/^'|'$/g, '');
  }
}
