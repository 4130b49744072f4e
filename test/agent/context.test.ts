// The agent's async context without AsyncLocalStorage: the invocation running now, and the one
// that scheduled the callback running now, through timers, promises, nesting and exits.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AsyncResource } from 'node:async_hooks';
import { context, currentFrame } from '../../src/agent/context';
import type { Frame } from '../../src/agent/request-trace';

// The context only carries frames; a named object is enough to tell them apart.
const frame = (name: string) => ({ name }) as unknown as Frame;
const A = frame('A');
const B = frame('B');

const later = <T>(fn: () => T) => new Promise<T>((resolve) => setTimeout(() => resolve(fn()), 5));

test('no invocation: no frame', () => {
  assert.equal(currentFrame(), undefined);
});

test('nested invocations: the inner one while it runs, the outer one again after', () => {
  context.run(A, () => {
    assert.equal(currentFrame(), A);
    context.run(B, () => assert.equal(currentFrame(), B));
    assert.equal(currentFrame(), A);
  });
  assert.equal(currentFrame(), undefined);
});

test('an invocation that throws leaves the context as it found it', () => {
  context.run(A, () => {
    assert.throws(() =>
      context.run(B, () => {
        throw new Error('boom');
      }),
    );
    assert.equal(currentFrame(), A);
  });
  assert.equal(currentFrame(), undefined);
});

test('a timer belongs to the invocation that set it, even when it fires while another runs', async () => {
  let seen: Frame | undefined;
  const fired = new Promise<void>((resolve) => {
    context.run(A, () =>
      setTimeout(() => {
        seen = currentFrame();
        resolve();
      }, 10),
    );
  });
  // B is running when A's timer fires
  const blocker = later(() => context.run(B, () => currentFrame()));
  assert.equal(await blocker, B);
  await fired;
  assert.equal(seen, A);
  assert.equal(currentFrame(), undefined);
});

test('promise continuations and timers set from them keep the frame', async () => {
  const seen = await context.run(A, async () => {
    await null;
    const afterAwait = currentFrame();
    const inTimer = await later(() => currentFrame());
    return [afterAwait, inTimer];
  });
  assert.deepEqual(seen, [A, A]);
});

test('exit: what is scheduled inside belongs to no invocation', async () => {
  const seen = await context.run(A, () => context.exit(() => later(() => currentFrame())));
  assert.equal(seen, undefined);
});

test('an AsyncResource made in A and entered synchronously inside B is in A', () => {
  const resource = context.run(A, () => new AsyncResource('test'));
  const inside = context.run(B, () => resource.runInAsyncScope(() => currentFrame()));
  assert.equal(inside, A);
});

test('two callbacks in a row of different invocations each get their own', async () => {
  const seen: (Frame | undefined)[] = [];
  await new Promise<void>((resolve) => {
    context.run(A, () => setImmediate(() => seen.push(currentFrame())));
    context.run(B, () => setImmediate(() => seen.push(currentFrame())));
    setImmediate(() => {
      seen.push(currentFrame());
      resolve();
    });
  });
  assert.deepEqual(seen, [A, B, undefined]);
});

test('a nextTick callback, and what it schedules, belong to the invocation that queued it', async () => {
  const seen = await new Promise<(Frame | undefined)[]>((resolve) => {
    context.run(A, () =>
      process.nextTick(() => {
        const inTick = currentFrame();
        setTimeout(() => resolve([inTick, currentFrame()]), 1);
      }),
    );
    context.run(B, () => process.nextTick(() => undefined));
  });
  assert.deepEqual(seen, [A, A]);
});
