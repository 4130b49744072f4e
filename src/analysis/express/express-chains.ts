// Express dispatch, statically: walks the registrations of an app in the order Express tries its
// layers and gives every route the chain a matching request runs and the error handlers its
// errors reach. Express skips 4-argument functions for normal requests and everything else for
// errors; a mounted router or sub-app passes errors on to its parent, never to a sibling.
import { itemOf } from '../front-end';
import { EXPRESS_ERROR_HANDLER, EXPRESS_MIDDLEWARE, EXPRESS_PARAM } from '../flow/convention';
import type { Registration } from '../lint-model';
import type { Item, ItemKind, Route } from '../model';
import { hasRestParam } from '../entries';
import {
  compileMount,
  compilePattern,
  literalPrefixesOfSample,
  isRoot,
  joinPath,
  mountCovers,
  paramNames,
  pathText,
  sampleOf,
  type FullPath,
  type Matcher,
} from '../paths';
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
type ItemMaker = (e: Entry, kind: ItemKind, mount: FullPath, conditional: boolean) => Item;

/** Something a request may run on its way to a later route. */
class Step {
  private made: Item | undefined;
  constructor(
    readonly entry: Entry,
    /** a layer with a path array is still one layer: its functions run once per request. */
    readonly layer: Layer,
    readonly method: string,
    readonly matcher: Matcher,
    readonly index: number,
    private readonly kind: ItemKind,
    private readonly mount: FullPath,
    private readonly conditional: boolean,
  ) {}

  /** Made when a later route's chain first needs it: most never are. */
  item(make: ItemMaker): Item {
    return (this.made ??= make(this.entry, this.kind, this.mount, this.conditional));
  }
}

/** Steps in registration order, bucketed by the literal path prefix their matches start with. */
class Steps {
  private readonly byPrefix = new Map<string, Step[]>();
  // by mode: a route at '/' shares its path array with the mount above it
  private readonly matchers = {
    exact: new WeakMap<FullPath, Matcher>(),
    prefix: new WeakMap<FullPath, Matcher>(),
  };
  private count = 0;

  add(
    entry: Entry,
    layer: Layer,
    method: string,
    kind: ItemKind,
    mount: FullPath,
    conditional: boolean,
    path: FullPath,
    exact: boolean,
  ): void {
    const cache = exact ? this.matchers.exact : this.matchers.prefix;
    let matcher = cache.get(path);
    if (!matcher) {
      matcher = exact ? compilePattern(path) : compileMount(path);
      cache.set(path, matcher);
    }
    const step = new Step(entry, layer, method, matcher, this.count++, kind, mount, conditional);
    const bucket = this.byPrefix.get(matcher.literalPrefix);
    if (bucket) bucket.push(step);
    else this.byPrefix.set(matcher.literalPrefix, [step]);
  }

