// Connect 3. It has no seam below the user's function: `app.use(route, fn)` pushes
// `{ route, handle: fn }` onto `app.stack`, and a module-private `call()` invokes `handle`,
// choosing error handlers by `handle.length === 4` and catching what they throw. The methods
// every app gets are copied from a module-private object, so the only way in is the app itself:
// the exported `createServer` is replaced, before anything has seen it (module-hooks.ts), by a
// Proxy that gives each new app a `use` which wraps each middleware in a Proxy as it is stored. `length`, `name`, `this`
// and properties stay the app's, and sub-apps stay unwrapped: their own `use` traces their stack.
import { ServerResponse, type IncomingMessage } from 'node:http';
import { announce } from '../announce';
import { context } from '../context';
import { infoOf } from '../middleware-info';
import type { Instrumentation } from '../module-hooks';
import { crossing, enter, exit, type Frame } from '../request-trace';
import { traceForResponse } from '../response-hooks';
import { guarded, state } from '../safety';
import { wrapFunction } from '../wrap';
import { isNativePromise, watchDroppedPromise } from './dropped-promise';

type Next = (err?: unknown) => void;
type Handler = (...args: unknown[]) => unknown;
type CreateServer = (...args: unknown[]) => unknown;
interface StackLayer {
  route?: unknown;
  handle?: unknown;
}
interface ConnectApp {
  (req: unknown, res: unknown, next?: unknown): void;
  use: Handler;
  handle: Handler;
  listen: Handler;
  stack: StackLayer[];
}

/** The `createServer` Proxies this front end handed out. */
const replaced = new WeakSet<object>();
/** One wrapper per middleware function, however many apps or paths it is used on. */
const wrappers = new WeakMap<Handler, Handler>();

export const connectInstrumentation: Instrumentation = {
  name: 'connect',
  pathHint: /connect/,
  tryInstrument(exports) {
    return typeof exports === 'function' && replaced.has(exports);
  },
  replaceExports(exports) {
    if (typeof exports !== 'function' || replaced.has(exports)) return undefined;
    const createServer = exports as CreateServer;
    // Probing calls the export, so it must look like Connect's factory first: a user module at a
    // path with `connect` in it may export a function that opens a database connection.
    if (!looksLikeFactory(createServer)) return undefined;
    const use = probeUse(createServer);
    if (!use) return undefined;
    const tracedUse = wrapFunction(use, useTrap);
    const proxy = new Proxy(createServer, {
      apply(target, thisArg, args) {
        const app = Reflect.apply(target, thisArg, args);
        guarded(() => instrumentApp(app, use, tracedUse));
        return app;
      },
      construct(target, args, newTarget) {
        const app = Reflect.construct(target, args, newTarget) as object;
        guarded(() => instrumentApp(app, use, tracedUse));
        return app;
      },
    });
    replaced.add(proxy);
    announce('connect');
    return proxy;
  },
};

/** Named createServer, no parameters, and its body gives the app it makes a `stack`. */
function looksLikeFactory(fn: CreateServer): boolean {
  if (fn.name !== 'createServer' || fn.length !== 0) return false;
  const source = Function.prototype.toString.call(fn);
  return /\.stack\s*=\s*\[\s*\]/.test(source) && source.includes('.handle(');
}

/** Connect's `use`, when a probe app made by `createServer` has the shape this front end needs. */
function probeUse(createServer: CreateServer): Handler | undefined {
  const app = createServer() as ConnectApp;
  if (
    typeof app !== 'function' ||
    typeof app.use !== 'function' ||
    typeof app.handle !== 'function' ||
    typeof app.listen !== 'function' ||
    !Array.isArray(app.stack) ||
    app.stack.length !== 0 ||
    !Object.prototype.hasOwnProperty.call(app, 'use')
  ) {
    return undefined;
  }
  const probe = function mwchainProbe(_req: unknown, _res: unknown, next: Next): void {
    next();
  };
  app.use('/probe', probe);
  const stack: StackLayer[] = app.stack;
  return stack.length === 1 && stack[0]?.handle === probe ? app.use : undefined;
}

