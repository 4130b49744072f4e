// The hang watch's timer runs only while requests are in flight, and a request that starts it
// again is timed from its own start, not from the last sweep before the app went idle.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { configureHangWatch } from '../../src/agent/hang-watch';
import { finishRequest, startRequest, type RequestTrace } from '../../src/agent/request-trace';

// a sweep every 40 ms; waits are several sweeps long, so a busy CI machine still sees each one
const HANG_MS = 400;
const SWEEPS = 120;

function request(): RequestTrace {
  return startRequest(
    'GET',
    '/slow',
    { headersSent: false, destroyed: false, statusCode: 200 },
    'finalhandler',
  );
}

test('the sweep stops once no request is in flight, and the next request starts it again', async () => {
  const hung: string[] = [];
  configureHangWatch(HANG_MS, (trace, reason) => hung.push(`${trace.url} ${reason}`));
  const cleared: unknown[] = [];
  let started = 0;
  const { setInterval: realSet, clearInterval: realClear } = globalThis;
  globalThis.setInterval = ((...args: Parameters<typeof setInterval>) => {
    started++;
    return realSet(...args);
  }) as typeof setInterval;
  globalThis.clearInterval = ((t: Parameters<typeof clearInterval>[0]) => {
    cleared.push(t);
    realClear(t);
  }) as typeof clearInterval;
  try {
    finishRequest(request(), true);
    assert.equal(started, 1);
    await sleep(SWEEPS);
    assert.equal(cleared.length, 1, 'a sweep that found nothing in flight stopped the timer');
    await sleep(SWEEPS);
    assert.equal(cleared.length, 1, 'and nothing swept since');

    // idle for longer than the hang time: the clock the sweep keeps has stood still meanwhile
    await sleep(HANG_MS * 2);
    const slow = request();
    assert.equal(started, 2, 'the next request started the timer again');
    await sleep(SWEEPS);
    assert.deepEqual(hung, [], 'a request is timed from its own start, not from the last sweep');
    await sleep(HANG_MS + SWEEPS);
    // asked at every sweep from then on: the agent's handler reports it once
    assert.deepEqual([...new Set(hung)], ['/slow timeout']);
    finishRequest(slow, true);
  } finally {
    globalThis.setInterval = realSet;
    globalThis.clearInterval = realClear;
  }
});
