// The async context: the middleware invocation (Frame) that is running, or that scheduled the
// callback now running. One frame per invocation, so a timer set by `auth` and firing while
// `render` runs is still `auth`'s.
//
// Not AsyncLocalStorage: its `run` costs a rest array, two lookups of the execution resource and
// keyed stores on objects of every shape, around each of the dozen middleware of every request.
// Here the invocation running now is a plain variable, saved and restored around the call, and
// one init hook copies it onto the async resources created meanwhile; a callback that runs later
// finds its frame on its resource, as AsyncLocalStorage would find its store.
import { createHook, executionAsyncId, executionAsyncResource } from 'node:async_hooks';
import type { Frame } from './request-trace';

const kFrame = Symbol('mwchain.frame');
interface Carrier {
  [kFrame]?: Frame;
}

/**
 * The frame of the invocation on the stack now, `null` inside `exit`, `undefined` when none is:
 * then the running callback's resource says. Valid only while the async id it was set in runs: a
 * callback Node calls synchronously from inside an invocation (AsyncResource#runInAsyncScope) is
 * in its own context, as with AsyncLocalStorage.
 */
let running: Frame | null | undefined;
let runningId = -1;
let hooked = false;

function propagate(_id: number, _type: string, _trigger: number, resource: object): void {
  const id = executionAsyncId();
  const frame = running !== undefined && id === runningId ? running : frameOf(id);
  if (frame) (resource as Carrier)[kFrame] = frame;
}

// A resource's frame is set once, when it is created, and async ids are never reused: the frame
// of the callback running now is looked up once per callback, not once per resource it creates
// (Node's streams create several per request) nor per question.
let lookedUpId = -1;
let lookedUpFrame: Frame | undefined;

function frameOf(id: number): Frame | undefined {
  // 0 is "no known context" and 1 the top level: not one resource each
  if (id !== lookedUpId || id <= 1) {
    lookedUpId = id;
    lookedUpFrame = (executionAsyncResource() as Carrier)[kFrame];
  }
  return lookedUpFrame;
}

function hook(): void {
  hooked = true;
  createHook({ init: propagate }).enable();
}

export function currentFrame(): Frame | undefined {
  const id = executionAsyncId();
  if (running !== undefined && id === runningId) return running ?? undefined;
  return hooked ? frameOf(id) : undefined;
}

// Invocations nest (a middleware calls next() and the next one runs inside it), and strictly so:
// each caller keeps what ran before in its own locals (`runningFrame`, `runningAsyncId`) and hands
// it back to `restoreContext` in a `finally`. Locals, because every store of a young frame into a
// long-lived array costs a write barrier, a dozen times per request.

/** The running invocation, for a caller of `setContext` to hand back to `restoreContext`. */
export function runningFrame(): Frame | null | undefined {
  return running;
}

/** The async id `runningFrame()` was set in, to hand back with it. */
export function runningAsyncId(): number {
  return runningId;
}

/** Makes `frame` the running invocation until the caller's `restoreContext`. */
export function setContext(frame: Frame | null): void {
  if (!hooked) hook();
  running = frame;
  runningId = executionAsyncId();
}

export function restoreContext(frame: Frame | null | undefined, asyncId: number): void {
  running = frame;
  runningId = asyncId;
}

function within<A extends unknown[], R>(frame: Frame | null, fn: (...args: A) => R, args: A): R {
  const before = running;
  const beforeId = runningId;
  setContext(frame);
  try {
    return fn(...args);
  } finally {
    restoreContext(before, beforeId);
  }
}

export const context = {
  /** `fn(...args)` with `frame` as the running invocation. */
  run<A extends unknown[], R>(frame: Frame, fn: (...args: A) => R, ...args: A): R {
    return within(frame, fn, args);
  },
  /** `fn(...args)` outside any invocation: what it schedules belongs to no middleware. */
  exit<A extends unknown[], R>(fn: (...args: A) => R, ...args: A): R {
    return within(null, fn, args);
  },
};
