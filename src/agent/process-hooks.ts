// An error no middleware could catch: thrown in a timer, an event handler or a callback that a
// middleware scheduled. 'uncaughtExceptionMonitor' runs before Node decides the process's fate
// and changes nothing about it; the async context still names the middleware that scheduled
// the callback. The finding is flushed before the process dies.
import { currentFrame } from './context';
import { report, wasReported } from './findings';
import { takeDroppedRejection } from './frameworks/dropped-promise';
import { messageOf } from './request-trace';
import { guarded } from './safety';
import { flush } from './sink';

export function installProcessHooks(): void {
  process.on('uncaughtExceptionMonitor', (error, origin) => {
    guarded(() => {
      const frame = currentFrame();
      if (takeDroppedRejection(error)) {
        // reported as unhandled-async-error, at the middleware whose promise it was
      } else if (frame && !wasReported(error)) {
        const how = origin === 'unhandledRejection' ? 'rejected' : 'threw';
        report(
          'escaping-async-throw',
          frame.trace,
          frame.info,
          `An async callback scheduled by \`${frame.info.name}\` ${how} outside the chain, where no error handler can catch it: ${messageOf(error)}`,
          error,
        );
      }
      flush();
    });
  });
  process.on('exit', () => guarded(flush));
}
