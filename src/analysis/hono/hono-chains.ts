// Hono dispatch, statically. Hono keeps one list of handlers per app, `use` middleware and route
// handlers alike, and composes every one whose method and path pattern match a request, in
// registration order. `app.route('/x', sub)` copies the sub-app's handlers as they are at that
// call, under the prefix; when the sub-app has its own `onError`, its handlers' errors go there
// first. `await next()` never throws in Hono: an error becomes `onError`'s response where it is
// raised, so the error chain is the `onError` handlers, innermost first. `notFound` answers what
// no handler answered: it is modelled as a catch-all route, `ALL *`, after the matching `use`s.
import { itemOf } from '../front-end';
import type { RouteModel } from '../express/express-chains';
import type { Convention } from '../flow/convention';
import type { Registration } from '../lint-model';
import type { Item, ItemKind } from '../model';
import { joinPath, pathText, type FullPath } from '../paths';
import type { Container, Entry, Layer } from '../values';

/** `(c, next)`: `next()` returns a promise; a returned Response answers. */
export const HONO_MIDDLEWARE: Convention = {
  ctx: 0,
  next: 1,
  nextReturnsPromise: true,
  returnResponds: true,
  unanswered: `fails with a 500 (Hono's "Context is not finalized" error)`,
};
/** `app.onError((err, c) => c.text(...))` */
export const HONO_ERROR_HANDLER: Convention = {
  err: 0,
  ctx: 1,
  nextReturnsPromise: false,
  returnResponds: true,
};
/** `app.notFound((c) => c.text(...))` */
export const HONO_NOT_FOUND: Convention = { ctx: 0, nextReturnsPromise: false, returnResponds: true };

/** One registration of the flattened handler list, with its full path. */
interface Flat {
  use: boolean;
  method: string;
  path: FullPath;
  /** the prefix `route()` mounted it under ('/' at the top). */
  mount: string;
  entries: Entry[];
  layer: Layer;
  container: Container;
  /** `onError` handlers its errors reach, innermost first. */
  errors: Entry[];
  conditional: boolean;
  matches: (sample: string) => boolean;
}

/** `app.route(path, sub)` copies the sub-app's routes as they are then: how many layers it had. */
export const mountedLayers = new WeakMap<Entry, number>();

const STAR = { kind: 'string' as const, text: '*' };
/** A request path no route names: what reaches `notFound`. */
const UNMATCHED = '/\u0001not-found';

export function honoRoutes(
  app: Container,
  wrapsLoc: (e: Entry) => Item['wraps'],
): { routes: RouteModel[]; order: Registration[] } {
  const flats: Flat[] = [];
  const rootErrors = lastHook(app, 'onError', app.layers.length);
  flatten(app, [], '/', rootErrors ? [rootErrors] : [], app.layers.length, false, new Set([app]), flats);

  const item = (e: Entry, kind: ItemKind, mount: string, conditional: boolean): Item =>
    itemOf(e, kind, mount, conditional, wrapsLoc);
  const beforeItems = (f: Flat) =>
    f.entries.map((e) => ({
      entry: e,
      item: item(e, 'middleware', f.use ? pathText(f.path) : f.mount, f.conditional),
    }));

  const routes: RouteModel[] = [];
  const order: Registration[] = [];
  flats.forEach((f, i) => {
    if (f.use) {
      for (const e of f.entries)
        order.push({
          entry: e,
          role: 'middleware',
          convention: HONO_MIDDLEWARE,
          path: f.path,
          exact: !pathText(f.path).includes('*'),
          method: 'ALL',
          container: f.container,
        });
      return;
    }
    const sample = pathText(f.path);
    const before = flats.slice(0, i).filter((b) => methodCovers(b.method, f.method) && b.matches(sample));
    const chain = before.flatMap(beforeItems);
    const own = f.entries.map((e, j) => ({
      entry: e,
      item: item(e, j === f.entries.length - 1 ? 'handler' : 'middleware', f.mount, f.conditional),
    }));
    const json = {
      method: f.method,
      path: sample,
      location: f.layer.at,
      chain: [...chain, ...own].map((x) => x.item),
      errorChain: f.errors.map((e) => item(e, 'errorHandler', '/', false)),
      ...(f.path.some((s) => s.kind === 'unresolved')
        ? { unresolved: 'the path is computed at run time' }
        : {}),
    };
    routes.push({
      json,
      chain: [...chain, ...own].map((x) => x.entry),
      errorChain: f.errors,
      container: f.container,
      layer: f.layer,
    });
    f.entries.forEach((e, j) =>
      order.push({
        entry: e,
        role: j === f.entries.length - 1 ? 'handler' : 'middleware',
        convention: HONO_MIDDLEWARE,
        path: f.path,
        exact: true,
        method: f.method,
        container: f.container,
      }),
    );
  });

  const notFound = lastHook(app, 'notFound', app.layers.length);
  if (notFound) {
    const before = flats.filter((b) => b.method === 'ALL' && b.matches(UNMATCHED));
    const chain = before.flatMap(beforeItems);
    routes.push({
      json: {
        method: 'ALL',
        path: '*',
        location: notFound.registeredAt,
        chain: [...chain.map((x) => x.item), item(notFound, 'handler', '/', false)],
        errorChain: rootErrors ? [item(rootErrors, 'errorHandler', '/', false)] : [],
        catchAll: true,
      },
      chain: [...chain.map((x) => x.entry), notFound],
      errorChain: rootErrors ? [rootErrors] : [],
      container: app,
      layer: layerOf(app, notFound)!,
    });
    order.push({
      entry: notFound,
      role: 'catchAll',
      convention: HONO_NOT_FOUND,
      path: [STAR],
      exact: true,
      method: 'ALL',
      container: app,
    });
  }
  // `onError` is the app's, wherever it is written: it comes after everything it catches.
  for (const f of new Set(flats.flatMap((x) => x.errors))) {
    order.push({
      entry: f,
      role: 'errorHandler',
      convention: HONO_ERROR_HANDLER,
      path: [STAR],
      exact: false,
      method: 'ALL',
      container: app,
    });
  }
  if (rootErrors && !flats.some((x) => x.errors.includes(rootErrors)))
    order.push({
      entry: rootErrors,
      role: 'errorHandler',
      convention: HONO_ERROR_HANDLER,
      path: [STAR],
      exact: false,
      method: 'ALL',
      container: app,
    });
  return { routes, order };
}

