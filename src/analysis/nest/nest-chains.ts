// Nest's request pipeline, statically. A route's chain is: global middleware (`app.use`, run by
// the HTTP adapter first), module middleware (`consumer.apply(...).forRoutes(...)`, modules in
// distance order from the root module, each `apply` in call order), then guards, interceptors
// and pipes, each global (`useGlobal*`, then `APP_*` providers), controller, route (pipes last:
// parameter pipes), then the handler. The error chain is the exception filters, nearest first:
// route, controller, global (Nest reverses the concatenated list and takes the first that catches).
//
// Middleware paths follow Nest 10's Express adapter: a path of `forRoutes('cats')` (method ALL)
// is mounted with `use`, so it covers `/cats` and everything under it; `{ path, method }` and a
// controller are registered per method, matching the route exactly; `exclude` is an exact match.
// Both are relative to the global prefix.
import { itemOf } from '../front-end';
import type { RouteModel } from '../express/express-chains';
import { EXPRESS_MIDDLEWARE, type Convention } from '../flow/convention';
import type { Registration } from '../lint-model';
import type { Item, ItemKind, Route } from '../model';
import { mountCovers, patternCovers, type FullPath } from '../paths';
import type { Container, Entry, Layer } from '../values';
import {
  nestApp,
  type EnhancerKind,
  type NestApp,
  type NestController,
  type NestRoute,
  type RouteSelector,
} from './nest-model';

/** Nest's handlers, guards, pipes and filters are not called with (req, res, next): rules do not follow them. */
const NEST_MANAGED: Convention = { nextReturnsPromise: false, returnResponds: true };

/** `/`-joined, without empty or duplicate slashes: how Nest builds a route's path. */
export function joinNest(...parts: string[]): string {
  const segs = parts.map((p) => p.replace(/^\/+|\/+$/g, '')).filter((p) => p !== '');
  return '/' + segs.join('/');
}

const full = (text: string): FullPath => [{ kind: 'string', text }];

/** A path of `forRoutes`/`exclude` as an Express pattern: `*` and `(.*)` stand for anything. */
function selectorPattern(path: string): { mount: string; wildcard: boolean } {
  let p = joinNest(path.replace(/\(\.\*\)/g, '*'));
  let wildcard = false;
  while (p.endsWith('/*') || p === '/*' || p.endsWith('*')) {
    p = p.replace(/\/?\*$/, '') || '/';
    wildcard = true;
  }
  return { mount: p, wildcard };
}

interface Target {
  local: string;
  method: string;
  controller: NestController;
}

function methodMatches(selector: string, method: string): boolean {
  return selector === 'ALL' || selector === method || (selector === 'GET' && method === 'HEAD');
}

/** Does `forRoutes` (prefix) or `exclude` (exact) with this selector take the route? */
export function selects(s: RouteSelector, t: Target, mode: 'forRoutes' | 'exclude'): boolean {
  if (s.kind === 'unresolved') return false;
  if (s.kind === 'controller') return s.cls === t.controller.cls;
  if (!methodMatches(s.method, t.method)) return false;
  const { mount, wildcard } = selectorPattern(s.path);
  if ((mode === 'forRoutes' && s.method === 'ALL') || wildcard)
    return mountCovers(full(mount), full(t.local));
  return patternCovers(full(mount), full(t.local));
}

