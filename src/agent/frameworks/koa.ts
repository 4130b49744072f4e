// Koa 2 and 3, and @koa/router. Koa gives no seam below the user's function: compose calls each
// middleware directly. So the functions themselves are wrapped (Proxies, see wrap.ts): Koa's own
// array goes to compose through a live view that hands out wrappers, so `app.middleware` keeps
// the app's functions; router layers are reached from the `routes()` dispatcher's `.router`
// (the ESM build of @koa/router never passes Module._load) and their stacks are wrapped in place
// when a request matches them.
//
// Koa is an onion: a middleware has left when its returned promise settles, and `next()` returns
// the downstream chain's promise. The wrapper hands out derived promises for both, so it sees
// the order in which they settle while a rejection nobody handles stays unhandled, with the same
// reason, as it would have been without the agent.
import { ServerResponse, type IncomingMessage } from 'node:http';
import { announce } from '../announce';
import { infoOf, MiddlewareInfo } from '../middleware-info';
import type { Instrumentation } from '../module-hooks';
import { guarded, state } from '../safety';
import { isWrapped, wrapFunction } from '../wrap';
import { traceFor, wrapMiddleware, type Middleware } from './koa-invocation';

type AnyFunction = (...args: never[]) => unknown;

interface KoaApp {
  middleware: unknown;
}

interface RouterLayer {
  stack?: unknown;
}

interface RouterLike {
  stack: RouterLayer[];
  match: AnyFunction;
  allowedMethods?: () => unknown;
}

const patchedApps = new WeakSet<object>();
const patchedRouters = new WeakSet<object>();
const seenRouters = new WeakSet<object>();
/** The app's function → the wrapper compose and router layers get, so each is wrapped once. */
const wrappers = new WeakMap<object, Middleware>();
const views = new WeakMap<unknown[], unknown[]>();
/** Source text of `router.allowedMethods()` closures, which are anonymous arrows. */
const allowedMethodsSources = new Set<string>();

export const koaInstrumentation: Instrumentation = {
  name: 'koa',
  pathHint: /koa/i,
  tryInstrument(exports) {
    for (const candidate of candidates(exports)) {
      const proto = (candidate as { prototype?: unknown }).prototype;
      if (isKoaApplication(proto)) {
        patchApplication(proto);
        announce('koa');
        return true;
      }
      if (isRouterPrototype(proto)) {
        patchRouterPrototype(proto);
        announce('@koa/router');
        return true;
      }
    }
    return false;
  },
};

/** The module's export itself, or the `default` of an ES-module-shaped export. */
function candidates(exports: unknown): AnyFunction[] {
  const found: AnyFunction[] = [];
  if (typeof exports === 'function') found.push(exports as AnyFunction);
  const fallback = (exports as { default?: unknown } | null)?.default;
  if (typeof fallback === 'function' && fallback !== exports) found.push(fallback as AnyFunction);
  return found;
}

function isKoaApplication(proto: unknown): proto is Record<string, AnyFunction> {
  if (typeof proto !== 'object' || proto === null) return false;
  return ['use', 'callback', 'listen', 'createContext', 'handleRequest'].every(
    (key) => typeof methodOf(proto, key) === 'function',
  );
}

function isRouterPrototype(proto: unknown): proto is Record<string, AnyFunction> {
  if (typeof proto !== 'object' || proto === null) return false;
  return ['match', 'routes', 'allowedMethods', 'register'].every(
    (key) => typeof methodOf(proto, key) === 'function',
  );
}

/** A method found on the prototype chain without running getters (Koa's `currentContext`). */
function methodOf(proto: object, key: string): unknown {
  for (let o: object | null = proto; o !== null; o = Object.getPrototypeOf(o) as object | null) {
    const descriptor = Object.getOwnPropertyDescriptor(o, key);
    if (descriptor) return descriptor.value;
  }
  return undefined;
}

// ---- the application: compose sees wrappers, the server's handler starts the trace ----------

function patchApplication(proto: Record<string, AnyFunction>): void {
  if (patchedApps.has(proto)) return;
  patchedApps.add(proto);
  proto.callback = wrapFunction(proto.callback, function (target, thisArg, args) {
    const app = thisArg as KoaApp;
    if (!state.active || typeof app !== 'object' || app === null) return Reflect.apply(target, thisArg, args);
    const list = app.middleware;
    const view = Array.isArray(list) ? guarded(() => prepareView(list)) : undefined;
    // compose reads `this.middleware` once, synchronously, inside callback()
    if (view === undefined || !trySet(app, view)) return Reflect.apply(target, thisArg, args);
    let handler: unknown;
    try {
      handler = Reflect.apply(target, thisArg, args);
    } finally {
      trySet(app, list);
    }
    if (typeof handler !== 'function') return handler;
    return guarded(() => tracedHandler(handler as AnyFunction)) ?? handler;
  });
}

function trySet(app: KoaApp, value: unknown): boolean {
  try {
    app.middleware = value;
    return app.middleware === value;
  } catch {
    return false;
  }
}

function prepareView(list: unknown[]): unknown[] {
  // routers first, so an allowedMethods() used before routes() is still recognised
  for (const fn of list) {
    const router = routerOf(fn);
    if (router) instrumentRouter(router);
  }
  return viewOf(list);
}

