// CodeLens over route registrations ("5 middleware · 1 problem — Show chain") and a hover that
// lists the chain.
import * as vscode from 'vscode';
import { routeFindings } from '../view-models/app-findings';
import type { AppGraph, Route } from '../analysis/model';
import type { AnalysisHost } from './analysis-host';

export interface RouteAt {
  root: string;
  app: AppGraph;
  route: Route;
}

/** The routes registered in a document, from the last analysis of its folder. */
export function routesIn(host: AnalysisHost, doc: vscode.TextDocument): RouteAt[] {
  const folder = vscode.workspace.getWorkspaceFolder(doc.uri);
  const result = folder && host.resultFor(folder.uri.fsPath);
  if (!folder || !result) return [];
  const rel = vscode.workspace.asRelativePath(doc.uri, false).split('\\').join('/');
  const out: RouteAt[] = [];
  for (const app of result.graph.apps) {
    for (const route of app.routes)
      if (route.location?.file === rel) out.push({ root: folder.uri.fsPath, app, route });
  }
  return out;
}

export class RouteLensProvider implements vscode.CodeLensProvider, vscode.HoverProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;

  constructor(private readonly host: AnalysisHost) {}

  refresh(): void {
    this.changed.fire();
  }

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    const result = vscode.workspace.getWorkspaceFolder(doc.uri);
    const findings = result ? (this.host.resultFor(result.uri.fsPath)?.lint.findings ?? []) : [];
    return routesIn(this.host, doc).map(({ root, app, route }) => {
      const line = route.location!.line - 1;
      const problems = routeFindings(app, route, findings).length;
      const n = route.chain.length - 1;
      const title = `${n} middleware${problems ? ` · ${problems} problem${problems === 1 ? '' : 's'}` : ''} — Show chain`;
      return new vscode.CodeLens(new vscode.Range(line, 0, line, 0), {
        title,
        command: 'mwchain.showChain',
        arguments: [{ root, app: app.id, method: route.method, path: route.path }],
      });
    });
  }

  provideHover(doc: vscode.TextDocument, pos: vscode.Position): vscode.Hover | undefined {
    const hit = routesIn(this.host, doc).find((r) => r.route.location!.line - 1 === pos.line);
    if (!hit) return undefined;
    const { route } = hit;
    const md = new vscode.MarkdownString(undefined, true);
    md.appendMarkdown(`**${escape(route.method)} ${escape(route.path)}** runs, in order:\n\n`);
    route.chain.forEach((it, i) =>
      md.appendMarkdown(
        `${i + 1}. \`${escape(it.name)}\` _${it.kind}${it.conditional ? ', conditional' : ''}_\n`,
      ),
    );
    if (route.errorChain.length) {
      md.appendMarkdown(`\nOn error:\n\n`);
      route.errorChain.forEach((it, i) => md.appendMarkdown(`${i + 1}. \`${escape(it.name)}\`\n`));
    }
    return new vscode.Hover(md);
  }

  dispose(): void {
    this.changed.dispose();
  }
}

function escape(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}
