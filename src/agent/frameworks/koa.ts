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
import { context, currentFrame } from '../context';
import { report } from '../findings';
import { infoOf, MiddlewareInfo } from '../middleware-info';
import type { Instrumentation } from '../module-hooks';
import {
  crossing,
  enter,
  errorReached,
  exit,
  Frame,
  startRequest,
  type RequestTrace,
} from '../request-trace';
import { bindResponse, traceOf } from '../response-hooks';
import { guarded, state } from '../safety';
import { isWrapped, wrapFunction } from '../wrap';

type AnyFunction = (...args: never[]) => unknown;
type Middleware = (ctx: unknown, next: unknown, ...rest: unknown[]) => unknown;
type Next = (...args: unknown[]) => unknown;

interface KoaApp {
  middleware: unknown;
}

interface KoaContext {
  method?: unknown;
  originalUrl?: unknown;
  url?: unknown;
  res?: unknown;
}

interface RouterLayer {
  stack?: unknown;
}

interface RouterLike {
  stack: RouterLayer[];
  match: AnyFunction;
  allowedMethods?: () => unknown;
}

/** Who answers an error no middleware caught: Koa's context error handler. */
const FALLBACK = 'ctx.onerror';

const patchedApps = new WeakSet<object>();
const patchedRouters = new WeakSet<object>();
const seenRouters = new WeakSet<object>();
/** The app's function → the wrapper compose and router layers get, so each is wrapped once. */
const wrappers = new WeakMap<object, Middleware>();
const views = new WeakMap<unknown[], unknown[]>();
/** Source text of `router.allowedMethods()` closures, which are anonymous arrows. */
const allowedMethodsSources = new Set<string>();
/** The frame of each request that last ended the chain with a response of its own. */
const lastResponder = new WeakMap<RequestTrace, Frame>();

export const koaInstrumentation: Instrumentation = {
  name: 'koa',
  pathHint: /koa/i,
  tryInstrument(exports) {
    for (const candidate of candidates(exports)) {
      const proto = (candidate as { prototype?: unknown }).prototype;
      if (isKoaApplication(proto)) {
        patchApplication(proto);
        announce('koa', 'Application.prototype.callback');
        return true;
      }
      if (isRouterPrototype(proto)) {
        patchRouterPrototype(proto);
        announce('@koa/router', 'Router.prototype.match');
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
  return wrapMiddleware(fn, appMiddlewareInfo(fn));
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
      if (req && res instanceof ServerResponse) guarded(() => traceFor(req.method, req.url, res));
    }
    return Reflect.apply(target, thisArg, args);
  });
}

function traceFor(method: unknown, url: unknown, res: ServerResponse): RequestTrace {
  let trace = traceOf(res);
  if (!trace) {
    trace = startRequest(
      typeof method === 'string' ? method : '',
      typeof url === 'string' ? url : '',
      res,
      FALLBACK,
    );
    bindResponse(res, trace);
  }
  return trace;
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
    announce('@koa/router', 'Router.prototype.match');
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
  return wrapMiddleware(fn, info);
}

// ---- one middleware invocation ------------------------------------------------------------

const NO_ERROR = Symbol('no error');

class Invocation {
  calledNext = false;
  downstreamSettled = false;
  downstreamError: unknown = NO_ERROR;
  constructor(
    readonly frame: Frame,
    /** Silent: the request was already over when it entered, so it writes no events. */
    readonly late: boolean,
    /** The first middleware of the request's chain: its settling is the chain's. */
    readonly top: boolean,
  ) {}
}

