// The "Chains" tree: apps -> routes -> the chain, from the view model; while a debug session
// runs, with the live overlay (counts, durations, where requests stopped) on top.
import * as vscode from 'vscode';
import type { LiveSnapshot } from '../live/live-model';
import { LiveOverlay } from '../live/live-overlay';
import { buildChainTree, STOPPED_ICON, type ChainNode, type FolderAnalysis } from '../view-models/chain-tree';
import type { AnalysisHost } from './analysis-host';
import { range, uriOf } from './diagnostics';

export class ChainTreeProvider implements vscode.TreeDataProvider<ChainNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private roots: ChainNode[] = [];
  private readonly parents = new Map<string, ChainNode>();
  private folders: FolderAnalysis[] = [];
  private live: LiveOverlay | undefined;
  /** what the tree showed last, to skip live updates that change nothing on screen. */
  private shown = '';

  constructor(private readonly host: AnalysisHost) {}

  refresh(): void {
    const folders: FolderAnalysis[] = [];
    for (const f of vscode.workspace.workspaceFolders ?? []) {
      const analysis = this.host.resultFor(f.uri.fsPath);
      if (analysis) folders.push({ root: f.uri.fsPath, name: f.name, analysis });
    }
    this.folders = folders;
    this.rebuild();
    const apps = folders.reduce((n, f) => n + f.analysis.graph.apps.length, 0);
    void vscode.commands.executeCommand(
      'setContext',
      'mwchain.state',
      folders.length === 0 ? 'analysing' : apps === 0 ? 'noApps' : 'ready',
    );
    this.changed.fire();
  }

  /**
   * The live overlay: what the debug sessions ran (LiveStats.snapshot()); undefined, or a
   * snapshot of no session, takes it away. Redraws only when something on screen changes.
   */
  setLive(snapshot: LiveSnapshot | undefined): void {
    this.live = snapshot && snapshot.sessions > 0 ? LiveOverlay.of(snapshot) : undefined;
    if (this.rebuild()) this.changed.fire();
  }

  /** Builds the nodes again; true when what they show differs from before. */
  private rebuild(): boolean {
    this.roots = buildChainTree(this.folders, this.live);
    this.parents.clear();
    const index = (n: ChainNode) => n.children.forEach((c) => (this.parents.set(c.id, n), index(c)));
    this.roots.forEach(index);
    const shown = JSON.stringify(this.all().map((n) => [n.id, n.description, n.tooltip, n.icon, n.live]));
    const differs = shown !== this.shown;
    this.shown = shown;
    return differs;
  }

  /** Every node, depth first: for commands that look one up. */
  all(): ChainNode[] {
    const out: ChainNode[] = [];
    const walk = (n: ChainNode) => (out.push(n), n.children.forEach(walk));
    this.roots.forEach(walk);
    return out;
  }

  getChildren(node?: ChainNode): ChainNode[] {
    return node ? node.children : this.roots;
  }

  getParent(node: ChainNode): ChainNode | undefined {
    return this.parents.get(node.id);
  }

  getTreeItem(node: ChainNode): vscode.TreeItem {
    const collapsible =
      node.children.length === 0
        ? vscode.TreeItemCollapsibleState.None
        : node.kind === 'route' || node.kind === 'errors' || node.kind === 'unresolved'
          ? vscode.TreeItemCollapsibleState.Collapsed
          : vscode.TreeItemCollapsibleState.Expanded;
    const item = new vscode.TreeItem(node.label, collapsible);
    item.id = node.id;
    item.description = node.description;
    item.tooltip = node.tooltip;
    const error = node.problems.some((p) => p.severity === 'error');
    item.iconPath =
      node.live === 'stopped'
        ? new vscode.ThemeIcon(STOPPED_ICON, new vscode.ThemeColor('errorForeground'))
        : new vscode.ThemeIcon(
            node.problems.length && node.kind === 'item' ? 'warning' : node.icon,
            node.problems.length
              ? new vscode.ThemeColor(
                  error ? 'problemsErrorIcon.foreground' : 'problemsWarningIcon.foreground',
                )
              : undefined,
          );
    item.contextValue = node.kind;
    if (node.open) {
      item.command = {
        command: 'vscode.open',
        title: 'Open Source',
        arguments: [
          uriOf(node.open.root, node.open.loc),
          { selection: range(node.open.loc), preserveFocus: true },
        ],
      };
    }
    return item;
  }

  dispose(): void {
    this.changed.dispose();
  }
}