function instrumentApp(app: unknown, use: Handler, tracedUse: Handler): void {
  if (typeof app === 'function' && (app as ConnectApp).use === use) (app as ConnectApp).use = tracedUse;
}

/** Lets Connect store the middleware as it always does, then wraps what it stored. */
function useTrap(target: Handler, thisArg: unknown, args: unknown[]): unknown {
  const stack = state.active ? stackOf(thisArg) : undefined;
  const before = stack?.length ?? 0;
  const result = Reflect.apply(target, thisArg, args);
  if (stack && stack.length === before + 1 && state.active) {
    const given = typeof args[0] === 'string' ? args[1] : args[0];
    guarded(() => traceLayer(stack[before], given));
  }
  return result;
}

function stackOf(app: unknown): StackLayer[] | undefined {
  const stack = typeof app === 'function' ? (app as Partial<ConnectApp>).stack : undefined;
  return Array.isArray(stack) ? stack : undefined;
}

function traceLayer(layer: StackLayer | undefined, given: unknown): void {
  if (!layer || typeof layer !== 'object') return;
  const handle = layer.handle;
  // A mounted app (Connect's own, or Express) is plumbing, stored by Connect as a closure
  // around its `handle`; an http.Server given to `use` is stored as its request listener.
  if (isMountable(given) || typeof handle !== 'function' || isMountable(handle)) return;
  layer.handle = tracedMiddleware(handle as Handler);
}

function isMountable(value: unknown): boolean {
  return (
    (typeof value === 'function' || (typeof value === 'object' && value !== null)) &&
    typeof (value as { handle?: unknown }).handle === 'function'
  );
}

function tracedMiddleware(fn: Handler): Handler {
  let wrapper = wrappers.get(fn);
  if (!wrapper) {
    wrapper = wrapFunction(fn, traceCall);
    wrappers.set(fn, wrapper);
  }
  return wrapper;
}

/**
 * Connect calls `handle(req, res, next)` or, for an error handler, `handle(err, req, res, next)`.
 * Anything else (the app calling a stored handle itself) runs untouched.
 */
function traceCall(target: Handler, thisArg: unknown, args: unknown[]): unknown {
  const n = args.length;
  const frame =
    state.active && (n === 3 || n === 4)
      ? guarded(() => begin(target, args[n - 3], args[n - 2], args[n - 1]))
      : undefined;
  if (!frame) return Reflect.apply(target, thisArg, args);
  const tracked = args.slice();
  tracked[n - 1] = trackedNext(frame, args[n - 1] as Next);
  return context.run(frame, invoke, target, thisArg, tracked, frame);
}

function begin(fn: Handler, req: unknown, res: unknown, next: unknown): Frame | undefined {
  // only Node's responses: the core learns how the request ends from ServerResponse's methods
  if (typeof next !== 'function' || !(res instanceof ServerResponse)) return undefined;
  return enter(traceForResponse(res, req as IncomingMessage, 'finalhandler'), infoOf(fn));
}

function invoke(fn: Handler, thisArg: unknown, args: unknown[], frame: Frame): unknown {
  let returned: unknown;
  try {
    returned = Reflect.apply(fn, thisArg, args);
  } catch (error) {
    // Connect catches it and calls next(error): the same crossing as next(error), or a plain
    // next() for a falsy value, which Connect does not count as an error.
    if (state.active) guarded(() => (error ? crossing(frame, error) : exit(frame, 'next')));
    throw error;
  }
  const result = returned;
  if (isNativePromise(result) && state.active) {
    guarded(() => watchDroppedPromise(result, frame, 'Connect'));
  }
  return result;
}

/** `next` as the middleware sees it: records how the middleware left, then goes on. */
function trackedNext(frame: Frame, next: Next): Next {
  // `err` stays a named parameter: the function's length is 1, like Connect's own next
  return function (this: unknown, err?: unknown, ...rest: unknown[]) {
    // Connect counts any truthy value as an error, 'route' included
    if (state.active) guarded(() => (err ? crossing(frame, err) : exit(frame, 'next')));
    return Reflect.apply(next, this, [err, ...rest]) as void;
  };
}
