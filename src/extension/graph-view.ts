// The Mermaid graph: a webview view in the sidebar and, on "Open in Editor", a webview panel.
// Mermaid is bundled in media/ (no network); the CSP allows only our nonce-tagged scripts.
// While a debug session runs, the live overlay annotates the chart's nodes in place.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { AppGraph, Loc, Route } from '../analysis/model';
import { graphLive } from '../live/graph-live';
import type { LiveSnapshot } from '../live/live-model';
import { LiveOverlay } from '../live/live-overlay';
import type { FromWebview, ToWebview } from '../protocol/webview-messages';
import { appFlowchartWithNodes, routeFlowchartWithNodes } from '../render/mermaid';
import type { AnalysisHost } from './analysis-host';
import { range, uriOf } from './diagnostics';

export interface RenderStatus {
  nodes: number;
  clickable?: number;
  error?: string;
  /** nodes carrying the live overlay, as the webview last drew it. */
  live?: number;
}

export interface GraphSelection {
  root: string;
  app: string;
  method?: string;
  path?: string;
}

export class GraphView
  implements vscode.WebviewViewProvider, vscode.WebviewPanelSerializer, vscode.Disposable
{
  private view: vscode.WebviewView | undefined;
  private readonly panels = new Set<vscode.WebviewPanel>();
  private selection: GraphSelection | undefined;
  private current: Extract<ToWebview, { type: 'show' }> | undefined;
  /** what `current` shows, for the live overlay. */
  private shown: { root: string; app: AppGraph; route: Route | undefined } | undefined;
  private live: LiveOverlay | undefined;
  private currentLive: Extract<ToWebview, { type: 'live' }> | undefined;
  /** what each webview last reported, for the status command the e2e tests read. */
  readonly lastRender: { view?: RenderStatus; panel?: RenderStatus } = {};

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly host: AnalysisHost,
  ) {}

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    this.setUp(view.webview);
    view.onDidDispose(() => (this.view = undefined));
  }

  async deserializeWebviewPanel(panel: vscode.WebviewPanel): Promise<void> {
    this.adopt(panel);
  }

  /** Shows a route's chain, or a whole app; with no selection, the first app there is. */
  show(selection?: GraphSelection): void {
    this.selection = selection ?? this.selection ?? this.firstApp();
    const s = this.selection;
    const result = s && this.host.resultFor(s.root);
    const app = result?.graph.apps.find((a) => a.id === s!.app);
    if (!s || !app) return;
    const route = s.method ? app.routes.find((r) => r.method === s.method && r.path === s.path) : undefined;
    const chart = route ? routeFlowchartWithNodes(route) : appFlowchartWithNodes(app);
    this.current = {
      type: 'show',
      title: route ? `${route.method} ${route.path}` : `${app.framework} app ${app.id}`,
      root: s.root,
      mermaid: chart.text,
      nodes: chart.nodes,
    };
    this.shown = { root: s.root, app, route };
    this.currentLive = undefined;
    this.post(this.current);
    this.postLive();
  }

  /**
   * The live overlay: what the debug sessions ran (LiveStats.snapshot()); undefined, or a
   * snapshot of no session, takes it away. Posts only what changed.
   */
  setLive(snapshot: LiveSnapshot | undefined): void {
    this.live = snapshot && snapshot.sessions > 0 ? LiveOverlay.of(snapshot) : undefined;
    this.postLive();
  }

  private postLive(): void {
    const next = this.liveMessage();
    const before = this.currentLive;
    this.currentLive = next;
    if (!next && !before) return;
    const message = next ?? { type: 'live', nodes: {} };
    if (before && JSON.stringify(before) === JSON.stringify(message)) return;
    this.post(message);
  }

  private liveMessage(): Extract<ToWebview, { type: 'live' }> | undefined {
    const live = this.live;
    const shown = this.shown;
    if (!live || !shown || !this.current) return undefined;
    const nodes = graphLive(live, shown.root, shown.app, shown.route, this.current.nodes);
    const { requests, sessions, dropped } = live.snapshot;
    const stopped = requests.filter((r) => r.stoppedAt).length;
    const summary = [
      `live${sessions > 1 ? ` (${sessions} sessions)` : ''}`,
      `${requests.length} recent request${requests.length === 1 ? '' : 's'}`,
      stopped ? `${stopped} stopped` : '',
      dropped ? `${dropped} events dropped` : '',
    ]
      .filter(Boolean)
      .join(' · ');
    return { type: 'live', nodes, summary };
  }

  /** The Mermaid text on screen, for Export Mermaid. */
  mermaid(): string | undefined {
    return this.current?.mermaid;
  }

  openInEditor(): void {
    const panel = vscode.window.createWebviewPanel(
      'mwchain.graphPanel',
      'Middleware Chain Graph',
      vscode.ViewColumn.Beside,
      this.options(),
    );
    this.adopt(panel);
  }

  dispose(): void {
    for (const p of this.panels) p.dispose();
  }

  private adopt(panel: vscode.WebviewPanel): void {
    panel.webview.options = this.options();
    this.panels.add(panel);
    this.setUp(panel.webview, 'panel');
    panel.onDidDispose(() => this.panels.delete(panel));
  }

  private firstApp(): GraphSelection | undefined {
    for (const root of this.host.roots()) {
      const app = this.host.resultFor(root)?.graph.apps[0];
      if (app) return { root, app: app.id };
    }
    return undefined;
  }

  private options(): vscode.WebviewOptions & vscode.WebviewPanelOptions {
    return {
      enableScripts: true,
      retainContextWhenHidden: false,
      localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'media')],
    };
  }

  private setUp(webview: vscode.Webview, where: 'view' | 'panel' = 'view'): void {
    webview.options = this.options();
    webview.html = this.html(webview);
    webview.onDidReceiveMessage((m: FromWebview) => this.receive(webview, m, where));
  }

  private receive(webview: vscode.Webview, m: FromWebview, where: 'view' | 'panel'): void {
    switch (m.type) {
      case 'ready':
        if (this.current) {
          void webview.postMessage(this.current);
          if (this.currentLive) void webview.postMessage(this.currentLive);
        } else this.show();
        return;
      case 'open':
        void this.open(m.root, m.loc);
        return;
      case 'svg':
        void this.saveSvg(m.svg);
        return;
      case 'rendered':
        this.lastRender[where] = { nodes: m.nodes, clickable: m.clickable, error: m.error };
        return;
      case 'liveShown':
        this.lastRender[where] = { ...(this.lastRender[where] ?? { nodes: 0 }), live: m.nodes };
        return;
    }
  }

  exportSvg(): void {
    this.post({ type: 'exportSvg' });
  }

  private async saveSvg(svg: string): Promise<void> {
    const target = await vscode.window.showSaveDialog({ filters: { SVG: ['svg'] }, saveLabel: 'Export SVG' });
    if (target) await vscode.workspace.fs.writeFile(target, Buffer.from(svg, 'utf8'));
  }

  private async open(root: string, loc: Loc): Promise<void> {
    await vscode.window.showTextDocument(uriOf(root, loc), {
      selection: range(loc),
      viewColumn: vscode.ViewColumn.One,
    });
  }

  private post(m: ToWebview): void {
    if (this.view) void this.view.webview.postMessage(m);
    for (const p of this.panels) void p.webview.postMessage(m);
  }

  private html(webview: vscode.Webview): string {
    const nonce = randomBytes(16).toString('base64');
    const media = (f: string) => webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'media', f));
    const csp = [
      "default-src 'none'",
      `script-src 'nonce-${nonce}'`,
      // Mermaid writes its styles into the SVG it makes
      `style-src ${webview.cspSource} 'unsafe-inline'`,
      `img-src ${webview.cspSource} data:`,
      `font-src ${webview.cspSource}`,
    ].join('; ');
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${media('graph.css')}">
<title>Middleware Chain Graph</title>
</head>
<body>
<div class="toolbar">
  <span id="title" class="title"></span>
  <button id="zoom-in" title="Zoom in" aria-label="Zoom in">+</button>
  <button id="zoom-out" title="Zoom out" aria-label="Zoom out">−</button>
  <button id="fit" title="Fit to view" aria-label="Fit to view">Fit</button>
  <button id="export" title="Export SVG" aria-label="Export SVG">SVG</button>
</div>
<div id="live" class="live-summary" role="status"></div>
<div id="viewport" class="viewport"><div id="graph" class="graph"></div></div>
<div id="message" class="message">Select a route in the Chains view to see its chain.</div>
<script nonce="${nonce}" src="${media('vendor/mermaid.min.js')}"></script>
<script nonce="${nonce}" src="${media('graph.js')}"></script>
</body>
</html>`;
  }
}
