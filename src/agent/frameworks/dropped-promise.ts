// Frameworks that call a middleware and ignore what it returns (Express 4, Connect) never see the
// promise of an async middleware: a rejection reaches no error handler and leaves the request
// without a response. The agent keeps that promise so it can say which middleware it was.
import { report } from '../findings';
import { exit, type Frame } from '../request-trace';
import { guarded } from '../safety';

/**
 * Only the engine's own promises: calling `then` on an arbitrary thenable (a query builder, a
 * lazy task) may start work the app never asked for.
 */
export function isNativePromise(value: unknown): value is Promise<unknown> {
  return value instanceof Promise;
}

interface Deferred {
  frame: Frame;
  framework: string;
}

const deferred = new Map<unknown, Deferred>();
let drainScheduled = false;

/**
 * The rejection is passed on unchanged through the derived promise: the app gets the same
 * unhandled rejection, with the same reason, it would have had without the agent.
 *
 * The finding waits until Node has looked at that rejection: reading `error.stack` sooner makes
 * V8 drop the throw position Node prints above a fatal error. If the rejection is fatal, the
 * uncaught-exception monitor writes it (takeDroppedRejection) before the process dies; if the app
 * handles unhandled rejections itself, the next turn of the event loop does.
 */
export function watchDroppedPromise(promise: Promise<unknown>, frame: Frame, framework: string): void {
  promise.then(undefined, (error: unknown) => {
    guarded(() => {
      exit(frame, 'error');
      deferred.set(error, { frame, framework });
      if (!drainScheduled) {
        drainScheduled = true;
        setImmediate(drain);
      }
    });
    throw error;
  });
}

/** Reports the dropped rejection `error`, if it is one; true when it was. */
export function takeDroppedRejection(error: unknown): boolean {
  const entry = deferred.get(error);
  if (!entry) return false;
  deferred.delete(error);
  const { frame, framework } = entry;
  report(
    'unhandled-async-error',
    frame.trace,
    frame.info,
    `\`${frame.info.name}\` returned a promise that rejected; ${framework} ignores it, so no error handler runs and the request is left without a response`,
    error,
  );
  return true;
}

function drain(): void {
  drainScheduled = false;
  guarded(() => {
    for (const error of [...deferred.keys()]) takeDroppedRejection(error);
  });
}
