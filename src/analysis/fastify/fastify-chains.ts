// Every route of a Fastify app with the chain a matching request runs: the hooks of its context
// and the contexts above it in lifecycle order (onRequest, preParsing, preValidation,
// preHandler), each phase in the order the hooks were added and then the route's own option
// hooks, the handler, then the response hooks (preSerialization, onSend, onResponse). The
// error chain is the route's own `errorHandler`, then the nearest context's `setErrorHandler`
// and those above it: an error handler that throws passes the error to its parent's.
import { itemOf } from '../front-end';
import { FASTIFY_ERROR_HANDLER, FASTIFY_HANDLER, FASTIFY_HOOK } from '../flow/convention';
import type { RouteModel } from '../express/express-chains';
import type { Registration } from '../lint-model';
import type { Item, ItemKind } from '../model';
import { joinPath, pathText, type FullPath } from '../paths';
import type { Container, Entry } from '../values';
import { NOT_FOUND, REQUEST_HOOKS, RESPONSE_HOOKS, ROUTE_ERROR_HANDLER, HOOKS } from './fastify-hooks';
import { scopeChain, walkContexts, type ScopedRoute } from './fastify-scopes';

export function fastifyRoutes(
  app: Container,
  wrapsLoc: (e: Entry) => Item['wraps'],
): { routes: RouteModel[]; order: Registration[] } {
  const { routes: scoped, added } = walkContexts(app);
  const mounts = new Map<Entry, FullPath>();
  const item = (e: Entry, kind: ItemKind): Item =>
    itemOf(e, kind, pathText(mounts.get(e) ?? []) || '/', false, wrapsLoc);
  const order: Registration[] = [];
  for (const a of added) {
    mounts.set(a.entry, a.prefix);
    const errorHandler = a.entry.hook === 'errorHandler';
    order.push({
      entry: a.entry,
      role: errorHandler ? 'errorHandler' : 'middleware',
      convention: errorHandler ? FASTIFY_ERROR_HANDLER : FASTIFY_HOOK,
      path: a.prefix,
      exact: false,
      method: 'ALL',
      container: a.container,
    });
  }
  const routes: RouteModel[] = [];
  for (const r of scoped) {
    for (const e of r.layer.entries) mounts.set(e, r.prefix);
    const paths = r.notFound ? [{ kind: 'string' as const, text: '/*' }] : r.layer.paths;
    for (const p of paths) {
      const full = joinPath(r.prefix, p);
      const { chain, errorChain } = chainsOf(r);
      routes.push({
        json: {
          method: r.layer.method,
          path: pathText(full),
          location: r.layer.at,
          chain: chain.map((e) => item(e, kindOf(e))),
          errorChain: errorChain.map((e) => item(e, 'errorHandler')),
          ...(r.notFound ? { catchAll: true } : {}),
        },
        chain,
        errorChain,
        container: r.container,
        layer: r.layer,
      });
    }
    const full = r.notFound
      ? [joinPath(r.prefix, { kind: 'string', text: '/*' })]
      : r.layer.paths.map((p) => joinPath(r.prefix, p));
    for (const e of r.layer.entries) {
      const own = e.hook && e.hook !== NOT_FOUND;
      const errorHandler = e.hook === ROUTE_ERROR_HANDLER;
      for (const path of full.slice(0, 1))
        order.push({
          entry: e,
          role: errorHandler ? 'errorHandler' : own ? 'middleware' : 'handler',
          convention: errorHandler ? FASTIFY_ERROR_HANDLER : own ? FASTIFY_HOOK : FASTIFY_HANDLER,
          path,
          exact: true,
          method: r.layer.method,
          container: r.container,
        });
    }
  }
  return { routes, order };
}

function kindOf(e: Entry): ItemKind {
  return e.hook && e.hook !== NOT_FOUND ? (`hook:${e.hook}` as ItemKind) : 'handler';
}

/** The chain and error chain of one route. */
function chainsOf(r: ScopedRoute): { chain: Entry[]; errorChain: Entry[] } {
  const scopes = scopeChain(r.scope);
  // a route takes its context's error handler when it is added: one set inside `fp(plugin)`,
  // which loads later, reaches only the routes added after it
  const visible = (a: { deferred: boolean; seq: number }) => !a.deferred || a.seq < r.seq;
  // hooks are read when the app is ready: every hook of the scopes counts, in the order added
  const contextHooks = scopes
    .flatMap((s) => s.hooks)
    .sort((a, b) => a.seq - b.seq)
    .map((a) => a.entry);
  const own = r.layer.entries.filter((e) => e.hook && HOOKS.includes(e.hook));
  const handlers = r.layer.entries.filter((e) => !e.hook || e.hook === NOT_FOUND);
  const phase = (names: string[]) =>
    names.flatMap((h) => [...contextHooks.filter((e) => e.hook === h), ...own.filter((e) => e.hook === h)]);
  const errorChain = [
    ...r.layer.entries.filter((e) => e.hook === ROUTE_ERROR_HANDLER),
    ...scopes.flatMap((s) =>
      s.errorHandlers
        .filter(visible)
        .map((a) => a.entry)
        .reverse(),
    ),
  ];
  return { chain: [...phase(REQUEST_HOOKS), ...handlers, ...phase(RESPONSE_HOOKS)], errorChain };
}
