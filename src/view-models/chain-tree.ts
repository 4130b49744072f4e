// The sidebar tree as plain data: folders (multi-root) -> apps -> routes -> the chain in order,
// error handlers in their own group, unresolved registrations in theirs. No `vscode` here: the
// extension turns these nodes into TreeItems, and tests read them directly. While a debug
// session runs, a LiveOverlay adds what ran: counts and durations on items, where recent
// requests stopped, and each route's last request.
import type { AppGraph, Item, Loc, Route, TreeNode } from '../analysis/model';
import type { Finding } from '../lint/findings';
import type { LiveMiddleware } from '../live/live-model';
import { appFiles, appFindings, routeFindings } from './app-findings';
import type { LiveOverlay } from '../live/live-overlay';
import { countText, lastRequestText, middlewareLines, requestLine } from '../live/live-text';
import type { AnalysisResult } from '../protocol/analysis-messages';

export type ChainNodeKind = 'folder' | 'app' | 'route' | 'item' | 'errors' | 'unresolved' | 'note';

export interface ChainNode {
  /** stable across refreshes, so the tree keeps expansion and selection. */
  id: string;
  kind: ChainNodeKind;
  label: string;
  description?: string;
  tooltip?: string;
  /** a codicon id. */
  icon: string;
  /** the source to open: the function's definition, else where it is registered. */
  open?: { root: string; loc: Loc };
  problems: Finding[];
  /** for route nodes and their items: the route, for the graph view and commands. */
  route?: { root: string; app: string; method: string; path: string };
  /** for app nodes: the app, for the graph view. */
  app?: { root: string; app: string };
  /** live overlay: it ran in a debug session; `stopped` when a recent request stopped there. */
  live?: 'ran' | 'stopped';
  children: ChainNode[];
}

export interface FolderAnalysis {
  root: string;
  name: string;
  analysis: AnalysisResult;
}

const ICONS: Record<string, string> = {
  middleware: 'symbol-function',
  handler: 'symbol-event',
  param: 'symbol-parameter',
  errorHandler: 'error',
  unresolved: 'question',
};

/** The icon of a node where a recent request stopped. */
export const STOPPED_ICON = 'stop-circle';
/** Recent requests listed in a route's tooltip. */
const ROUTE_LINES = 5;

export function buildChainTree(folders: FolderAnalysis[], live?: LiveOverlay): ChainNode[] {
  const overlay = live && !live.empty ? live : undefined;
  const perFolder = folders.map((f) => folderNodes(f, overlay));
  if (folders.length === 1) return perFolder[0]!;
  return folders.map((f, i) => ({
    id: f.root,
    kind: 'folder' as const,
    label: f.name,
    icon: 'root-folder',
    problems: perFolder[i]!.flatMap((n) => n.problems),
    children: perFolder[i]!,
  }));
}

function folderNodes(f: FolderAnalysis, live: LiveOverlay | undefined): ChainNode[] {
  const findings = f.analysis.lint.findings;
  return f.analysis.graph.apps.map((app) => appNode(f.root, app, findings, live));
}

function appNode(root: string, app: AppGraph, findings: Finding[], live: LiveOverlay | undefined): ChainNode {
  const id = `${root}|${app.id}`;
  const files = appFiles(app);
  const routes = app.routes.map((r) => routeNode(root, app, r, routeFindings(app, r, findings, files), live));
  const unresolved = collect(app.tree, (n) => n.type === 'unresolved');
  const children = [...routes];
  if (unresolved.length) {
    children.push({
      id: `${id}|unresolved`,
      kind: 'unresolved',
      label: 'Not resolved statically',
      description: String(unresolved.length),
      icon: 'question',
      problems: [],
      children: unresolved.map((u, i) => ({
        id: `${id}|unresolved|${i}`,
        kind: 'item' as const,
        label: u.name,
        description: 'unresolved',
        tooltip: u.reason,
        icon: 'question',
        open: { root, loc: u.location },
        problems: [],
        children: [],
      })),
    });
  }
  return {
    id,
    kind: 'app',
    label: `${app.framework} app`,
    description: `${app.id}${app.frameworkVersion ? ` · ${app.framework} ${app.frameworkVersion}` : ''}`,
    tooltip: `${app.routes.length} routes`,
    icon: 'server-process',
    open: { root, loc: app.location },
    app: { root, app: app.id },
    problems: appFindings(app, findings, files),
    children,
  };
}

