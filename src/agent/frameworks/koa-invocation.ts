// One Koa middleware invocation: the frame it runs in, the `next` it is given, and how it left
// (see koa.ts). A middleware has left when its promise settles; `next()` called but not awaited
// shows as the middleware settling before its downstream chain.
import { ServerResponse } from 'node:http';
import { context, currentFrame } from '../context';
import { report } from '../findings';
import type { MiddlewareInfo } from '../middleware-info';
import { crossing, enter, errorReached, exit, Frame, type RequestTrace } from '../request-trace';
import { traceForResponse } from '../response-hooks';
import { guarded, state } from '../safety';
import { wrapFunction } from '../wrap';

export type Middleware = (ctx: unknown, next: unknown, ...rest: unknown[]) => unknown;
type Next = (...args: unknown[]) => unknown;

interface KoaContext {
  method?: unknown;
  originalUrl?: unknown;
  url?: unknown;
  res?: unknown;
}

/** Who answers an error no middleware caught: Koa's context error handler. */
const FALLBACK = 'ctx.onerror';

/** The frame of each request that last ended the chain with a response of its own. */
const lastResponder = new WeakMap<RequestTrace, Frame>();

export function traceFor(
  req: { method?: unknown; url?: unknown; originalUrl?: unknown },
  res: ServerResponse,
): RequestTrace {
  return traceForResponse(res, req, FALLBACK);
}

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

/** `fn` as compose and the router call it: each call an invocation of the trace. */
export function wrapMiddleware(fn: Middleware, info: MiddlewareInfo): Middleware {
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
  return wrapped;
}

function begin(ctx: unknown, info: MiddlewareInfo): Invocation | undefined {
  if (typeof ctx !== 'object' || ctx === null) return undefined;
  const c = ctx as KoaContext;
  const res = c.res;
  // the core sees responses at http.ServerResponse: an HTTP/2 one would never finish its trace
  if (!(res instanceof ServerResponse)) return undefined;
  const trace = traceFor(c, res);
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