/**
 * The array as compose sees it: every read of an element gives the wrapper. Live, so a compose
 * that keeps the array (koa-compose before 4.2) still sees middleware the app adds later.
 */
function viewOf(list: unknown[]): unknown[] {
  let view = views.get(list);
  if (!view) {
    view = new Proxy(list, {
      get(target, key, receiver) {
        const value: unknown = Reflect.get(target, key, receiver);
        if (typeof key !== 'string' || !state.active) return value;
        if (typeof value === 'function') return guarded(() => appMiddleware(value as Middleware)) ?? value;
        if (Array.isArray(value)) return guarded(() => viewOf(value)) ?? value;
        return value;
      },
    });
    views.set(list, view);
  }
  return view;
}

function appMiddleware(fn: Middleware): Middleware {
  const known = wrappers.get(fn);
  if (known) return known;
  if (isWrapped(fn)) return fn;
  const router = routerOf(fn);
  if (router) {
    // the router's dispatcher is plumbing: the layers it runs are what the user wrote
    instrumentRouter(router);
    wrappers.set(fn, fn);
    return fn;
  }
  const wrapped = wrapMiddleware(fn, appMiddlewareInfo(fn));
  wrappers.set(fn, wrapped);
  return wrapped;
}

function appMiddlewareInfo(fn: Middleware): MiddlewareInfo {
  if (!fn.name && allowedMethodsSources.has(Function.prototype.toString.call(fn))) {
    return new MiddlewareInfo(fn, 'allowedMethods');
  }
  // koa-convert (Koa 2's generator middleware) keeps the user's name here
  const converted = (fn as { _name?: unknown })._name;
  if (typeof converted === 'string' && converted && fn.name === 'converted') {
    return new MiddlewareInfo(fn, converted);
  }
  return infoOf(fn);
}

/** Starts the trace when the request arrives, before Koa builds its context. */
function tracedHandler(handler: AnyFunction): AnyFunction {
  return wrapFunction(handler, (target, thisArg, args) => {
    if (state.active) {
      const [req, res] = args as unknown as [IncomingMessage | undefined, ServerResponse | undefined];
      if (req && res instanceof ServerResponse) guarded(() => traceFor(req, res));
    }
    return Reflect.apply(target, thisArg, args);
  });
}

// ---- @koa/router: layer stacks wrapped in place as requests match them -----------------------

function routerOf(fn: unknown): RouterLike | undefined {
  if (typeof fn !== 'function') return undefined;
  const router = (fn as { router?: unknown }).router;
  if (typeof router !== 'object' || router === null) return undefined;
  const r = router as Partial<RouterLike>;
  return Array.isArray(r.stack) && typeof r.match === 'function' ? (router as RouterLike) : undefined;
}

function instrumentRouter(router: RouterLike): void {
  if (seenRouters.has(router)) return;
  seenRouters.add(router);
  let owner: object | null = router;
  while (owner !== null && !Object.prototype.hasOwnProperty.call(owner, 'match')) {
    owner = Object.getPrototypeOf(owner) as object | null;
  }
  if (owner !== null && owner !== router) {
    patchRouterPrototype(owner as Record<string, AnyFunction>);
    announce('@koa/router');
  } else {
    // a router whose match is its own: only the layers it has now can be reached
    for (const layer of router.stack) wrapLayer(layer);
  }
  if (typeof router.allowedMethods === 'function') {
    const probe = router.allowedMethods();
    if (typeof probe === 'function') allowedMethodsSources.add(Function.prototype.toString.call(probe));
  }
}

function patchRouterPrototype(proto: Record<string, AnyFunction>): void {
  if (patchedRouters.has(proto)) return;
  patchedRouters.add(proto);
  // the dispatcher composes `...layer.stack` of the layers match() returns, right after it
  proto.match = wrapFunction(proto.match, (target, thisArg, args) => {
    const result = Reflect.apply(target, thisArg, args) as { pathAndMethod?: unknown } | undefined;
    if (state.active && Array.isArray(result?.pathAndMethod)) {
      const layers = result.pathAndMethod as RouterLayer[];
      guarded(() => layers.forEach(wrapLayer));
    }
    return result;
  });
}

function wrapLayer(layer: RouterLayer): void {
  const stack = layer?.stack;
  if (!Array.isArray(stack)) return;
  for (let i = 0; i < stack.length; i++) {
    const fn: unknown = stack[i];
    if (typeof fn !== 'function' || isWrapped(fn)) continue;
    const wrapped = layerMiddleware(fn as Middleware);
    if (wrapped !== fn) stack[i] = wrapped;
  }
}

function layerMiddleware(fn: Middleware): Middleware {
  const known = wrappers.get(fn);
  if (known) return known;
  const router = routerOf(fn);
  if (router) {
    instrumentRouter(router);
    wrappers.set(fn, fn);
    return fn;
  }
  // router.param(): the router's closure runs the user's (value, ctx, next) handler
  const param = fn as { param?: unknown; _originalFn?: unknown };
  const info =
    typeof param.param === 'string' && typeof param._originalFn === 'function'
      ? infoOf(param._originalFn)
      : infoOf(fn);
  const wrapped = wrapMiddleware(fn, info);
  wrappers.set(fn, wrapped);
  return wrapped;
}
