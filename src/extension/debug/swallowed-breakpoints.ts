// "Break on swallowed errors": one breakpoint inside every catch the swallowed-error rule
// reports, so the debugger stops there, with the error in scope, when the catch really runs.
// The breakpoints are labelled by their condition (`/* mwchain: swallowed error in loadUser */
// true`), follow the analysis while on, and only ours are ever removed. The bookkeeping is
// src/debug/swallow-sites.ts; this class turns it into VS Code API calls.
import * as vscode from 'vscode';
import {
  isSwallowCondition,
  siteKey,
  swallowSites,
  SwallowBreakpointBook,
  type SwallowSite,
} from '../../debug/swallow-sites';
import type { AnalysisHost } from '../analysis-host';

export class SwallowedBreakpoints implements vscode.Disposable {
  private enabled = false;
  private readonly book = new SwallowBreakpointBook<vscode.SourceBreakpoint>();
  /** empty catches already logged as unbreakable, so each is said once per switch-on. */
  private readonly logged = new Set<string>();
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    private readonly host: AnalysisHost,
    private readonly log: vscode.OutputChannel,
  ) {
    this.subscriptions = [
      // subscribing starts VS Code's breakpoint events: the persisted ones arrive as `added`
      vscode.debug.onDidChangeBreakpoints((e) => this.breakpointsChanged(e)),
      host.onDidAnalyse(() => {
        if (this.enabled) this.sync();
      }),
    ];
    this.removeStale(vscode.debug.breakpoints);
  }

  setEnabled(on: boolean): void {
    if (on === this.enabled) return;
    this.enabled = on;
    if (on) {
      this.book.clearDismissed();
      this.logged.clear();
      this.sync();
    } else {
      this.removeAll();
    }
  }

  dispose(): void {
    this.enabled = false;
    this.removeAll();
    for (const d of this.subscriptions) d.dispose();
  }

  private sync(): void {
    const desired: SwallowSite[] = [];
    for (const root of this.host.roots()) {
      const result = this.host.resultFor(root);
      if (!result) continue;
      const { sites, unbreakable } = swallowSites(root, result);
      desired.push(...sites);
      for (const u of unbreakable) {
        const where = `${vscode.workspace.asRelativePath(u.file)}:${u.line}:${u.column}`;
        if (this.logged.has(where)) continue;
        this.logged.add(where);
        this.log.appendLine(
          `no breakpoint for the ${u.label.replace(/^mwchain: /, '')} at ${where}: ${u.reason}.`,
        );
      }
    }
    const { add, remove } = this.book.sync(desired);
    if (remove.length) vscode.debug.removeBreakpoints(remove);
    if (add.length) {
      const created = add.map((site) => {
        const bp = new vscode.SourceBreakpoint(
          new vscode.Location(
            vscode.Uri.file(site.file),
            new vscode.Position(site.line - 1, site.column - 1),
          ),
          true,
          site.condition,
        );
        this.book.track(bp.id, bp, site);
        return bp;
      });
      vscode.debug.addBreakpoints(created);
    }
    if (add.length || remove.length)
      this.log.appendLine(
        `swallowed-error breakpoints: ${add.length} added, ${remove.length} removed, ${this.book.size} set.`,
      );
  }

  private removeAll(): void {
    const ours = this.book.releaseAll();
    if (ours.length === 0) return;
    vscode.debug.removeBreakpoints(ours);
    this.log.appendLine(`swallowed-error breakpoints: ${ours.length} removed.`);
  }

  /** Breakpoints labelled as ours that this window did not set: left over from an earlier one. */
  private removeStale(breakpoints: readonly vscode.Breakpoint[]): void {
    const stale = breakpoints.filter(
      (b) =>
        b instanceof vscode.SourceBreakpoint && isSwallowCondition(b.condition) && !this.book.isOurs(b.id),
    );
    if (stale.length === 0) return;
    vscode.debug.removeBreakpoints(stale);
    this.log.appendLine(`swallowed-error breakpoints: removed ${stale.length} left from an earlier session.`);
  }

  private breakpointsChanged(e: vscode.BreakpointsChangeEvent): void {
    for (const b of e.removed) {
      if (this.book.removed(b.id))
        this.log.appendLine(`swallowed-error breakpoint removed by the user: ${where(b)}`);
    }
    for (const b of e.changed) {
      if (!(b instanceof vscode.SourceBreakpoint)) continue;
      if (this.book.changed(b.id, b, { key: keyOf(b), condition: b.condition }) === 'adopted')
        this.log.appendLine(`swallowed-error breakpoint edited into the user's own: ${where(b)}`);
    }
    this.removeStale(e.added);
  }
}

function keyOf(b: vscode.SourceBreakpoint): string {
  const start = b.location.range.start;
  return siteKey(b.location.uri.fsPath, start.line + 1, start.character + 1);
}

function where(b: vscode.Breakpoint): string {
  return b instanceof vscode.SourceBreakpoint
    ? `${vscode.workspace.asRelativePath(b.location.uri)}:${b.location.range.start.line + 1}`
    : b.id;
}
