// Express 4 and 5, and the `router` package under Express 5. Every middleware, route handler and
// error handler runs through its Layer's handle method, so patching the Layer prototype sees the
// whole chain without wrapping a single user function: `fn.length`, `this`, properties and
// `router.stack` stay exactly as the app made them.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { context } from '../context';
import { infoOf, type MiddlewareInfo } from '../middleware-info';
import type { Instrumentation } from '../module-hooks';
import { crossing, enter, exit, type Frame } from '../request-trace';
import { traceForResponse } from '../response-hooks';
import { state, stepAside } from '../safety';
import { announce } from '../announce';
import { isNativePromise, watchDroppedPromise } from './dropped-promise';

type Next = (err?: unknown) => void;
type Handler = (...args: unknown[]) => unknown;
interface Layer {
  handle: Handler;
  route?: unknown;
  [kInfo]?: MiddlewareInfo | null;
}
type LayerMethod = (this: Layer, ...args: unknown[]) => unknown;

const kInfo = Symbol('mwchain.layer');
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

/** The middleware a layer runs, or null for plumbing: routers, routes, mounted apps. */
function layerInfo(layer: Layer, fn: Handler): MiddlewareInfo | null {
  const known = layer[kInfo];
  if (known !== undefined && (known === null || known.fn === fn)) return known;
  const info = isPlumbing(layer, fn) ? null : infoOf(fn);
  layer[kInfo] = info;
  return info;
}

function isPlumbing(layer: Layer, fn: Handler): boolean {
  if (layer.route !== undefined) return true;
  const f = fn as Handler & { stack?: unknown; handle?: unknown };
  if (Array.isArray(f.stack) && typeof f.handle === 'function') return true;
  if (fn.name === 'mounted_app') return true;
  return (fn.name === 'query' || fn.name === 'expressInit') && frameworkSources.has(String(fn));
}

/** `next` as the middleware sees it: records how the middleware left, then goes on. */
function trackedNext(frame: Frame, next: Next): Next {
  return function (this: unknown, err?: unknown) {
    if (frame.outcome === undefined && state.active) {
      try {
        if (err && err !== 'route' && err !== 'router') crossing(frame, err);
        else exit(frame, 'next');
      } catch (error) {
        stepAside(error);
      }
    }
    return next.call(this, err);
  };
}

/** The frame for `layer`'s handler on this request, or undefined for plumbing (or on failure). */
function begin(layer: Layer, fn: Handler, req: unknown, res: unknown): Frame | undefined {
  try {
    let info = layer[kInfo];
    if (info === undefined || (info !== null && info.fn !== fn)) info = layerInfo(layer, fn);
    if (info === null) return undefined;
    return enter(traceForResponse(res as ServerResponse, req as IncomingMessage, 'finalhandler'), info);
  } catch (error) {
    stepAside(error);
    return undefined;
  }
}

// The patched methods below are on every request's path: no closures beyond `next`, no arrays.

// ---- router 2 (Express 5): the original method runs, with the tracked next ----------------

function requestHandler(original: LayerMethod): LayerMethod {
  return function handleRequest(this: Layer, req, res, next) {
    const fn = this.handle;
    const frame = state.active && fn.length <= 3 ? begin(this, fn, req, res) : undefined;
    if (frame === undefined) return original.call(this, req, res, next);
    return context.run(frame, callOriginal, original, this, req, res, trackedNext(frame, next as Next));
  };
}

function errorHandler(original: LayerMethod): LayerMethod {
  return function handleError(this: Layer, error, req, res, next) {
    const fn = this.handle;
    const frame = state.active && fn.length === 4 ? begin(this, fn, req, res) : undefined;
    if (frame === undefined) return original.call(this, error, req, res, next);
    return context.run(
      frame,
      callOriginalError,
      original,
      this,
      error,
      req,
      res,
      trackedNext(frame, next as Next),
    );
  };
}

function callOriginal(original: LayerMethod, layer: Layer, req: unknown, res: unknown, next: Next): unknown {
  return original.call(layer, req, res, next);
}

function callOriginalError(
  original: LayerMethod,
  layer: Layer,
  error: unknown,
  req: unknown,
  res: unknown,
  next: Next,
): unknown {
  return original.call(layer, error, req, res, next);
}

// ---- Express 4: Layer#handle_request and #handle_error, keeping the handler's promise -------
// Express 4's two methods are four lines each and frozen; running them here is what lets the
// agent see the promise an async handler returns, which Express 4 drops.

function requestHandlerV4(original: LayerMethod): LayerMethod {
  return function handle(this: Layer, req, res, next) {
    const fn = this.handle;
    const frame = state.active && fn.length <= 3 ? begin(this, fn, req, res) : undefined;
    if (frame === undefined) return original.call(this, req, res, next);
    return context.run(frame, invokeV4, fn, frame, req, res, next as Next);
  };
}

function errorHandlerV4(original: LayerMethod): LayerMethod {
  return function handle_error(this: Layer, error, req, res, next) {
    const fn = this.handle;
    const frame = state.active && fn.length === 4 ? begin(this, fn, req, res) : undefined;
    if (frame === undefined) return original.call(this, error, req, res, next);
    return context.run(frame, invokeErrorV4, fn, frame, error, req, res, next as Next);
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
