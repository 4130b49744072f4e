// The async context: the middleware invocation (Frame) that is running, or that scheduled the
// callback now running. One store per invocation, so a timer set by `auth` and firing while
// `render` runs is still `auth`'s.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Frame } from './request-trace';

export const context = new AsyncLocalStorage<Frame>();

export function currentFrame(): Frame | undefined {
  return context.getStore();
}
