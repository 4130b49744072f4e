// Koa dispatch, statically. koa-compose runs the app's middleware in registration order; a
// router's routes() runs, for a request, every layer of the router whose path matches (its
// `use` layers only when some route of it matches path and method), each route layer preceded by
// its param callbacks; koa-mount runs its target only under its path. An error unwinds back
// through the middleware that awaited next(): it reaches the try/await next() boundaries before
// it in the chain, innermost first.
import { itemOf } from '../front-end';
import type { RouteModel } from '../express/express-chains';
import { KOA_MIDDLEWARE } from '../flow/convention';
import type { Registration, Role } from '../lint-model';
import type { Item, ItemKind, Route } from '../model';
import {
  compileMount,
  compilePattern,
  joinPath,
  paramNames,
  pathText,
  sampleOf,
  type FullPath,
} from '../paths';
import type { Container, Entry, Layer } from '../values';
import { isBoundary } from './boundary';
import { cannotCallNext, KOA_PARAM, type KoaRegistry } from './koa-registry';

/** An app-level middleware (or one of a mounted sub-app), under its koa-mount path. */
interface Plain {
  t: 'plain';
  entry: Entry;
  mount: FullPath;
  cond: boolean;
  container: Container;
  layer: Layer;
}

interface ParamDef {
  name: string;
  entry: Entry;
  cond: boolean;
  mount: FullPath;
  container: Container;
}

/** One layer of a router as its routes() sees it: prefixes joined, nested routers flattened. */
interface RouterLayer {
  t: 'use' | 'route';
  layer: Layer;
  method: string;
  /** the route pattern, or the `use` mount. */
  path: FullPath;
  /** the mount its items show: the router's prefix, or the `use` path. */
  mount: FullPath;
  entries: Entry[];
  params: ParamDef[];
  cond: boolean;
  container: Container;
}

/** One `app.use(router.routes())`: dispatches to the router's matching layers. */
interface Group {
  t: 'group';
  layers: RouterLayer[];
}

type Step = Plain | Group;

interface Link {
  entry: Entry;
  kind: ItemKind;
  mount: FullPath;
  cond: boolean;
}

export const isKoaBoundary = (e: Entry): boolean => !!e.fn && isBoundary(e.fn.node);

export function koaRoutes(
  app: Container,
  reg: KoaRegistry,
  wrapsLoc: (e: Entry) => Item['wraps'],
): { routes: RouteModel[]; order: Registration[] } {
  const steps = dispatchOrder(app, reg);
  const item = (l: Link): Item => itemOf(l.entry, l.kind, pathText(l.mount), l.cond, wrapsLoc);
  const routes: RouteModel[] = [];
  const route = (
    json: Omit<Route, 'chain' | 'errorChain'>,
    chain: Link[],
    container: Container,
    layer: Layer,
  ) => {
    // an error unwinds through the boundaries that awaited next() before it, innermost first
    const errs = chain
      .slice(0, -1)
      .filter((l) => l.kind !== 'param' && isKoaBoundary(l.entry))
      .reverse()
      .map((l): Link => ({ ...l, kind: 'errorHandler' }));
    routes.push({
      json: { ...json, chain: chain.map(item), errorChain: errs.map(item) },
      chain: chain.map((l) => l.entry),
      errorChain: errs.map((l) => l.entry),
      container,
      layer,
    });
  };

  steps.forEach((step, i) => {
    if (step.t === 'plain') {
      if (!cannotCallNext(step.entry)) return;
      const chain = plainsBefore(steps, i, step.mount);
      chain.push({ entry: step.entry, kind: 'handler', mount: step.mount, cond: step.cond });
      route(
        { method: 'ALL', path: pathText(step.mount), location: step.entry.registeredAt, catchAll: true },
        chain,
        step.container,
        step.layer,
      );
      return;
    }
    step.layers.forEach((own, j) => {
      if (own.t !== 'route') return;
      const chain: Link[] = [];
      const seen = new Set<Entry>();
      for (const s of steps.slice(0, i)) {
        if (s.t === 'plain') {
          if (covers(s.mount, own.path)) chain.push(link(s.entry, 'middleware', s.mount, s.cond));
        } else if (s.layers.some((l) => l.t === 'route' && runsFor(l, own))) {
          for (const l of s.layers) if (runsFor(l, own)) chain.push(...layerLinks(l, seen, false));
        }
      }
      for (const l of step.layers.slice(0, j)) if (runsFor(l, own)) chain.push(...layerLinks(l, seen, false));
      chain.push(...layerLinks(own, seen, true));
      const json: Omit<Route, 'chain' | 'errorChain'> = {
        method: own.method,
        path: pathText(own.path),
        location: own.layer.type === 'unresolved' ? undefined : own.layer.at,
      };
      if (own.path.some((s) => s.kind === 'unresolved')) json.unresolved = 'the path is computed at run time';
      route(json, chain, own.container, own.layer);
    });
  });

  // An app of middleware only, none of which ends the request: its one route is the whole stack.
  if (routes.length === 0) {
    const plains = steps.filter((s): s is Plain => s.t === 'plain');
    if (plains.length) {
      const chain = plains.map((s, k) =>
        link(s.entry, k === plains.length - 1 ? 'handler' : 'middleware', s.mount, s.cond),
      );
      route({ method: 'ALL', path: '/', location: app.createdAt }, chain, app, plains[0]!.layer);
    }
  }
  return { routes, order: registrations(steps) };
}

