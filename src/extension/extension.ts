// The extension: the only place that imports `vscode`. Analysis runs in a worker thread, so
// activation loads no TypeScript and the extension host never waits on it.
import * as vscode from 'vscode';
import type { ChainNode } from '../view-models/chain-tree';
import { AnalysisHost } from './analysis-host';
import { nextErrorHandler } from '../agent-link/next-handler';
import { LiveStats } from '../live/live-stats';
import { ChainTreeProvider } from './chain-tree-provider';
import { registerDebugIntegration, type DebugIntegration } from './debug';
import { registerCommands } from './commands';
import { Diagnostics } from './diagnostics';
import { GraphView } from './graph-view';
import { QuickFixProvider } from './quick-fix-provider';
import { RouteLensProvider } from './route-lens';
import { WorkspaceWatcher } from './workspace-watcher';

const SOURCES: vscode.DocumentSelector = [
  { scheme: 'file', language: 'javascript' },
  { scheme: 'file', language: 'typescript' },
  { scheme: 'file', language: 'javascriptreact' },
  { scheme: 'file', language: 'typescriptreact' },
];

/** What the extension hands other extensions (and its own tests). */
export interface MwchainApi {
  lastPause: DebugIntegration['lastPause'];
}

export function activate(context: vscode.ExtensionContext): MwchainApi {
  const log = vscode.window.createOutputChannel('Middleware Chains');
  const host = new AnalysisHost(context.extensionPath, log);
  const diagnostics = new Diagnostics(context.extensionUri);
  const tree = new ChainTreeProvider(host);
  const treeView = vscode.window.createTreeView<ChainNode>('mwchain.chains', {
    treeDataProvider: tree,
    showCollapseAll: true,
  });
  const graph = new GraphView(context.extensionUri, host);
  const lens = new RouteLensProvider(host);
  const watcher = new WorkspaceWatcher(host, log);
  const live = new LiveStats();
  const debug = registerDebugIntegration(
    context.extensionPath,
    context.environmentVariableCollection,
    host,
    log,
    (info) =>
      nextErrorHandler(
        host.roots().flatMap((root) => {
          const graph = host.resultFor(root)?.graph;
          return graph ? [{ root, graph }] : [];
        }),
        info.method,
        info.url,
        info.middleware.definedAt,
      ),
    live,
  );

  context.subscriptions.push(
    log,
    host,
    diagnostics,
    tree,
    treeView,
    graph,
    lens,
    watcher,
    vscode.window.registerWebviewViewProvider('mwchain.graph', graph),
    vscode.window.registerWebviewPanelSerializer('mwchain.graphPanel', graph),
    vscode.languages.registerCodeLensProvider(SOURCES, lens),
    vscode.languages.registerHoverProvider(SOURCES, lens),
    vscode.languages.registerCodeActionsProvider(SOURCES, new QuickFixProvider(host, log), {
      providedCodeActionKinds: QuickFixProvider.kinds,
    }),
    host.onDidAnalyse((r) => {
      diagnostics.show(r);
      tree.refresh();
      lens.refresh();
      graph.show();
    }),
    treeView.onDidChangeSelection((e) => {
      const node = e.selection[0];
      if (node?.route) graph.show(node.route);
      else if (node?.app) graph.show(node.app);
    }),
    ...registerCommands(host, watcher, tree, treeView, graph),
    ...debug.disposables,
    live,
    live.onDidChange(() => {
      const snapshot = live.snapshot();
      tree.setLive(snapshot);
      graph.setLive(snapshot);
    }),
  );
  void vscode.commands.executeCommand('setContext', 'mwchain.state', 'analysing');
  log.appendLine(
    `activated; folders: ${(vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.toString()).join(', ')}`,
  );
  void watcher.openAll().then(() => tree.refresh());
  return { lastPause: debug.lastPause };
}

export function deactivate(): void {}
