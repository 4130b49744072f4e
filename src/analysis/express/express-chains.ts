// Express dispatch, statically: walks the registrations of an app in the order Express tries its
// layers and gives every route the chain a matching request runs and the error handlers its
// errors reach. Express skips 4-argument functions for normal requests and everything else for
// errors; a mounted router or sub-app passes errors on to its parent, never to a sibling.
import type { Item, ItemKind, Route } from '../model';
import { hasRestParam } from '../entries';
import { isRoot, joinPath, mountCovers, paramNames, pathText, patternCovers, type FullPath } from '../paths';
import type { Container, Entry, Layer, PathSpec } from '../values';

/** A route with the entries behind its items, for rules. */
export interface RouteModel {
  json: Route;
  chain: Entry[];
  errorChain: Entry[];
  container: Container;
  layer: Layer;
}

/** Something a request may run on its way to a later route. */
interface Step {
  entry: Entry;
  /** a layer with a path array is still one layer: its functions run once per request. */
  layer: Layer;
  item: Item;
  /** full mount path (use, param) or full route pattern (route). */
  path: FullPath;
  exact: boolean;
  method: string;
}

interface Frame {
  container: Container;
  layerIndex: number;
  prefix: FullPath;
}

type Reached = { entry: Entry; mount: FullPath; cond: boolean };

const ROOT: PathSpec = { kind: 'string', text: '/' };

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

export function expressRoutes(app: Container, wrapsLoc: (e: Entry) => Item['wraps']): RouteModel[] {
  const routes: RouteModel[] = [];
  const steps: Step[] = [];
  const item = (e: Entry, kind: ItemKind, mount: FullPath, conditional: boolean): Item => {
    const it: Item = {
      name: e.name,
      kind,
      registeredAt: e.registeredAt,
      definedAt: e.definedAt,
      mount: pathText(mount),
      conditional: conditional || e.conditional,
    };
    const wraps = wrapsLoc(e);
    if (wraps) it.wraps = wraps;
    if (e.unresolved) it.unresolved = e.unresolved;
    return it;
  };
  const errorItems = (reached: Reached[]) =>
    reached.map((x) => item(x.entry, 'errorHandler', x.mount, x.cond));

  const walk = (
    c: Container,
    prefix: FullPath,
    ancestry: Frame[],
    conditional: boolean,
    visiting: Set<Container>,
  ): void => {
    c.layers.forEach((layer, layerIndex) => {
      if (layer.type === 'unresolved' || layer.type === 'param') return;
      const frames = [...ancestry, { container: c, layerIndex, prefix }];
      for (const local of layer.paths ?? [ROOT]) {
        const full = joinPath(prefix, local);
        const cond = conditional || layer.conditional || !!local.conditional;

        if (layer.type === 'use') {
          // Express runs a router's param callbacks for every matching layer, `use` ones too.
          for (const x of paramEntries(c, local)) {
            steps.push({
              entry: x.entry,
              layer,
              item: item(x.entry, 'param', prefix, cond || x.cond),
              path: full,
              exact: false,
              method: 'ALL',
            });
          }
          for (const e of layer.entries) {
            if (e.container) {
              if (visiting.has(e.container)) continue;
              visiting.add(e.container);
              walk(e.container, full, frames, cond || e.conditional, visiting);
              visiting.delete(e.container);
            } else if (isErrorHandler(e)) {
              continue; // reached through errorHandlersAfter
            } else if (isCatchAll(e)) {
              const before = stepsBefore(steps, 'ALL', full, layer);
              const errs = errorHandlersAfter(frames, full);
              routes.push({
                json: {
                  method: 'ALL',
                  path: pathText(full),
                  chain: [...before.map((s) => s.item), item(e, 'handler', full, cond)],
                  errorChain: errorItems(errs),
                  catchAll: true,
                },
                chain: [...before.map((s) => s.entry), e],
                errorChain: errs.map((x) => x.entry),
                container: c,
                layer,
              });
            } else {
              steps.push({
                entry: e,
                layer,
                item: item(e, 'middleware', full, cond),
                path: full,
                exact: false,
                method: 'ALL',
              });
            }
          }
          continue;
        }

        const before = stepsBefore(steps, layer.method, full, layer);
        // A param callback runs once per request and router: not again if a `use` ran it.
        const params = paramEntries(c, local).filter((x) => !before.some((s) => s.entry === x.entry));
        const own = layer.entries.filter((e) => !isErrorHandler(e));
        const ownErr = layer.entries.filter(isErrorHandler);
        const errs = errorHandlersAfter(frames, full);
        const json: Route = {
          method: layer.method,
          path: pathText(full),
          chain: [
            ...before.map((s) => s.item),
            ...params.map((x) => item(x.entry, 'param', prefix, cond || x.cond)),
            ...own.map((e, i) => item(e, i === own.length - 1 ? 'handler' : 'middleware', prefix, cond)),
          ],
          errorChain: [...ownErr.map((e) => item(e, 'errorHandler', prefix, cond)), ...errorItems(errs)],
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
        for (const e of own) {
          steps.push({
            entry: e,
            layer,
            item: item(e, 'middleware', prefix, cond),
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

/** The steps a request to `route` runs before reaching its own layer: each layer's functions once. */
function stepsBefore(steps: Step[], method: string, route: FullPath, own: Layer): Step[] {
  const seen = new Map<Layer, Set<Entry>>();
  return steps.filter((s) => {
    if (s.layer === own || !covers(s, method, route)) return false;
    const entries = seen.get(s.layer) ?? new Set<Entry>();
    seen.set(s.layer, entries);
    if (entries.has(s.entry)) return false;
    entries.add(s.entry);
    return true;
  });
}

function covers(s: Step, method: string, route: FullPath): boolean {
  if (s.method !== 'ALL' && s.method !== method && !(s.method === 'GET' && method === 'HEAD')) return false;
  return s.exact ? patternCovers(s.path, route) : mountCovers(s.path, route);
}

function paramEntries(c: Container, local: PathSpec): { entry: Entry; cond: boolean }[] {
  const out: { entry: Entry; cond: boolean }[] = [];
  if (local.kind !== 'string') return out;
  for (const name of paramNames([local])) {
    for (const layer of c.layers) {
      if (layer.type === 'param' && layer.names.includes(name)) {
        for (const entry of layer.entries) out.push({ entry, cond: layer.conditional });
      }
    }
  }
  return out;
}

/** Error handlers after the route in its router, then after each mount point going outwards. */
function errorHandlersAfter(frames: Frame[], route: FullPath): Reached[] {
  const out: Reached[] = [];
  for (let f = frames.length - 1; f >= 0; f--) {
    const { container, layerIndex, prefix } = frames[f]!;
    for (const layer of container.layers.slice(layerIndex + 1)) {
      if (layer.type !== 'use') continue;
      const handlers = layer.entries.filter(isErrorHandler);
      if (handlers.length === 0) continue;
      const mount = (layer.paths ?? [ROOT])
        .map((p) => joinPath(prefix, p))
        .find((m) => isRoot(m) || mountCovers(m, route));
      if (!mount) continue;
      for (const e of handlers) out.push({ entry: e, mount, cond: layer.conditional || e.conditional });
    }
  }
  return out;
}