function link(entry: Entry, kind: ItemKind, mount: FullPath, cond: boolean): Link {
  return { entry, kind, mount, cond };
}

/** The app-level middleware before step `i` that run under `mount`. */
function plainsBefore(steps: Step[], i: number, mount: FullPath): Link[] {
  const out: Link[] = [];
  for (const s of steps.slice(0, i))
    if (s.t === 'plain' && covers(s.mount, mount)) out.push(link(s.entry, 'middleware', s.mount, s.cond));
  return out;
}

/** Param callbacks of a layer (once per request: @koa/router skips one that already ran), then its functions. */
function layerLinks(l: RouterLayer, seen: Set<Entry>, own: boolean): Link[] {
  const out: Link[] = [];
  for (const name of paramNames(l.path)) {
    for (const p of l.params) {
      if (p.name !== name || seen.has(p.entry)) continue;
      seen.add(p.entry);
      out.push(link(p.entry, 'param', p.mount, p.cond));
    }
  }
  l.entries.forEach((e, k) => {
    const kind = own && k === l.entries.length - 1 ? 'handler' : 'middleware';
    out.push(link(e, kind, l.mount, l.cond));
  });
  return out;
}

function covers(mount: FullPath, route: FullPath): boolean {
  return compileMount(mount).test(sampleOf(route));
}

/** Does router layer `l` run for a request that route layer `route` matches? */
function runsFor(l: RouterLayer, route: RouterLayer): boolean {
  if (l === route) return false;
  if (l.t === 'use') return covers(l.path, route.path);
  return methodCovers(l.method, route.method) && compilePattern(l.path).test(sampleOf(route.path));
}

function methodCovers(layerMethod: string, method: string): boolean {
  return layerMethod === 'ALL' || layerMethod === method || (layerMethod === 'GET' && method === 'HEAD');
}

// ---- dispatch order ----------------------------------------------------------------------

/** The app's middleware in koa-compose order, routers as groups of their flattened layers. */
export function dispatchOrder(app: Container, reg: KoaRegistry): Step[] {
  const out: Step[] = [];
  flattenApp(app, [], undefined, false, new Set([app]), reg, out);
  return out;
}

function flattenApp(
  c: Container,
  prefix: FullPath,
  via: Entry | undefined,
  cond: boolean,
  visiting: Set<Container>,
  reg: KoaRegistry,
  out: Step[],
): void {
  for (const layer of reg.layersOf(c, via)) {
    if (layer.type !== 'use') continue;
    // only a koa-mount container has a path on its `use` layer
    const base = layer.paths?.[0] ? joinPath(prefix, layer.paths[0]) : prefix;
    const lc = cond || layer.conditional;
    for (const e of layer.entries) {
      if (reg.isAllowedMethods(e)) continue;
      const ec = lc || e.conditional;
      const sub = e.container;
      if (!sub) {
        out.push({ t: 'plain', entry: e, mount: base, cond: ec, container: c, layer });
        continue;
      }
      if (visiting.has(sub)) continue;
      visiting.add(sub);
      if (sub.kind === 'router' && !reg.mounts.has(sub)) {
        out.push({ t: 'group', layers: flattenRouter(sub, base, e, [], ec, visiting, reg) });
      } else {
        flattenApp(sub, base, e, ec, visiting, reg, out);
      }
      visiting.delete(sub);
    }
  }
}