function routeNode(
  root: string,
  app: AppGraph,
  r: Route,
  /** The route's own findings (routeFindings). */
  problems: Finding[],
  live: LiveOverlay | undefined,
): ChainNode {
  const label = `${r.method} ${r.path}`;
  const id = `${root}|${app.id}|${label}`;
  const route = { root, app: app.id, method: r.method, path: r.path };
  const owner = ownerOf([...r.chain, ...r.errorChain]);
  const ran = (it: Item) => live?.item(root, app, it, r);
  const items = r.chain.map((it, i) =>
    itemNode(
      root,
      `${id}|${i}`,
      it,
      i + 1,
      route,
      problems.filter((p) => owner(p) === it),
      ran(it),
    ),
  );
  const children = [...items];
  if (r.errorChain.length) {
    children.push({
      id: `${id}|errors`,
      kind: 'errors',
      label: 'On error',
      description: String(r.errorChain.length),
      icon: 'debug-stackframe-dot',
      problems: [],
      route,
      children: r.errorChain.map((it, i) =>
        itemNode(
          root,
          `${id}|e${i}`,
          it,
          i + 1,
          route,
          problems.filter((p) => owner(p) === it),
          ran(it),
        ),
      ),
    });
  }
  const n = r.chain.length;
  const flags = [r.catchAll ? 'catch-all' : '', r.unresolved ? 'path computed at run time' : ''].filter(
    Boolean,
  );
  const requests = live?.route(root, app, r);
  const stopped = !!requests?.last.stoppedAt;
  const nameOf = live?.nameOf(root, app);
  return {
    id,
    kind: 'route',
    label,
    description: [
      `${n} ${n === 1 ? 'item' : 'items'}`,
      ...flags,
      problems.length ? problemsText(problems.length) : '',
      requests ? lastRequestText(requests.last, nameOf) : '',
    ]
      .filter(Boolean)
      .join(' · '),
    tooltip:
      [
        ...problems.map((p) => p.message),
        ...(requests ? requests.requests.slice(0, ROUTE_LINES).map((q) => requestLine(q, nameOf)) : []),
      ].join('\n') || undefined,
    icon: stopped ? STOPPED_ICON : problems.some((p) => p.severity === 'error') ? 'warning' : 'arrow-right',
    open: r.location ? { root, loc: r.location } : undefined,
    problems,
    route,
    live: requests ? (stopped ? 'stopped' : 'ran') : undefined,
    children,
  };
}

function itemNode(
  root: string,
  id: string,
  it: Item,
  n: number,
  route: ChainNode['route'],
  problems: Finding[],
  ran?: LiveMiddleware,
): ChainNode {
  const where = it.definedAt ?? it.registeredAt;
  const stopped = !!ran?.stops.length;
  const description = [
    it.kind,
    it.conditional ? 'conditional' : '',
    it.unresolved ? 'unresolved' : '',
    problems.length ? problemsText(problems.length) : '',
    ran ? countText(ran) : '',
  ]
    .filter(Boolean)
    .join(' · ');
  return {
    id,
    kind: 'item',
    label: `${n}. ${it.name}`,
    description,
    tooltip: [
      `${it.name} (${it.kind}${it.mount && it.mount !== '/' ? `, mounted at ${it.mount}` : ''})`,
      it.definedAt ? `defined at ${at(it.definedAt)}` : 'from a package',
      `registered at ${at(it.registeredAt)}`,
      it.unresolved ? `not resolved: ${it.unresolved}` : '',
      ...problems.map((p) => `${p.rule}: ${p.message}`),
      ...(ran ? middlewareLines(ran) : []),
    ]
      .filter(Boolean)
      .join('\n'),
    icon: stopped ? STOPPED_ICON : it.unresolved ? ICONS.unresolved! : (ICONS[it.kind] ?? 'symbol-function'),
    open: { root, loc: where },
    problems,
    route,
    live: ran ? (stopped ? 'stopped' : 'ran') : undefined,
    children: [],
  };
}

/** The item a finding is in: the one defined closest before it in the same file. */
function ownerOf(items: Item[]): (f: Finding) => Item | undefined {
  return (f) => {
    let best: Item | undefined;
    for (const it of items) {
      const d = it.definedAt;
      if (!d || d.file !== f.location.file || d.line > f.location.line) continue;
      if (!best || d.line > best.definedAt!.line) best = it;
    }
    return best;
  };
}

const problemsText = (n: number) => `${n} problem${n === 1 ? '' : 's'}`;
const at = (l: Loc) => `${l.file}:${l.line}:${l.column}`;

function collect(nodes: TreeNode[], keep: (n: TreeNode) => boolean, out: TreeNode[] = []): TreeNode[] {
  for (const n of nodes) {
    if (keep(n)) out.push(n);
    if (n.children) collect(n.children, keep, out);
  }
  return out;
}
