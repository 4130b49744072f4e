// The palette commands: Refresh, Show Chain for Route at Cursor, Open Graph, Export Mermaid.
import * as vscode from 'vscode';
import type { ChainNode } from '../view-models/chain-tree';
import type { AnalysisHost } from './analysis-host';
import type { ChainTreeProvider } from './chain-tree-provider';
import type { GraphSelection, GraphView } from './graph-view';
import { routesIn } from './route-lens';
import type { WorkspaceWatcher } from './workspace-watcher';

export function registerCommands(
  host: AnalysisHost,
  watcher: WorkspaceWatcher,
  tree: ChainTreeProvider,
  treeView: vscode.TreeView<ChainNode>,
  graph: GraphView,
): vscode.Disposable[] {
  const showChain = async (route: GraphSelection) => {
    graph.show(route);
    const node = tree
      .all()
      .find(
        (n) =>
          n.kind === 'route' &&
          n.route?.root === route.root &&
          n.route.app === route.app &&
          n.route.method === route.method &&
          n.route.path === route.path,
      );
    if (node) await treeView.reveal(node, { select: true, focus: false, expand: true });
    await vscode.commands.executeCommand('mwchain.graph.focus');
  };
  return [
    vscode.commands.registerCommand('mwchain.refresh', async () => {
      for (const root of host.roots()) host.close(root);
      await watcher.openAll();
    }),
    vscode.commands.registerCommand('mwchain.showChain', showChain),
    vscode.commands.registerCommand('mwchain.showChainAtCursor', async () => {
      const editor = vscode.window.activeTextEditor;
      if (!editor)
        return void vscode.window.showInformationMessage(
          'Put the cursor on a route registration (app.get(...), router.post(...)).',
        );
      const line = editor.selection.active.line;
      const routes = routesIn(host, editor.document);
      // the route registered on this line, else the nearest one above the cursor
      const hit =
        routes.find((r) => r.route.location!.line - 1 === line) ??
        routes
          .filter((r) => r.route.location!.line - 1 <= line)
          .sort((a, b) => b.route.location!.line - a.route.location!.line)[0];
      if (!hit)
        return void vscode.window.showInformationMessage(
          'No route is registered at or above the cursor in this file.',
        );
      await showChain({ root: hit.root, app: hit.app.id, method: hit.route.method, path: hit.route.path });
    }),
    vscode.commands.registerCommand('mwchain.openGraph', () => {
      graph.show();
      graph.openInEditor();
    }),
    vscode.commands.registerCommand('mwchain.exportMermaid', async () => {
      graph.show();
      const text = graph.mermaid();
      if (!text)
        return void vscode.window.showInformationMessage(
          'There is no graph to export yet: no web app was found.',
        );
      const doc = await vscode.workspace.openTextDocument({ content: text, language: 'mermaid' });
      await vscode.window.showTextDocument(doc);
    }),
    vscode.commands.registerCommand('mwchain.exportSvg', () => graph.exportSvg()),
    // for tests and diagnostics: what the graph webview last reported
    vscode.commands.registerCommand('mwchain._graphStatus', () => graph.lastRender),
    vscode.commands.registerCommand('mwchain._tree', () =>
      tree.all().map((n) => ({
        id: n.id,
        kind: n.kind,
        label: n.label,
        description: n.description,
        problems: n.problems.length,
      })),
    ),
    vscode.commands.registerCommand('mwchain._analysis', (root?: string) =>
      root ? host.resultFor(root) : host.roots().map((r) => host.resultFor(r)),
    ),
  ];
}