function flatten(
  c: Container,
  prefix: FullPath,
  mount: string,
  errors: Entry[],
  layerCount: number,
  conditional: boolean,
  visiting: Set<Container>,
  out: Flat[],
): void {
  for (const layer of c.layers.slice(0, layerCount)) {
    if (layer.type === 'unresolved' || layer.type === 'param') continue;
    const cond = conditional || layer.conditional;
    if (layer.type === 'route') {
      for (const p of layer.paths) {
        const path = joinPath(prefix, p);
        out.push({
          use: false,
          method: layer.method,
          path,
          mount,
          entries: layer.entries,
          layer,
          container: c,
          errors,
          conditional: cond || !!p.conditional,
          matches: honoMatcher(path),
        });
      }
      continue;
    }
    const fns = layer.entries.filter((e) => !e.container && !e.hook);
    for (const p of layer.paths ?? []) {
      const path = joinPath(prefix, p);
      for (const e of layer.entries) {
        if (!e.container || visiting.has(e.container)) continue;
        const count = mountedLayers.get(e) ?? e.container.layers.length;
        const own = lastHook(e.container, 'onError', count);
        visiting.add(e.container);
        flatten(
          e.container,
          path,
          pathText(path),
          own ? [own, ...errors] : errors,
          count,
          cond || e.conditional || !!p.conditional,
          visiting,
          out,
        );
        visiting.delete(e.container);
      }
      if (fns.length)
        out.push({
          use: true,
          method: 'ALL',
          path,
          mount,
          entries: fns,
          layer,
          container: c,
          errors,
          conditional: cond || !!p.conditional,
          matches: honoMatcher(path),
        });
    }
  }
}

/** The `onError` / `notFound` handler in effect after the first `count` layers: the last one set. */
export function lastHook(c: Container, hook: 'onError' | 'notFound', count: number): Entry | undefined {
  let found: Entry | undefined;
  for (const layer of c.layers.slice(0, count))
    if (layer.type === 'use') for (const e of layer.entries) if (e.hook === hook) found = e;
  return found;
}

function layerOf(c: Container, e: Entry): Layer | undefined {
  return c.layers.find((l) => l.type === 'use' && l.entries.includes(e));
}

function methodCovers(stepMethod: string, method: string): boolean {
  return stepMethod === 'ALL' || stepMethod === method || (stepMethod === 'GET' && method === 'HEAD');
}

/**
 * A Hono path pattern as a test on a route's path text (in which `:id` stands for any segment):
 * `*` matches anything, a trailing `/*` also the path without it, `:name`, `:name{re}` one
 * segment, `:name?` an optional last segment. Case-sensitive and strict about a trailing slash.
 */
export function honoMatcher(path: FullPath): (sample: string) => boolean {
  const text = path.map((s) => (s.kind === 'string' ? s.text : '\u0000')).join('');
  if (text === '*' || text === '/*' || text === '\u0000') return () => true;
  let t = text;
  let tail = '';
  if (t.endsWith('/*')) {
    t = t.slice(0, -2);
    tail = '(?:/.*)?';
  }
  let src = '';
  for (const seg of t.split('/').slice(1)) {
    if (seg.startsWith(':') && seg.endsWith('?')) src += '(?:/[^/]+)?';
    else if (seg.startsWith(':')) src += '/[^/]+';
    else
      src +=
        '/' +
        seg
          .replace(/[.+?^${}()|[\]\\]/g, '\\$&')
          .replace(/\*/g, '.*')
          .split('\u0000')
          .join('.*');
  }
  const re = new RegExp(`^${src || '/'}${tail}$`);
  return (sample) => re.test(sample);
}
