// One traced call of a Fastify hook, route handler or error handler. Fastify gives no seam
// below the user's function, so each one is wrapped (wrap.ts keeps the `length` and
// `constructor` Fastify reads to pick the calling style) and the wrapper tells from how the call
// ends what the function did: `done()` or a resolved promise is `next`, `done(err)`, a throw or
// a rejection is an error crossing, `reply.send()` from inside it is `response`, and nothing at
// all leaves it open for the hang watch.
import { context, currentFrame } from '../context';
import { report } from '../findings';
import { infoOf, type MiddlewareInfo } from '../middleware-info';
import { crossing, enter, exit, type Frame, type RequestTrace, type Responder } from '../request-trace';
import { traceForResponse, traceOf } from '../response-hooks';
import { guarded, state } from '../safety';
import { wrapFunction } from '../wrap';

/** The `to` of an error no handler of the app took. */
export const FASTIFY_FALLBACK = 'fastify default error handler';

/**
 * How Fastify calls the function: `hook` (request, reply, done) for onRequest, preValidation and
 * preHandler; `preParsing` (request, reply, payload, done); `onError` (request, reply, error,
 * done); `handler` (request, reply); `errorHandler` (error, request, reply).
 */
export type Role = 'hook' | 'preParsing' | 'onError' | 'handler' | 'errorHandler';

type AnyFunction = (...args: never[]) => unknown;

interface RawRequest {
  method?: string;
  url?: string;
  originalUrl?: string;
}

interface ReplyLike {
  raw: Responder & { writableEnded?: boolean };
  request?: { raw?: RawRequest };
  sent?: boolean;
  send: (...args: unknown[]) => unknown;
}

const REPLY_INDEX: Record<Role, number> = { hook: 1, preParsing: 1, onError: 1, handler: 1, errorHandler: 2 };
const DONE_INDEX: Record<Role, number> = {
  hook: 2,
  preParsing: 3,
  onError: 3,
  handler: -1,
  errorHandler: -1,
};

const wrappers: Record<Role, WeakMap<object, unknown>> = {
  hook: new WeakMap(),
  preParsing: new WeakMap(),
  onError: new WeakMap(),
  handler: new WeakMap(),
  errorHandler: new WeakMap(),
};

/** `fn` traced in `role`; one wrapper per function and role, so the app sees stable identities. */
export function traced<F extends AnyFunction>(fn: F, role: Role): F {
  const known = wrappers[role].get(fn);
  if (known) return known as F;
  const info = infoOf(fn);
  const wrapper = wrapFunction(
    fn,
    (target, thisArg, args) => invoke(role, info, target, thisArg, args) as ReturnType<F>,
  );
  wrappers[role].set(fn, wrapper);
  return wrapper;
}

/** `wrapper` with the `length` of the framework method it replaces, as the app would see it. */
export function sameLength<F extends object>(wrapper: F, original: { length: number }): F {
  Object.defineProperty(wrapper, 'length', { value: original.length, configurable: true });
  return wrapper;
}

interface Call {
  frame: Frame;
  reply: ReplyLike;
  args: unknown[];
}

function invoke(
  role: Role,
  info: MiddlewareInfo,
  target: AnyFunction,
  thisArg: unknown,
  args: unknown[],
): unknown {
  const call = state.active ? guarded(() => begin(role, info, args)) : undefined;
  if (!call) return Reflect.apply(target, thisArg, args);
  let result: unknown;
  try {
    result = context.run(call.frame, Reflect.apply, target, thisArg, call.args);
  } catch (error) {
    if (state.active) guarded(() => failed(role, call, error));
    throw error;
  }
  if (state.active) guarded(() => returned(role, call, result));
  return result;
}

function begin(role: Role, info: MiddlewareInfo, args: unknown[]): Call | undefined {
  const reply = args[REPLY_INDEX[role]];
  if (!isReply(reply)) return undefined;
  watchSends(reply);
  const trace = traceFor(reply);
  if (!trace) return undefined;
  const outer = currentFrame();
  const frame = role === 'onError' ? enterKeepingError(trace, info) : enter(trace, info);
  const doneAt = DONE_INDEX[role];
  const done = doneAt >= 0 ? args[doneAt] : undefined;
  if (typeof done === 'function') args[doneAt] = trackedDone(role, frame, outer, done as AnyFunction);
  return { frame, reply, args };
}

function isReply(value: unknown): value is ReplyLike {
  if (typeof value !== 'object' || value === null) return false;
  const reply = value as Partial<ReplyLike>;
  return typeof reply.raw === 'object' && reply.raw !== null && typeof reply.send === 'function';
}

/**
 * The request's trace, started by the first traced call: Fastify has no per-request seam before
 * its first hook, and starting here also covers `inject()` and servers Fastify made for extra
 * listen addresses. A request already answered is left alone.
 */
function traceFor(reply: ReplyLike): RequestTrace | undefined {
  const res = reply.raw;
  const known = traceOf(res);
  if (known) return known.ended ? undefined : known;
  if (res.writableEnded === true) return undefined;
  return traceForResponse(res, reply.request?.raw, FASTIFY_FALLBACK);
}

/**
 * onError hooks only look at an error on its way to the error handler; entering one must not
 * count as the error reaching it, or the `error` event would name the hook instead.
 */
