// Express 4 and 5, and the `router` package under Express 5. Every middleware, route handler and
// error handler runs through its Layer's handle method, so patching the Layer prototype sees the
// whole chain without wrapping a single user function: `fn.length`, `this`, properties and
// `router.stack` stay exactly as the app made them.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { restoreContext, runningAsyncId, runningFrame, setContext } from '../context';
import { infoOf, type MiddlewareInfo } from '../middleware-info';
import type { Instrumentation } from '../module-hooks';
import { crossing, enter, exit, type Frame, type RequestTrace } from '../request-trace';
import { startTrace, traceOf } from '../response-hooks';
import { sink } from '../sink';
import { state, stepAside } from '../safety';
import { announce } from '../announce';
import { isNativePromise, watchDroppedPromise } from './dropped-promise';

type Next = (err?: unknown) => void;
type Handler = (...args: unknown[]) => unknown;
interface Layer {
  handle: Handler;
  route?: unknown;
  /** Express 4: the path's parameters (router 2 finds them as it matches). */
  keys?: unknown[];
  /** router 2: the path as the app gave it. */
  rawPath?: unknown;
  [kEntry]?: LayerEntry;
}
type LayerMethod = (this: Layer, ...args: unknown[]) => unknown;

const kEntry = Symbol('mwchain.layer');
const patched = new WeakSet<object>();
/** Source text of the framework's own middleware (Express 4's query parser and expressInit). */
const frameworkSources = new Set<string>();

export const expressInstrumentation: Instrumentation = {
  name: 'express',
  pathHint: /express|router/,
  tryInstrument(exports) {
    if (typeof exports !== 'function') return false;
    const exp = exports as unknown as Record<string, unknown> & (() => unknown);
    if (typeof exp.Router === 'function' && typeof exp.application === 'object') {
      rememberFrameworkMiddleware(exp);
      return announced(instrumentRouter(exp.Router as () => RouterLike), 'express');
    }
    // the `router` package: a Router constructor with Route beside it
    if (
      typeof exp.Route === 'function' &&
      typeof (exp.prototype as RouterLike | undefined)?.handle === 'function'
    ) {
      return announced(instrumentRouter(exp as unknown as () => RouterLike), 'router');
    }
    return false;
  },
};

interface RouterLike {
  stack: Layer[];
  handle?: unknown;
  use(fn: (req: unknown, res: unknown, next: Next) => void): unknown;
}

function announced(instrumented: boolean, framework: string): boolean {
  if (instrumented) announce(framework);
  return instrumented;
}

/** Patches the Layer prototype of routers `makeRouter` makes (once per prototype). */
function instrumentRouter(makeRouter: () => RouterLike): boolean {
  const probe = makeRouter();
  probe.use(function mwchainProbe(_req: unknown, _res: unknown, next: Next) {
    next();
  });
  const proto = Object.getPrototypeOf(probe.stack[0]) as Record<string, LayerMethod>;
  if (patched.has(proto)) return true;
  if (typeof proto.handle_request === 'function' && typeof proto.handle_error === 'function') {
    // Express 4 (router 1): a promise returned by a handler is dropped, so the agent keeps it
    patched.add(proto);
    proto.handle_request = requestHandlerV4(proto.handle_request);
    proto.handle_error = errorHandlerV4(proto.handle_error);
    return true;
  }
  if (typeof proto.handleRequest === 'function' && typeof proto.handleError === 'function') {
    // router 2 forwards rejected promises to next(err) itself
    patched.add(proto);
    proto.handleRequest = requestHandler(proto.handleRequest);
    proto.handleError = errorHandler(proto.handleError);
    return true;
  }
  return false;
}

function rememberFrameworkMiddleware(exp: Record<string, unknown> & (() => unknown)): void {
  const app = exp() as { lazyrouter?: () => void; _router?: RouterLike };
  if (typeof app.lazyrouter !== 'function') return;
  app.lazyrouter();
  for (const layer of app._router?.stack ?? []) frameworkSources.add(String(layer.handle));
}

/**
 * What the agent knows of a layer's handler, kept on the layer: its arity (read once: `length` is
 * an accessor, slow at a call site that sees every handler of the app) and the middleware it is,
 * null for plumbing (routers, routes, mounted apps). Remade when the app swaps `layer.handle`.
 */
