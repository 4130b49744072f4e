// Connect 3: `connect()`, `app.use(fn)` and `app.use('/path', fn)`, mounted Connect and Express
// apps, error handlers by arity (Connect calls a function with `fn.length === 4` only for errors,
// the same test as Express). `http.createServer(app)` needs nothing: the app is the handler.
//
// Connect has no routes, only `use` layers matched by path prefix on segment boundaries, with the
// prefix stripped from `req.url`: exactly an Express `app.use` layer, so the dispatch walk is
// Express's (`expressRoutes`). What a Connect app shows as its routes are its endpoints: the `use`d
// functions that end the requests they match, each as a catch-all route `ALL <mount>`
// (`catchAll: true`) whose chain is the earlier matching middleware and which ends with it:
// - a function written without `next` (fewer than three parameters), as for Express;
// - a `(req, res, next)` function whose every path answers without calling next.
// Everything else is middleware: it appears in the chains of the endpoints after it.
import { entriesFrom, looksLikePath, pathSpecOf } from '../entries';
import { expressRoutes, type RouteModel } from '../express/express-chains';
import { expressTree } from '../express/express-tree';
import { EXPRESS_MIDDLEWARE } from '../flow/convention';
import { factsOf } from '../flow/facts';
import { containerAt, itemOf, type FrontEnd } from '../front-end';
import type { Interpreter } from '../interpreter';
import type { Registration } from '../lint-model';
import type { Item, ItemKind, TreeNode } from '../model';
import { mountCovers, pathText } from '../paths';
import { unknown, type CallSite, type Container, type Entry, type Value } from '../values';

export class ConnectFrontEnd implements FrontEnd {
  readonly registrationMethods: ReadonlySet<string> = new Set(['use']);
  readonly errorFlow = 'forward';

  packageValue(name: string, _specifier: string, interp: Interpreter): Value | undefined {
    if (name !== 'connect') return undefined;
    return {
      k: 'builtin',
      name: 'connect',
      call: (site) => containerAt(interp, site, this, 'connect', 'app', 'app'),
    };
  }

  callMethod(c: Container, method: string, site: CallSite, interp: Interpreter): Value {
    if (method !== 'use') return unknown(`${c.name}.${method}()`);
    const args = site.args;
    const hasPath = looksLikePath(args[0]);
    interp.addLayer(c, {
      type: 'use',
      paths: hasPath ? pathSpecOf(args[0]!) : null,
      entries: entriesFrom(hasPath ? args.slice(1) : args, site, interp),
      at: interp.loc(interp.fileOf(site.file), site.node),
      conditional: site.conditional,
    });
    return { k: 'container', c };
  }

  routes(
    app: Container,
    wrapsLoc: (e: Entry) => Item['wraps'],
  ): { routes: RouteModel[]; order: Registration[] } {
    const { routes, order } = expressRoutes(app, wrapsLoc);
    const parents = parentsOf(app);
    const item = (e: Entry, kind: ItemKind, mount: string, conditional: boolean): Item =>
      itemOf(e, kind, mount, conditional, wrapsLoc);
    const endpoints: RouteModel[] = [];
    order.forEach((r, i) => {
      if (r.role !== 'middleware' || r.exact || !answersAlways(r.entry)) return;
      r.role = 'catchAll';
      const before = order
        .slice(0, i)
        .filter((b) => b.role === 'middleware' && !b.exact && mountCovers(b.path, r.path));
      const errors = order
        .slice(i + 1)
        .filter(
          (b) =>
            b.role === 'errorHandler' &&
            !b.exact &&
            reaches(b.container, r.container, parents) &&
            mountCovers(b.path, r.path),
        );
      const mount = pathText(r.path);
      endpoints.push({
        json: {
          method: 'ALL',
          path: mount,
          location: r.entry.registeredAt,
          chain: [
            ...before.map((b) => item(b.entry, 'middleware', pathText(b.path), false)),
            item(r.entry, 'handler', mount, false),
          ],
          errorChain: errors.map((b) => item(b.entry, 'errorHandler', pathText(b.path), false)),
          catchAll: true,
        },
        chain: [...before.map((b) => b.entry), r.entry],
        errorChain: errors.map((b) => b.entry),
        container: r.container,
        layer: r.container.layers.find((l) => l.type === 'use' && l.entries.includes(r.entry))!,
      });
    });
    // in registration order, with the arity-based catch-alls Express found
    const all = [...routes, ...endpoints].sort(
      (a, b) =>
        orderIndex(order, a.chain[a.chain.length - 1]) - orderIndex(order, b.chain[b.chain.length - 1]),
    );
    return { routes: all, order };
  }

  tree(app: Container): TreeNode[] {
    return markEndpoints(expressTree(app), endpointsOf(app));
  }

  /** Connect calls a handler synchronously and drops a rejected promise, like Express 4. */
  forwardsRejections(): boolean {
    return false;
  }
}

/** A `(req, res, next)` function (not a wrapper) whose every path answers and none calls next. */
function answersAlways(e: Entry): boolean {
  if (!e.fn || e.wraps) return false;
  const ends = factsOf(e.fn.node, EXPRESS_MIDDLEWARE).paths.ends;
  return (
    ends.length > 0 &&
    ends.every(
      (x) =>
        x.how !== 'throw' &&
        x.state.nexts.length === 0 &&
        x.state.errors.length === 0 &&
        !x.state.delegated &&
        x.state.responses.length > 0,
    )
  );
}

/** Which container mounts which: errors go from a mounted app to its parents, never to siblings. */
function parentsOf(app: Container): Map<Container, Container> {
  const parents = new Map<Container, Container>();
  const visit = (c: Container): void => {
    for (const l of c.layers) {
      if (l.type !== 'use') continue;
      for (const e of l.entries)
        if (e.container && !parents.has(e.container) && e.container !== app) {
          parents.set(e.container, c);
          visit(e.container);
        }
    }
  };
  visit(app);
  return parents;
}

function reaches(handlerIn: Container, from: Container, parents: Map<Container, Container>): boolean {
  for (let c: Container | undefined = from; c; c = parents.get(c)) if (c === handlerIn) return true;
  return false;
}

function orderIndex(order: Registration[], e: Entry | undefined): number {
  const i = order.findIndex((r) => r.entry === e);
  return i < 0 ? order.length : i;
}

/** In the tree, an endpoint shows as a handler, as the arity-based catch-alls already do. */
function markEndpoints(nodes: TreeNode[], endpoints: Set<string>): TreeNode[] {
  return nodes.map((n) => ({
    ...n,
    ...(n.type === 'middleware' && endpoints.has(locKey(n.location)) ? { type: 'handler' as const } : {}),
    ...(n.children ? { children: markEndpoints(n.children, endpoints) } : {}),
  }));
}

function endpointsOf(app: Container): Set<string> {
  const out = new Set<string>();
  const seen = new Set<Container>();
  const visit = (c: Container): void => {
    seen.add(c);
    for (const l of c.layers) {
      if (l.type !== 'use') continue;
      for (const e of l.entries) {
        if (e.container) {
          if (!seen.has(e.container)) visit(e.container);
        } else if (e.arity !== 4 && answersAlways(e)) out.add(locKey(e.registeredAt));
      }
    }
  };
  visit(app);
  return out;
}

const locKey = (l: { file: string; line: number; column: number }) => `${l.file}:${l.line}:${l.column}`;
