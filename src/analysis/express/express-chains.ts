// Express dispatch, statically: walks the registrations of an app in the order Express tries its
// layers and gives every route the chain a matching request runs and the error handlers its
// errors reach. Express skips 4-argument functions for normal requests and everything else for
// errors; a mounted router or sub-app passes errors on to its parent, never to a sibling.
import type { Item, ItemKind, Route } from '../model';
import { isRoot, joinPath, mountCovers, paramNames, pathText, patternCovers, type FullPath } from '../paths';
import { hasRestParam } from '../entries';
import type { Container, Entry, Layer } from '../values';

/** A route with the entries behind its items, for rules. */
export interface RouteModel {
  json: Route;
  chain: Entry[];
  errorChain: Entry[];
  container: Container;
  layer: Layer;
}

interface Step {
  entry: Entry;
  item: Item;
  /** full mount path (use) or full route pattern (route). */
  path: FullPath;
  exact: boolean;
  method: string;
}

interface Frame {
  container: Container;
  layerIndex: number;
  prefix: FullPath;
}

export function isErrorHandler(e: Entry): boolean {
  return e.arity === 4;
}

/** A `use`d function that cannot call next: it ends every request it matches. */
export function isCatchAll(e: Entry): boolean {
  return (
    e.fn !== undefined &&
    !e.wraps &&
    (e.arity ?? 3) < 3 &&
    e.fn.node.parameters.length < 3 &&
    !hasRestParam(e.fn)
  );
}

export function item(e: Entry, kind: ItemKind, mount: FullPath, conditional: boolean): Item {
  const it: Item = {
    name: e.name,
    kind,
    registeredAt: e.registeredAt,
    definedAt: e.definedAt,
    mount: pathText(mount),
    conditional: conditional || e.conditional,
  };
  if (e.unresolved) it.unresolved = e.unresolved;
  return it;
}

export function expressRoutes(app: Container, wrapsLoc: (e: Entry) => Item['wraps']): RouteModel[] {
  const routes: RouteModel[] = [];
  const steps: Step[] = [];
  const mk = (e: Entry, kind: ItemKind, mount: FullPath, conditional: boolean): Item => {
    const it = item(e, kind, mount, conditional);
    const w = wrapsLoc(e);
    if (w) it.wraps = w;
    return it;
  };

  const walk = (
    c: Container,
    prefix: FullPath,
    ancestry: Frame[],
    conditional: boolean,
    visiting: Set<Container>,
  ): void => {
    c.layers.forEach((layer, layerIndex) => {
      const cond = conditional || (layer.type !== 'unresolved' && layer.conditional);
      if (layer.type === 'use') {
        for (const mountPath of layer.paths ?? [{ kind: 'string' as const, text: '/' }]) {
          const full = joinPath(prefix, mountPath);
          for (const e of layer.entries) {
            if (e.container) {
              if (!visiting.has(e.container)) {
                visiting.add(e.container);
                walk(
                  e.container,
                  full,
                  [...ancestry, { container: c, layerIndex, prefix }],
                  cond || e.conditional,
                  visiting,
                );
                visiting.delete(e.container);
              }
            } else if (isErrorHandler(e)) {
              // reached through errorHandlersAfter
            } else if (isCatchAll(e)) {
              const route: Route = {
                method: 'ALL',
                path: pathText(full),
                chain: [],
                errorChain: [],
                catchAll: true,
              };
              const before = steps.filter((s) => covers(s, 'ALL', full));
              route.chain = [...before.map((s) => s.item), mk(e, 'handler', full, cond)];
              const frames = [...ancestry, { container: c, layerIndex, prefix }];
              const errs = errorHandlersAfter(frames, full);
              route.errorChain = errs.map((x) => mk(x.entry, 'errorHandler', x.mount, x.cond));
              routes.push({
                json: route,
                chain: [...before.map((s) => s.entry), e],
                errorChain: errs.map((x) => x.entry),
                container: c,
                layer,
              });
            } else {
              const it = mk(e, 'middleware', full, cond);
              steps.push({ entry: e, item: it, path: full, exact: false, method: 'ALL' });
            }
          }
        }
      } else if (layer.type === 'route') {
        for (const p of layer.paths) {
          const full = joinPath(prefix, p);
          const before = steps.filter((s) => covers(s, layer.method, full));
          const params = paramEntries(c, full, p);
          const own = layer.entries.filter((e) => !isErrorHandler(e));
          const ownErr = layer.entries.filter(isErrorHandler);
          const frames = [...ancestry, { container: c, layerIndex, prefix }];
          const errs = errorHandlersAfter(frames, full);
          const json: Route = {
            method: layer.method,
            path: pathText(full),
            chain: [
              ...before.map((s) => s.item),
              ...params.map((x) => mk(x.entry, 'param', prefix, cond || x.cond)),
              ...own.map((e, i) => mk(e, i === own.length - 1 ? 'handler' : 'middleware', prefix, cond)),
            ],
            errorChain: [
              ...ownErr.map((e) => mk(e, 'errorHandler', prefix, cond)),
              ...errs.map((x) => mk(x.entry, 'errorHandler', x.mount, x.cond)),
            ],
          };
          if (full.some((s) => s.kind === 'unresolved')) json.unresolved = 'the path is computed at run time';
          routes.push({
            json,
            chain: [...before.map((s) => s.entry), ...params.map((x) => x.entry), ...own],
            errorChain: [...ownErr, ...errs.map((x) => x.entry)],
            container: c,
            layer,
          });
          // In a later route's chain these run as pass-through middleware (they called next).
          for (const e of own)
            steps.push({
              entry: e,
              item: mk(e, 'middleware', prefix, cond),
              path: full,
              exact: true,
              method: layer.method,
            });
        }
      }
    });
  };

  walk(app, [], [], false, new Set([app]));
  return routes;
}

function covers(s: Step, method: string, route: FullPath): boolean {
  if (s.method !== 'ALL' && s.method !== method && !(s.method === 'GET' && method === 'HEAD')) return false;
  return s.exact ? patternCovers(s.path, route) : mountCovers(s.path, route);
}

function paramEntries(
  c: Container,
  full: FullPath,
  local: { text: string },
): { entry: Entry; cond: boolean }[] {
  const names = paramNames([{ kind: 'string', text: local.text }]);
  const out: { entry: Entry; cond: boolean }[] = [];
  if (names.length === 0 || full.length === 0) return out;
  for (const name of names) {
    for (const layer of c.layers) {
      if (layer.type === 'param' && layer.names.includes(name)) {
        for (const entry of layer.entries) out.push({ entry, cond: layer.conditional });
      }
    }
  }
  return out;
}

/** Error handlers after the route in its router, then after each mount point going outwards. */
function errorHandlersAfter(
  frames: Frame[],
  route: FullPath,
): { entry: Entry; mount: FullPath; cond: boolean }[] {
  const out: { entry: Entry; mount: FullPath; cond: boolean }[] = [];
  for (let f = frames.length - 1; f >= 0; f--) {
    const { container, layerIndex, prefix } = frames[f]!;
    for (const layer of container.layers.slice(layerIndex + 1)) {
      if (layer.type !== 'use') continue;
      for (const mountPath of layer.paths ?? [{ kind: 'string' as const, text: '/' }]) {
        const full = joinPath(prefix, mountPath);
        if (!isRoot(full) && !mountCovers(full, route)) continue;
        for (const e of layer.entries)
          if (isErrorHandler(e))
            out.push({ entry: e, mount: full, cond: layer.conditional || e.conditional });
      }
    }
  }
  return out;
}