class LayerEntry {
  constructor(
    readonly fn: Handler,
    readonly arity: number,
    readonly info: MiddlewareInfo | null,
    /** The router reaches it from the layer before in its own code: see `stepping`. */
    readonly steppedTo: boolean,
    /** A route with no path parameters: it goes on to its handlers in the framework's own code. */
    readonly stepsThrough: boolean,
  ) {}
}

function entryOf(layer: Layer, fn: Handler): LayerEntry {
  const known = layer[kEntry];
  if (known !== undefined && known.fn === fn) return known;
  // Making an entry may take a while (a location asked of V8): then the next line reads the clock.
  stepping = undefined;
  let entry: LayerEntry;
  try {
    const info = isPlumbing(layer, fn) ? null : infoOf(fn);
    const params = hasParams(layer);
    entry = new LayerEntry(
      fn,
      fn.length,
      info,
      info !== null && !params,
      layer.route !== undefined && !params,
    );
  } catch (error) {
    stepAside(error);
    return new LayerEntry(fn, -1, null, false, false);
  }
  layer[kEntry] = entry;
  return entry;
}

/** True unless the layer's path surely has no parameters, whose param callbacks are app code. */
function hasParams(layer: Layer): boolean {
  if (Array.isArray(layer.keys)) return layer.keys.length > 0;
  const paths: unknown[] = Array.isArray(layer.rawPath) ? layer.rawPath : [layer.rawPath];
  // path-to-regexp 8 names parameters with `:` and wildcards with `*`; a RegExp's groups are params
  return !paths.every((p) => typeof p === 'string' && !/[:*]/.test(p));
}

function isPlumbing(layer: Layer, fn: Handler): boolean {
  if (layer.route !== undefined) return true;
  const f = fn as Handler & { stack?: unknown; handle?: unknown };
  if (Array.isArray(f.stack) && typeof f.handle === 'function') return true;
  if (fn.name === 'mounted_app') return true;
  return (fn.name === 'query' || fn.name === 'expressInit') && frameworkSources.has(String(fn));
}

/**
 * The request whose middleware just called next() and wrote its `exit`, while the router goes on
 * in its own code to the next layer. The next layer's method takes it (once): a middleware layer
 * with no path parameters is entered with no app code run since, so its `enter` shares the
 * `exit`'s clock read; so is the handler of a route with no path parameters, through the
 * route's layer. Any other layer (a router, a mounted app, a path with parameters: where the
 * framework may call app code such as param callbacks or a query parser) reads the clock afresh.
 */
let stepping: RequestTrace | undefined;

/** `stepping`, once: the request whose last line `entry`'s enter may share, or undefined. */
function takeStep(entry: LayerEntry): RequestTrace | undefined {
  if (entry.stepsThrough) return undefined; // left for the route's own layers
  const trace = stepping;
  stepping = undefined;
  return entry.steppedTo ? trace : undefined;
}

/** `next` as the middleware sees it: records how the middleware left, then goes on. */
function trackedNext(frame: Frame, next: Next): Next {
  return function (this: unknown, err?: unknown) {
    // A middleware whose response already ended (its outcome settled at the finish) can still
    // throw, sending a second time: that error crosses too.
    const open = frame.outcome === undefined || (frame.outcome === 'response' && err);
    let steps = false;
    if (open && state.active) {
      try {
        if (err && err !== 'route' && err !== 'router') crossing(frame, err);
        else {
          exit(frame, 'next');
          steps = sink.on;
        }
      } catch (error) {
        stepAside(error);
      }
    }
    if (!steps) return next.call(this, err);
    // the router goes on synchronously, or defers (setImmediate): then the step is over here
    stepping = frame.trace;
    try {
      return next.call(this, err);
    } finally {
      stepping = undefined;
    }
  };
}

/**
 * The frame of middleware `info` on this request, or undefined (after an internal failure).
 * `stepped`: the request the router stepped from (takeStep).
 */