function flattenRouter(
  r: Container,
  outer: FullPath,
  via: Entry | undefined,
  inherited: ParamDef[],
  cond: boolean,
  visiting: Set<Container>,
  reg: KoaRegistry,
): RouterLayer[] {
  const pre = reg.prefixes.get(r);
  const base = pre ? joinPath(outer, pre) : outer;
  const layers = reg.layersOf(r, via);
  // a router's own param callbacks come first, then those of the routers it is nested in
  const params: ParamDef[] = [];
  for (const l of layers) {
    if (l.type !== 'param') continue;
    for (const name of l.names)
      for (const entry of l.entries)
        params.push({ name, entry, cond: cond || l.conditional, mount: base, container: r });
  }
  params.push(...inherited);
  const out: RouterLayer[] = [];
  for (const l of layers) {
    if (l.type === 'route') {
      for (const p of l.paths) {
        out.push({
          t: 'route',
          layer: l,
          method: l.method,
          path: joinPath(base, p),
          mount: base,
          entries: l.entries,
          params,
          cond: cond || l.conditional || !!p.conditional,
          container: r,
        });
      }
    } else if (l.type === 'use') {
      for (const p of l.paths ?? [null]) {
        const at = p ? joinPath(base, p) : base;
        const lc = cond || l.conditional || !!p?.conditional;
        let plain: Entry[] = [];
        const flush = () => {
          if (plain.length)
            out.push({
              t: 'use',
              layer: l,
              method: 'ALL',
              path: at,
              mount: at,
              entries: plain,
              params,
              cond: lc,
              container: r,
            });
          plain = [];
        };
        for (const e of l.entries) {
          if (reg.isAllowedMethods(e)) continue;
          const sub = e.container;
          if (sub && sub.kind === 'router' && !reg.mounts.has(sub)) {
            flush();
            if (visiting.has(sub)) continue;
            visiting.add(sub);
            out.push(...flattenRouter(sub, at, e, params, lc || e.conditional, visiting, reg));
            visiting.delete(sub);
          } else {
            plain.push(e);
          }
        }
        flush();
      }
    }
  }
  return out;
}

// ---- registrations for rules -------------------------------------------------------------

function registrations(steps: Step[]): Registration[] {
  const order: Registration[] = [];
  const push = (
    entry: Entry,
    role: Role,
    path: FullPath,
    exact: boolean,
    method: string,
    container: Container,
  ) =>
    order.push({
      entry,
      role,
      convention: role === 'param' ? KOA_PARAM : KOA_MIDDLEWARE,
      path,
      exact,
      method,
      container,
    });
  const roleOf = (e: Entry, last: boolean): Role =>
    isKoaBoundary(e) ? 'errorHandler' : last ? 'handler' : 'middleware';
  for (const s of steps) {
    if (s.t === 'plain') {
      const role = isKoaBoundary(s.entry)
        ? 'errorHandler'
        : cannotCallNext(s.entry)
          ? 'catchAll'
          : 'middleware';
      push(s.entry, role, s.mount, false, 'ALL', s.container);
      continue;
    }
    const seen = new Set<Entry>();
    for (const l of s.layers) {
      for (const p of l.params) {
        if (seen.has(p.entry) || !paramNames(l.path).includes(p.name)) continue;
        seen.add(p.entry);
        push(p.entry, 'param', p.mount, false, 'ALL', p.container);
      }
      l.entries.forEach((e, k) => {
        const last = l.t === 'route' && k === l.entries.length - 1;
        push(
          e,
          l.t === 'route' && last ? 'handler' : roleOf(e, false),
          l.path,
          l.t === 'route',
          l.method,
          l.container,
        );
      });
    }
  }
  return order;
}
