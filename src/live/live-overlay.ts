// Relates what ran (a LiveSnapshot, keyed by V8's function locations) to the static model
// (items keyed by their definedAt), for the tree and the graph. No `vscode` here.
//
// The two locations differ: the static `definedAt` is the function's name (`function auth`,
// `const auth = (...) =>`, `{ auth(...) {} }`), or the function itself when it has none;
// V8 reports where the function starts as it parsed it: the `(` of the parameters for
// `function f(...)` and methods, the first token of an arrow (`(`, its parameter, or `async`).
// Both are 1-based, the static file relative to the folder, V8's absolute. So a runtime
// function matches the static one in the same file on the same line that starts closest before
// it; else (a declaration over several lines) one of the same name a few lines above; else one
// of the same name in the file. Package middleware (`express.json()`, or `asyncHandler(fn)`,
// which runs as the package's wrapper) is found, within a route's chain, by its position among
// the items that matched.
import type { AppGraph, Item, Loc, Route } from '../analysis/model';
import type { ExitOutcome } from '../protocol/agent-messages';
import type { LiveMiddleware, LiveRequest, LiveSnapshot } from './live-model';
import { methodMatches, pathMatcher, pathnameOf } from './route-paths';

/** A function of the static model: where it is defined and what it is called. */
export interface StaticFunction {
  loc: Loc;
  name: string;
}

/** What the views show for a route: its recent requests, newest first. */
export interface RouteLive {
  requests: LiveRequest[];
  last: LiveRequest;
}

/** How many lines a declaration may span between its name and V8's start of the function. */
const SPAN = 5;
const NO_KEYS: ReadonlySet<string> = new Set();

const overlays = new WeakMap<LiveSnapshot, LiveOverlay>();

export class LiveOverlay {
  private readonly apps = new WeakMap<AppGraph, Map<string, AppIndex>>();

  constructor(readonly snapshot: LiveSnapshot) {}

  /** The overlay of `snapshot`, shared by the views that show the same one. */
  static of(snapshot: LiveSnapshot): LiveOverlay {
    let overlay = overlays.get(snapshot);
    if (!overlay) overlays.set(snapshot, (overlay = new LiveOverlay(snapshot)));
    return overlay;
  }

  get empty(): boolean {
    return this.snapshot.sessions === 0 || this.snapshot.middleware.length === 0;
  }

  /** The static function a runtime middleware ran as, among `app`'s; undefined when none. */
  staticOf(root: string, app: AppGraph, m: LiveMiddleware): StaticFunction | undefined {
    return this.index(root, app).staticOf.get(m.key);
  }

  /** A name for the views: the static function's for what ran as one, else the runtime name. */
  nameOf(root: string, app: AppGraph): (step: { key: string; name: string }) => string {
    const index = this.index(root, app);
    return (step) => index.staticOf.get(step.key)?.name ?? step.name;
  }

  /** What ran of the function defined at `loc` (several runtime functions merged). */
  forLoc(root: string, app: AppGraph, loc: Loc | null | undefined): LiveMiddleware | undefined {
    if (!loc) return undefined;
    return merge(this.index(root, app).runtimeOf.get(locKey(loc)) ?? []);
  }

  /**
   * What ran of a chain item: by its function's location; for package middleware, by its
   * position in `route`'s recent requests.
   */
  item(root: string, app: AppGraph, item: Item, route?: Route): LiveMiddleware | undefined {
    const found = this.forLoc(root, app, item.definedAt);
    if (found || !route) return found;
    const index = this.index(root, app);
    const at = [...route.chain, ...route.errorChain].indexOf(item);
    const key = at < 0 ? undefined : index.aligned(route)[at];
    return key === undefined ? undefined : index.runtime.get(key);
  }

  /** The recent requests for `route`, newest first; undefined when none. */
  route(root: string, app: AppGraph, route: Route): RouteLive | undefined {
    const requests = this.requests(root, app, route);
    return requests.length ? { requests, last: requests[0]! } : undefined;
  }

  private requests(root: string, app: AppGraph, route: Route): LiveRequest[] {
    return this.index(root, app).routeRequests().get(route) ?? [];
  }

  private index(root: string, app: AppGraph): AppIndex {
    let byRoot = this.apps.get(app);
    if (!byRoot) this.apps.set(app, (byRoot = new Map()));
    let index = byRoot.get(root);
    if (!index) byRoot.set(root, (index = new AppIndex(normRoot(root), app, this.snapshot)));
    return index;
  }
}

