// The "Chains" tree: apps -> routes -> the chain, from the view model.
import * as vscode from 'vscode';
import { buildChainTree, type ChainNode, type FolderAnalysis } from '../view-models/chain-tree';
import type { AnalysisHost } from './analysis-host';
import { range, uriOf } from './diagnostics';

export class ChainTreeProvider implements vscode.TreeDataProvider<ChainNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private roots: ChainNode[] = [];
  private readonly parents = new Map<string, ChainNode>();

  constructor(private readonly host: AnalysisHost) {}

  refresh(): void {
    const folders: FolderAnalysis[] = [];
    for (const f of vscode.workspace.workspaceFolders ?? []) {
      const analysis = this.host.resultFor(f.uri.fsPath);
      if (analysis) folders.push({ root: f.uri.fsPath, name: f.name, analysis });
    }
    this.roots = buildChainTree(folders);
    this.parents.clear();
    const index = (n: ChainNode) => n.children.forEach((c) => (this.parents.set(c.id, n), index(c)));
    this.roots.forEach(index);
    const apps = folders.reduce((n, f) => n + f.analysis.graph.apps.length, 0);
    void vscode.commands.executeCommand(
      'setContext',
      'mwchain.state',
      folders.length === 0 ? 'analysing' : apps === 0 ? 'noApps' : 'ready',
    );
    this.changed.fire();
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
    item.iconPath = new vscode.ThemeIcon(
      node.problems.length && node.kind === 'item' ? 'warning' : node.icon,
      node.problems.length
        ? new vscode.ThemeColor(error ? 'problemsErrorIcon.foreground' : 'problemsWarningIcon.foreground')
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