function wrapMiddleware(fn: Middleware, info: MiddlewareInfo): Middleware {
  const wrapped = wrapFunction(fn, (target, thisArg, args) => {
    if (!state.active || typeof args[1] !== 'function') return Reflect.apply(target, thisArg, args);
    const invocation = guarded(() => begin(args[0], info));
    if (!invocation) return Reflect.apply(target, thisArg, args);
    const callArgs: unknown[] = [...args];
    callArgs[1] = trackedNext(invocation, args[1] as Next);
    let result: unknown;
    try {
      result = context.run(invocation.frame, Reflect.apply, target, thisArg, callArgs);
    } catch (error) {
      guarded(() => settle(invocation, error));
      throw error;
    }
    if (!isThenable(result)) {
      guarded(() => settle(invocation, NO_ERROR));
      return result;
    }
    return Promise.resolve(result).then(
      (value) => {
        guarded(() => settle(invocation, NO_ERROR));
        return value;
      },
      (error: unknown) => {
        guarded(() => settle(invocation, error));
        throw error;
      },
    );
  });
  wrappers.set(fn, wrapped);
  return wrapped;
}

function begin(ctx: unknown, info: MiddlewareInfo): Invocation | undefined {
  if (typeof ctx !== 'object' || ctx === null) return undefined;
  const c = ctx as KoaContext;
  const res = c.res;
  // the core sees responses at http.ServerResponse: an HTTP/2 one would never finish its trace
  if (!(res instanceof ServerResponse)) return undefined;
  const trace = traceFor(c.method, typeof c.originalUrl === 'string' ? c.originalUrl : c.url, res);
  const caller = currentFrame();
  const top = !(caller && caller.trace === trace);
  // after the response, for attribution of what it schedules, but no longer in the trace
  if (trace.ended) return new Invocation(new Frame(trace, info), true, top);
  return new Invocation(enter(trace, info), false, top);
}

function trackedNext(invocation: Invocation, next: Next): Next {
  return function (this: unknown, ...args: unknown[]) {
    if (state.active) invocation.calledNext = true;
    const downstream = Reflect.apply(next, this, args);
    if (!state.active || !isThenable(downstream)) return downstream;
    return Promise.resolve(downstream).then(
      (value) => {
        guarded(() => returned(invocation, NO_ERROR));
        return value;
      },
      (error: unknown) => {
        guarded(() => returned(invocation, error));
        throw error;
      },
    );
  };
}

/** The chain after this middleware settled: control is back with it. */
function returned(invocation: Invocation, error: unknown): void {
  invocation.downstreamSettled = true;
  invocation.downstreamError = error;
  const { frame, late } = invocation;
  const trace = frame.trace;
  if (late || trace.ended || frame.outcome !== undefined) return;
  // the hang watch looks at the last frame entered: now this one is running again
  trace.lastEntered = frame;
  trace.lastActivity = Date.now();
}

/** The middleware's own promise (or synchronous return) settled; `error` unless it fulfilled. */
function settle(invocation: Invocation, error: unknown): void {
  const { frame, late } = invocation;
  const trace = frame.trace;
  if (invocation.calledNext && !invocation.downstreamSettled) {
    report(
      'unawaited-next',
      trace,
      frame.info,
      `\`${frame.info.name}\` called next() without awaiting or returning it: it finished before the middleware after it did, so Koa may respond before they are done and their errors escape the error handling upstream`,
    );
    // the still-running downstream must not pass for the one that answered
    if (!late && !trace.ended) trace.lastEntered = frame;
  }
  if (late || trace.ended) return;
  const downstreamFailed = invocation.downstreamError !== NO_ERROR;
  if (error !== NO_ERROR) {
    if (downstreamFailed && error === invocation.downstreamError && trace.pendingError) {
      // the error from further down passes through on its way up: not a new crossing
      exit(frame, 'error');
    } else {
      if (downstreamFailed) errorReached(trace, frame.info.name);
      crossing(frame, error);
    }
  } else {
    // an error from downstream and a fulfilled promise: this middleware caught it
    if (downstreamFailed) errorReached(trace, frame.info.name);
    const outcome = invocation.calledNext ? 'next' : 'response';
    if (frame.outcome === undefined && outcome === 'response') lastResponder.set(trace, frame);
    exit(frame, outcome);
  }
  if (invocation.top) {
    // Koa responds next, outside any middleware: name the one that ended the chain
    trace.lastEntered = lastResponder.get(trace) ?? frame;
    trace.lastActivity = Date.now();
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