function enterKeepingError(trace: RequestTrace, info: MiddlewareInfo): Frame {
  const pending = trace.pendingError;
  trace.pendingError = undefined;
  try {
    return enter(trace, info);
  } finally {
    trace.pendingError = pending;
  }
}

/**
 * `done` as the hook sees it. Fastify goes on with the chain inside it, and that must run in the
 * context the hook was called in: left in the hook's, Fastify's own reply to the handler's
 * return value would be taken for this hook's.
 */
function trackedDone(role: Role, frame: Frame, outer: Frame | undefined, done: AnyFunction): AnyFunction {
  return function (this: unknown, ...args: unknown[]) {
    const err = args[0];
    if (state.active) {
      guarded(() => {
        if (role === 'onError') exit(frame, err ? 'error' : 'next');
        else if (err) crossing(frame, err);
        else exit(frame, 'next');
      });
    }
    if (outer) return context.run(outer, Reflect.apply, done, this, args);
    return context.exit(Reflect.apply, done, this, args);
  };
}

function returned(role: Role, call: Call, result: unknown): void {
  // Only a plain native promise is followed: calling `then` on any other thenable (a query
  // builder, say) a second time could run it twice.
  if (result instanceof Promise && Object.getPrototypeOf(result) === Promise.prototype) {
    void Promise.prototype.then.call(
      result,
      () => {
        guarded(() => resolved(role, call));
      },
      (error: unknown) => {
        guarded(() => failed(role, call, error));
      },
    );
    return;
  }
  if (role === 'handler' || role === 'errorHandler') {
    // Fastify sends a value returned synchronously; undefined means the function replies itself
    if (result !== undefined || call.reply.sent === true) exit(call.frame, 'response');
  }
}

function resolved(role: Role, { frame, reply }: Call): void {
  if (role === 'handler' || role === 'errorHandler') exit(frame, 'response');
  else if (role === 'onError') exit(frame, 'next');
  else exit(frame, reply.sent === true || frame.trace.responder === frame ? 'response' : 'next');
}

/** A throw or a rejection. Fastify sends it on to the error handlers unless already answered. */
function failed(role: Role, { frame, reply }: Call, error: unknown): void {
  if (role === 'onError' || reply.sent === true) exit(frame, 'error');
  else crossing(frame, error);
}

// ---- reply.send: who answered, and an answer after the answer ----------------------------

const watchedReplyProtos = new WeakSet<object>();
const patchedSends = new WeakSet<object>();
const firstSenders = new WeakMap<RequestTrace, Frame>();

/**
 * Patches `send` where the reply's prototype chain defines it (the Reply prototype every
 * encapsulated context's Reply class inherits), once.
 */
function watchSends(reply: ReplyLike): void {
  const own = Object.getPrototypeOf(reply) as object | null;
  if (own === null || watchedReplyProtos.has(own)) return;
  watchedReplyProtos.add(own);
  let proto: object | null = own;
  while (proto !== null && !Object.prototype.hasOwnProperty.call(proto, 'send')) {
    proto = Object.getPrototypeOf(proto) as object | null;
  }
  if (proto === null || patchedSends.has(proto)) return;
  patchedSends.add(proto);
  const holder = proto as { send: unknown };
  const original = holder.send;
  if (typeof original !== 'function') return;
  holder.send = sameLength(function send(this: ReplyLike, ...args: unknown[]) {
    const sender = state.active ? guarded(() => beforeSend(this, args[0])) : undefined;
    const result: unknown = Reflect.apply(original, this, args);
    if (sender) guarded(() => exit(sender, 'response'));
    return result;
  }, original);
}

/**
 * Fastify answers a second `send` with a logged warning only, so it never reaches the response
 * the core watches: it is reported here. Returns the traced call that is sending, if any.
 */
function beforeSend(reply: ReplyLike, payload: unknown): Frame | undefined {
  if (!isReply(reply)) return undefined;
  const trace = traceOf(reply.raw);
  if (!trace) return undefined;
  const store = currentFrame();
  const mine = store !== undefined && store.trace === trace ? store : undefined;
  if (reply.sent === true) {
    doubleSend(trace, mine);
    return undefined;
  }
  if (payload instanceof Error) {
    // Fastify's next(err): the error goes on to the error handlers, nothing is sent yet
    if (mine && mine.outcome === undefined) crossing(mine, payload);
    return undefined;
  }
  if (mine && !firstSenders.has(trace)) firstSenders.set(trace, mine);
  return mine && mine.outcome === undefined ? mine : undefined;
}

function doubleSend(trace: RequestTrace, mine: Frame | undefined): void {
  const first = firstSenders.get(trace) ?? trace.responder ?? trace.lastEntered;
  if (!first) return;
  const second = mine ?? trace.lastEntered;
  const what =
    second && second !== first
      ? `sent the reply and the request went on: \`${second.info.name}\` sent it again`
      : 'sent the reply and then it was sent again (a return value, or reply.send() once more)';
  report(
    'double-response',
    trace,
    first.info,
    `\`${first.info.name}\` ${what}; Fastify only logs a warning (an async hook or handler that calls reply.send() must \`return reply\`)`,
  );
}