export function nestRoutes(
  c: Container,
  wrapsLoc: (e: Entry) => Item['wraps'],
): { routes: RouteModel[]; order: Registration[] } {
  const app = nestApp(c);
  const routes: RouteModel[] = [];
  const order: Registration[] = [];
  const item = (e: Entry, kind: ItemKind, mount: string, conditional = false): Item =>
    itemOf(e, kind, mount, conditional, wrapsLoc);

  for (const u of app.uses)
    for (const e of u.entries)
      order.push(reg(e, 'middleware', EXPRESS_MIDDLEWARE, u.path ?? '/', false, 'ALL', c));
  for (const m of app.modules)
    for (const cfg of m.middleware)
      for (const s of cfg.forRoutes)
        for (const e of cfg.entries) {
          const path =
            s.kind === 'path' ? joinNest(app.prefix?.path ?? '', selectorPattern(s.path).mount) : '/';
          order.push(reg(e, 'middleware', EXPRESS_MIDDLEWARE, path, false, 'ALL', c));
        }

  for (const m of app.modules) {
    for (const ctl of m.controllers) {
      for (const r of ctl.routes) {
        for (const prefix of ctl.prefixes) {
          for (const p of r.paths) {
            const local = joinNest(prefix, p);
            const t: Target = { local, method: r.method, controller: ctl };
            const path = joinNest(prefixFor(app, t), local);
            const chain: { e: Entry; it: Item }[] = [];
            for (const u of app.uses) {
              if (u.path !== null && !mountCovers(full(joinNest(u.path)), full(path))) continue;
              for (const e of u.entries)
                chain.push({ e, it: item(e, 'middleware', u.path ?? '/', u.conditional) });
            }
            for (const mod of app.modules)
              for (const cfg of mod.middleware) {
                const hit = cfg.forRoutes.find((s) => selects(s, t, 'forRoutes'));
                if (!hit || cfg.exclude.some((s) => selects(s, t, 'exclude'))) continue;
                const mount =
                  hit.kind === 'path' ? joinNest(hit.path) : hit.kind === 'controller' ? hit.name : hit.text;
                for (const e of cfg.entries)
                  chain.push({ e, it: item(e, 'middleware', mount, cfg.conditional) });
              }
            const ctlMount = joinNest(prefixFor(app, t), prefix);
            const stage = (kind: EnhancerKind, extra: Entry[] = []) => [
              ...app.globals[kind].map((e) => ({ e, it: item(e, kind, '/') })),
              ...app.modules
                .flatMap((mod) => mod.providerEnhancers[kind])
                .map((e) => ({ e, it: item(e, kind, '/') })),
              ...ctl.enhancers[kind].map((e) => ({ e, it: item(e, kind, ctlMount) })),
              ...[...r.enhancers[kind], ...extra].map((e) => ({ e, it: item(e, kind, path) })),
            ];
            chain.push(...stage('guard'), ...stage('interceptor'), ...stage('pipe', r.paramPipes));
            chain.push({ e: r.handler, it: item(r.handler, 'handler', path) });
            const errors = stage('filter').reverse();
            const json: Route = {
              method: r.method,
              path,
              location: r.at,
              chain: chain.map((x) => x.it),
              errorChain: errors.map((x) => x.it),
            };
            const why = r.unresolved ?? ctl.unresolved;
            if (why) json.unresolved = why;
            const layer: Layer = {
              type: 'route',
              method: r.method,
              paths: full(path),
              entries: [r.handler],
              at: r.at,
              conditional: false,
            };
            routes.push({
              json,
              chain: chain.map((x) => x.e),
              errorChain: errors.map((x) => x.e),
              container: c,
              layer,
            });
            order.push(reg(r.handler, 'handler', NEST_MANAGED, path, true, r.method, c));
          }
        }
      }
    }
  }
  // Exceptions end in a filter: the app's own, and Nest's built-in one, which answers
  // HttpExceptions with their status and anything else with a logged 500.
  const filters = [
    ...app.globals.filter,
    ...app.modules.flatMap((m) => m.providerEnhancers.filter),
    ...app.modules.flatMap((m) =>
      m.controllers.flatMap((ctl) => [
        ...ctl.enhancers.filter,
        ...ctl.routes.flatMap((r: NestRoute) => r.enhancers.filter),
      ]),
    ),
  ];
  const builtIn: Entry = {
    name: 'BaseExceptionFilter',
    registeredAt: c.createdAt,
    node: c.node,
    definedAt: null,
    conditional: false,
    arity: undefined,
    module: '@nestjs/core',
  };
  for (const f of [...new Set(filters), builtIn])
    order.push(reg(f, 'errorHandler', NEST_MANAGED, '*', true, 'ALL', c));
  return { routes, order };
}

/** A route's full path: the global prefix (unless excluded for it), the controller's, its own. */
export function routePath(
  app: NestApp,
  controller: NestController,
  method: string,
  prefix: string,
  p: string,
): string {
  const local = joinNest(prefix, p);
  return joinNest(prefixFor(app, { local, method, controller }), local);
}

/** The global prefix, unless `setGlobalPrefix(p, { exclude })` leaves the route out. */
function prefixFor(app: NestApp, t: Target): string {
  if (!app.prefix) return '';
  return app.prefix.exclude.some((s) => selects(s, t, 'exclude')) ? '' : app.prefix.path;
}

function reg(
  entry: Entry,
  role: Registration['role'],
  convention: Convention,
  path: string,
  exact: boolean,
  method: string,
  container: Container,
): Registration {
  return { entry, role, convention, path: full(path), exact, method, container };
}