/** Every function the static model has for `app`: chain items and registrations. */
export function staticFunctions(app: AppGraph): StaticFunction[] {
  const out = new Map<string, StaticFunction>();
  const add = (loc: Loc | null | undefined, name: string) => {
    if (loc && !out.has(locKey(loc))) out.set(locKey(loc), { loc, name });
  };
  for (const r of app.routes) for (const it of [...r.chain, ...r.errorChain]) add(it.definedAt, it.name);
  const walk = (nodes: AppGraph['tree']) => {
    for (const n of nodes) {
      if (n.type !== 'app' && n.type !== 'router' && n.type !== 'route' && n.type !== 'unresolved')
        add(n.definedAt, n.name);
      if (n.children) walk(n.children);
    }
  };
  walk(app.tree);
  return [...out.values()];
}

/**
 * The static function a runtime one is, among `fns` of the folder `root`: same file, then the
 * same line starting closest before it, else the same name just above, else the same name.
 */
export function matchRuntime(
  root: string,
  fns: StaticFunction[],
  m: Pick<LiveMiddleware, 'name' | 'definedAt'>,
): StaticFunction | undefined {
  return matcher(normRoot(root), fns)(m);
}

function matcher(
  root: string,
  fns: StaticFunction[],
): (m: Pick<LiveMiddleware, 'name' | 'definedAt'>) => StaticFunction | undefined {
  const byFile = new Map<string, StaticFunction[]>();
  const fold = /^[a-z]:\//.test(root); // normPath folded the case of a Windows path
  for (const f of fns) {
    let rel = normPath(f.loc.file).replace(/^\.\//, '');
    if (fold) rel = rel.toLowerCase();
    const list = byFile.get(rel) ?? [];
    list.push(f);
    byFile.set(rel, list);
  }
  const base = root.slice(root.lastIndexOf('/') + 1);
  const inFile = (file: string): StaticFunction[] | undefined => {
    const abs = normPath(file);
    if (abs.startsWith(root + '/')) return byFile.get(abs.slice(root.length + 1));
    // the folder reached through a symbolic link: the same folder name and relative path
    for (const [rel, list] of byFile) if (base && abs.endsWith(`/${base}/${rel}`)) return list;
    return undefined;
  };
  return (m) => {
    const candidates = inFile(m.definedAt.file);
    if (!candidates) return undefined;
    const { line, column } = m.definedAt;
    const sameLine = candidates.filter((f) => f.loc.line === line);
    if (sameLine.length) {
      const before = sameLine.filter((f) => f.loc.column <= column);
      const pool = before.length ? before : sameLine;
      return pool.reduce((a, b) =>
        Math.abs(column - b.loc.column) < Math.abs(column - a.loc.column) ? b : a,
      );
    }
    const named = candidates.filter((f) => f.name === m.name && m.name !== '<anonymous>');
    const above = named.filter((f) => f.loc.line < line && f.loc.line >= line - SPAN);
    const pool = above.length ? above : named;
    if (!pool.length) return undefined;
    return pool.reduce((a, b) => (Math.abs(line - b.loc.line) < Math.abs(line - a.loc.line) ? b : a));
  };
}

class AppIndex {
  /** runtime key -> its middleware. */
  readonly runtime = new Map<string, LiveMiddleware>();
  /** runtime key -> the static function it ran as. */
  readonly staticOf = new Map<string, StaticFunction>();
  /** static location key -> the runtime functions that ran as it. */
  readonly runtimeOf = new Map<string, LiveMiddleware[]>();
  private byRoute: Map<Route, LiveRequest[]> | undefined;
  private readonly keys = new Map<string, Set<string>>();
  private readonly alignments = new Map<Route, (string | undefined)[]>();

  constructor(
    root: string,
    private readonly app: AppGraph,
    private readonly snapshot: LiveSnapshot,
  ) {
    const match = matcher(root, staticFunctions(app));
    for (const m of snapshot.middleware) {
      this.runtime.set(m.key, m);
      const f = match(m);
      if (!f) continue;
      this.staticOf.set(m.key, f);
      const k = locKey(f.loc);
      const list = this.runtimeOf.get(k) ?? [];
      list.push(m);
      this.runtimeOf.set(k, list);
    }
  }

  /** The runtime keys a static location ran as. */
  keysOf(loc: Loc | null | undefined): ReadonlySet<string> {
    if (!loc) return NO_KEYS;
    const k = locKey(loc);
    let keys = this.keys.get(k);
    if (!keys) this.keys.set(k, (keys = new Set((this.runtimeOf.get(k) ?? []).map((m) => m.key))));
    return keys;
  }

  /** Per item of `route` (chain, then error chain): the runtime key it last ran as. */
  aligned(route: Route): (string | undefined)[] {
    let out = this.alignments.get(route);
    if (out) return out;
    const items = [...route.chain, ...route.errorChain];
    out = items.map(() => undefined);
    let missing = items.length;
    for (const request of this.routeRequests().get(route) ?? []) {
      align(items, request, this).forEach((key, i) => {
        if (key !== undefined && out![i] === undefined) {
          out![i] = key;
          missing--;
        }
      });
      if (missing === 0) break;
    }
    this.alignments.set(route, out);
    return out;
  }

  /**
   * Recent requests per route: method and path must match (or, for a path that cannot be read,
   * the route's handler ran); among several routes, the ones whose handler ran win, and a
   * catch-all only takes what no other route does.
   */
  routeRequests(): Map<Route, LiveRequest[]> {
    if (this.byRoute) return this.byRoute;
    this.byRoute = new Map();
    const routes = this.app.routes.map((route) => ({
      route,
      path: pathMatcher(route.path, !!route.catchAll),
      handler: this.keysOf(route.chain.at(-1)?.definedAt),
    }));
    for (const request of this.snapshot.requests) {
      const keys = new Set(request.steps.map((s) => s.key));
      // a request that ran code of the workspace, none of it this app's, is another app's
      if (![...keys].some((k) => this.staticOf.has(k)) && request.steps.some((s) => !isPackage(s.key)))
        continue;
      const pathname = pathnameOf(request.url);
      const ran = (r: (typeof routes)[number]) => [...r.handler].some((k) => keys.has(k));
      let chosen = routes.filter(
        (r) => methodMatches(r.route.method, request.method) && (r.path ? r.path(pathname) : ran(r)),
      );
      const reached = chosen.filter(ran);
      if (reached.length) chosen = reached;
      else if (chosen.some((r) => !r.route.catchAll)) chosen = chosen.filter((r) => !r.route.catchAll);
      for (const r of chosen) {
        const list = this.byRoute.get(r.route) ?? [];
        list.push(request);
        this.byRoute.set(r.route, list);
      }
    }
    return this.byRoute;
  }
}

/**
 * For each item of a route (chain then error chain), the runtime key it ran as in `request`:
 * items whose function ran take the next step that ran as it; any other item (package
 * middleware, or a package wrapper such as `asyncHandler(fn)`, whose static location is `fn`'s)
 * takes the next step when that step is no static function of the app.
 */
function align(items: Item[], request: LiveRequest, index: AppIndex): (string | undefined)[] {
  const out: (string | undefined)[] = [];
  let j = 0;
  for (const it of items) {
    const keys = index.keysOf(it.definedAt);
    if (keys.size) {
      let k = j;
      while (k < request.steps.length && !keys.has(request.steps[k]!.key)) k++;
      if (k < request.steps.length) {
        out.push(request.steps[k]!.key);
        j = k + 1;
      } else out.push(undefined);
    } else if (j < request.steps.length && !index.staticOf.has(request.steps[j]!.key)) {
      out.push(request.steps[j]!.key);
      j++;
    } else out.push(undefined);
  }
  return out;
}

function merge(list: LiveMiddleware[]): LiveMiddleware | undefined {
  if (list.length <= 1) return list[0];
  const latest = list.reduce((a, b) => (b.lastAt > a.lastAt ? b : a));
  const outcomes = { next: 0, response: 0, error: 0, pending: 0 } as Record<ExitOutcome, number>;
  for (const m of list) for (const o of Object.keys(outcomes) as ExitOutcome[]) outcomes[o] += m.outcomes[o];
  return {
    ...latest,
    count: list.reduce((n, m) => n + m.count, 0),
    outcomes,
    stops: list
      .flatMap((m) => m.stops)
      .sort((a, b) => b.t - a.t)
      .slice(0, Math.max(...list.map((m) => m.stops.length))),
  };
}

const isPackage = (key: string): boolean => /[\\/]node_modules[\\/]/.test(key);

export const locKey = (l: Loc): string => `${normPath(l.file)}:${l.line}:${l.column}`;

const normRoot = (root: string): string => normPath(root).replace(/\/+$/, '');

/** Forward slashes, no `file://`; on Windows (a drive letter), case folded. */
function normPath(p: string): string {
  let s = p;
  if (s.startsWith('file://')) {
    try {
      s = decodeURIComponent(new URL(s).pathname).replace(/^\/([a-zA-Z]:)/, '$1');
    } catch {
      // leave it as it is
    }
  }
  s = s.replace(/\\/g, '/');
  return /^[a-zA-Z]:\//.test(s) ? s.toLowerCase() : s;
}