function begin(
  info: MiddlewareInfo,
  req: unknown,
  res: unknown,
  stepped: RequestTrace | undefined,
): Frame | undefined {
  try {
    const known = traceOf(res as ServerResponse);
    if (known !== undefined) return enter(known, info, known === stepped);
    // a new request: its `request` line is written just now
    return enter(startTrace(res as ServerResponse, req as IncomingMessage, 'finalhandler'), info, true);
  } catch (error) {
    stepAside(error);
    return undefined;
  }
}

// The patched methods below are on every request's path: no closures beyond `next`, no arrays.

// ---- router 2 (Express 5): the original method runs, with the tracked next ----------------

function requestHandler(original: LayerMethod): LayerMethod {
  return function handleRequest(this: Layer, req, res, next) {
    const entry = entryOf(this, this.handle);
    const stepped = stepping === undefined ? undefined : takeStep(entry);
    const frame =
      state.active && entry.info && entry.arity <= 3 ? begin(entry.info, req, res, stepped) : undefined;
    if (frame === undefined) return original.call(this, req, res, next);
    const tracked = trackedNext(frame, next as Next);
    const before = runningFrame();
    const beforeId = runningAsyncId();
    setContext(frame);
    try {
      return original.call(this, req, res, tracked);
    } finally {
      restoreContext(before, beforeId);
    }
  };
}

function errorHandler(original: LayerMethod): LayerMethod {
  return function handleError(this: Layer, error, req, res, next) {
    const entry = entryOf(this, this.handle);
    const stepped = stepping === undefined ? undefined : takeStep(entry);
    const frame =
      state.active && entry.info && entry.arity === 4 ? begin(entry.info, req, res, stepped) : undefined;
    if (frame === undefined) return original.call(this, error, req, res, next);
    const tracked = trackedNext(frame, next as Next);
    const before = runningFrame();
    const beforeId = runningAsyncId();
    setContext(frame);
    try {
      return original.call(this, error, req, res, tracked);
    } finally {
      restoreContext(before, beforeId);
    }
  };
}

// ---- Express 4: Layer#handle_request and #handle_error, keeping the handler's promise -------
// Express 4's two methods are four lines each and frozen; running them here is what lets the
// agent see the promise an async handler returns, which Express 4 drops.

function requestHandlerV4(original: LayerMethod): LayerMethod {
  return function handle(this: Layer, req, res, next) {
    const entry = entryOf(this, this.handle);
    const stepped = stepping === undefined ? undefined : takeStep(entry);
    const frame =
      state.active && entry.info && entry.arity <= 3 ? begin(entry.info, req, res, stepped) : undefined;
    if (frame === undefined) return original.call(this, req, res, next);
    const before = runningFrame();
    const beforeId = runningAsyncId();
    setContext(frame);
    try {
      invokeV4(entry.fn, frame, req, res, next as Next);
    } finally {
      restoreContext(before, beforeId);
    }
  };
}

function errorHandlerV4(original: LayerMethod): LayerMethod {
  return function handle_error(this: Layer, error, req, res, next) {
    const entry = entryOf(this, this.handle);
    const stepped = stepping === undefined ? undefined : takeStep(entry);
    const frame =
      state.active && entry.info && entry.arity === 4 ? begin(entry.info, req, res, stepped) : undefined;
    if (frame === undefined) return original.call(this, error, req, res, next);
    const before = runningFrame();
    const beforeId = runningAsyncId();
    setContext(frame);
    try {
      invokeErrorV4(entry.fn, frame, error, req, res, next as Next);
    } finally {
      restoreContext(before, beforeId);
    }
  };
}

function invokeV4(fn: Handler, frame: Frame, req: unknown, res: unknown, next: Next): void {
  const tracked = trackedNext(frame, next);
  try {
    settleV4(fn(req, res, tracked), frame);
  } catch (err) {
    tracked(err);
  }
}

function invokeErrorV4(
  fn: Handler,
  frame: Frame,
  error: unknown,
  req: unknown,
  res: unknown,
  next: Next,
): void {
  const tracked = trackedNext(frame, next);
  try {
    settleV4(fn(error, req, res, tracked), frame);
  } catch (err) {
    tracked(err);
  }
}

function settleV4(result: unknown, frame: Frame): void {
  if (isNativePromise(result)) watchDroppedPromise(result, frame, 'Express 4');
}