  /** What a request to `route` runs before reaching its own layer: each layer's functions once. */
  before(method: string, route: FullPath, own: Layer): Step[] {
    const sample = sampleOf(route);
    const candidates: Step[] = [];
    for (const prefix of literalPrefixesOfSample(sample)) {
      const bucket = this.byPrefix.get(prefix);
      if (bucket) for (const s of bucket) candidates.push(s);
    }
    candidates.sort((a, b) => a.index - b.index);
    const out: Step[] = [];
    let seen: Map<Layer, Set<Entry>> | undefined;
    for (const s of candidates) {
      if (s.layer === own || !methodCovers(s.method, method) || !s.matcher.test(sample)) continue;
      // one layer with several paths (an array, or `?:` alternatives) still runs its functions once
      if (hasSeveralPaths(s.layer)) {
        seen ??= new Map();
        const entries = seen.get(s.layer) ?? new Set<Entry>();
        seen.set(s.layer, entries);
        if (entries.has(s.entry)) continue;
        entries.add(s.entry);
      }
      out.push(s);
    }
    return out;
  }
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

const itemCache = new WeakMap<Entry, Item[]>();

export function expressRoutes(
  app: Container,
  wrapsLoc: (e: Entry) => Item['wraps'],
): { routes: RouteModel[]; order: Registration[] } {
  const routes: RouteModel[] = [];
  const order: Registration[] = [];
  const steps = new Steps();
  const item = (e: Entry, kind: ItemKind, mount: FullPath, conditional: boolean): Item => {
    const mountText = pathText(mount);
    const cond = conditional || e.conditional;
    // Entries of unchanged modules survive a re-analysis: so can their items.
    let forEntry = itemCache.get(e);
    if (!forEntry) itemCache.set(e, (forEntry = []));
    let it = forEntry.find((x) => x.kind === kind && x.mount === mountText && x.conditional === cond);
    if (!it) {
      it = itemOf(e, kind, mountText, cond, wrapsLoc);
      forEntry.push(it);
    }
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
      if (layer.type === 'unresolved') return;
      if (layer.type === 'param') {
        for (const entry of layer.entries) {
          order.push({
            entry,
            role: 'param',
            convention: EXPRESS_PARAM,
            path: prefix,
            exact: false,
            method: 'ALL',
            container: c,
          });
        }
        return;
      }
      const frames = ancestry.concat({ container: c, layerIndex, prefix });
      for (const local of layer.paths ?? [ROOT]) {
        const full = joinPath(prefix, local);
        const cond = conditional || layer.conditional || !!local.conditional;

        if (layer.type === 'use') {
          // Express runs a router's param callbacks for every matching layer, `use` ones too.
          for (const x of paramEntries(c, local)) {
            steps.add(x.entry, layer, 'ALL', 'param', prefix, cond || x.cond, full, false);
          }
          for (const e of layer.entries) {
            if (e.container) {
              if (visiting.has(e.container)) continue;
              visiting.add(e.container);
              walk(e.container, full, frames, cond || e.conditional, visiting);
              visiting.delete(e.container);
            } else if (isErrorHandler(e)) {
              // reached through errorHandlersAfter
              order.push({
                entry: e,
                role: 'errorHandler',
                convention: EXPRESS_ERROR_HANDLER,
                path: full,
                exact: false,
                method: 'ALL',
                container: c,
              });
            } else if (isCatchAll(e)) {
              order.push({
                entry: e,
                role: 'catchAll',
                convention: EXPRESS_MIDDLEWARE,
                path: full,
                exact: false,
                method: 'ALL',
                container: c,
              });
              const before = steps.before('ALL', full, layer);
              const errs = errorHandlersAfter(frames, full);
              routes.push({
                json: {
                  method: 'ALL',
                  path: pathText(full),
                  location: e.registeredAt,
                  chain: [...before.map((s) => s.item(item)), item(e, 'handler', full, cond)],
                  errorChain: errorItems(errs),
                  catchAll: true,
                },
                chain: [...before.map((s) => s.entry), e],
                errorChain: errs.map((x) => x.entry),
                container: c,
                layer,
              });
            } else {
              order.push({
                entry: e,
                role: 'middleware',
                convention: EXPRESS_MIDDLEWARE,
                path: full,
                exact: false,
                method: 'ALL',
                container: c,
              });
              steps.add(e, layer, 'ALL', 'middleware', full, cond, full, false);
            }
          }
          continue;
        }

        const before = steps.before(layer.method, full, layer);
        // A param callback runs once per request and router: not again if a `use` ran it.
        const params = paramEntries(c, local).filter((x) => !before.some((s) => s.entry === x.entry));
        const own = layer.entries.filter((e) => !isErrorHandler(e));
        const ownErr = layer.entries.filter(isErrorHandler);
        const errs = errorHandlersAfter(frames, full);
        const json: Route = {
          method: layer.method,
          path: pathText(full),
          location: layer.at,
          chain: [
            ...before.map((s) => s.item(item)),
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
        for (const e of layer.entries) {
          const role = isErrorHandler(e)
            ? 'errorHandler'
            : e === own[own.length - 1]
              ? 'handler'
              : 'middleware';
          const convention = role === 'errorHandler' ? EXPRESS_ERROR_HANDLER : EXPRESS_MIDDLEWARE;
          order.push({
            entry: e,
            role,
            convention,
            path: full,
            exact: true,
            method: layer.method,
            container: c,
          });
        }
        // In a later route's chain these run as pass-through middleware (they called next).
        for (const e of own) {
          steps.add(e, layer, layer.method, 'middleware', prefix, cond, full, true);
        }
      }
    });
  };

  walk(app, [], [], false, new Set([app]));
  return { routes, order };
}

function hasSeveralPaths(layer: Layer): boolean {
  return (layer.type === 'use' || layer.type === 'route') && (layer.paths?.length ?? 0) > 1;
}

function methodCovers(stepMethod: string, method: string): boolean {
  return stepMethod === 'ALL' || stepMethod === method || (stepMethod === 'GET' && method === 'HEAD');
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

type ErrorLayer = { index: number; layer: Extract<Layer, { type: 'use' }>; handlers: Entry[] };

/** Per container (and version of its layers), its `use` layers that hold error handlers. */
const errorLayers = new WeakMap<Container, { version: number; list: ErrorLayer[] }>();

function errorLayersOf(c: Container): ErrorLayer[] {
  const cached = errorLayers.get(c);
  if (cached && cached.version === c.version) return cached.list;
  const list: ErrorLayer[] = [];
  c.layers.forEach((layer, index) => {
    if (layer.type !== 'use') return;
    const handlers = layer.entries.filter(isErrorHandler);
    if (handlers.length) list.push({ index, layer, handlers });
  });
  errorLayers.set(c, { version: c.version, list });
  return list;
}

/** Error handlers after the route in its router, then after each mount point going outwards. */
function errorHandlersAfter(frames: Frame[], route: FullPath): Reached[] {
  const out: Reached[] = [];
  for (let f = frames.length - 1; f >= 0; f--) {
    const { container, layerIndex, prefix } = frames[f]!;
    for (const { index, layer, handlers } of errorLayersOf(container)) {
      if (index <= layerIndex) continue;
      const mount = (layer.paths ?? [ROOT])
        .map((p) => joinPath(prefix, p))
        .find((m) => isRoot(m) || mountCovers(m, route));
      if (!mount) continue;
      for (const e of handlers) out.push({ entry: e, mount, cond: layer.conditional || e.conditional });
    }
  }
  return out;
}
