// LiveStats: the agent's events folded into per-middleware stats and recent requests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FromAgent, RuntimeLoc, TraceEvent } from '../../src/protocol/agent-messages';
import { LiveStats } from '../../src/live/live-stats';

const at = (line: number, column = 1): RuntimeLoc => ({ file: '/app/app.js', line, column });
const AUTH = at(3, 21);
const LIST = at(7, 30);

/** The events of one request through `steps` ([name, loc, outcome, ms]), then its finish. */
function request(
  rid: number,
  t: number,
  url: string,
  steps: [string, RuntimeLoc, 'next' | 'response' | 'error' | 'pending' | null, number][],
  status: number | null = 200,
): TraceEvent[] {
  const out: TraceEvent[] = [{ type: 'request', t, rid, method: 'GET', url }];
  let now = t;
  for (const [name, definedAt, outcome, ms] of steps) {
    out.push({ type: 'enter', t: now, rid, name, definedAt });
    now += ms;
    if (outcome) out.push({ type: 'exit', t: now, rid, name, outcome });
  }
  if (status !== null) out.push({ type: 'finish', t: now, rid, status });
  return out;
}

function feed(stats: LiveStats, session: string, events: FromAgent[]): void {
  for (const e of events) stats.accept(session, e);
}

test('counts invocations, the last duration and the outcomes per middleware', () => {
  const stats = new LiveStats();
  feed(stats, 's', [
    { type: 'hello', token: 't', pid: 1, agentVersion: '0' },
    ...request(1, 1000, '/orders', [
      ['auth', AUTH, 'next', 2],
      ['list', LIST, 'response', 5],
    ]),
    ...request(2, 2000, '/orders', [['auth', AUTH, 'response', 7]], 401),
  ]);
  const s = stats.snapshot();
  assert.equal(s.sessions, 1);
  const auth = s.middleware.find((m) => m.name === 'auth')!;
  assert.equal(auth.key, '/app/app.js:3:21');
  assert.deepEqual(auth.definedAt, AUTH);
  assert.equal(auth.count, 2);
  assert.equal(auth.lastMs, 7);
  assert.deepEqual(auth.outcomes, { next: 1, response: 1, error: 0, pending: 0 });
  const list = s.middleware.find((m) => m.name === 'list')!;
  assert.equal(list.count, 1);
  assert.equal(list.lastMs, 5);
  // requests newest first, each with its walk
  assert.deepEqual(
    s.requests.map((r) => [r.rid, r.url, r.status, r.ms, r.steps.map((x) => `${x.name}:${x.outcome}`)]),
    [
      [2, '/orders', 401, 7, ['auth:response']],
      [1, '/orders', 200, 7, ['auth:next', 'list:response']],
    ],
  );
  assert.equal(s.requests[0]!.stoppedAt, undefined);
});

test('where requests stopped: the middleware a finding names, else the last one left pending', () => {
  const stats = new LiveStats();
  feed(stats, 's', [
    // the hang watch gave up on `auth`: pending, then the client went away
    ...request(1, 1000, '/orders', [['auth', AUTH, 'pending', 300]], 0),
    {
      type: 'finding',
      t: 1300,
      rid: 1,
      kind: 'unterminated-middleware',
      method: 'GET',
      url: '/orders',
      middleware: { name: 'auth', definedAt: AUTH },
      message: 'auth neither called next nor answered',
    },
    // left pending with nothing that answered, no finding (yet)
    ...request(2, 2000, '/slow', [['list', LIST, 'pending', 10]], null),
    // pending frames of a request that was answered are not where it stopped
    ...request(3, 3000, '/ok', [
      ['auth', AUTH, 'pending', 1],
      ['list', LIST, 'response', 1],
    ]),
  ]);
  const s = stats.snapshot();
  const byRid = new Map(s.requests.map((r) => [r.rid, r]));
  assert.deepEqual(byRid.get(1)!.stoppedAt, {
    key: '/app/app.js:3:21',
    name: 'auth',
    reason: 'unterminated-middleware',
    message: 'auth neither called next nor answered',
  });
  assert.equal(byRid.get(1)!.status, 0);
  assert.deepEqual(byRid.get(2)!.stoppedAt, { key: '/app/app.js:7:30', name: 'list', reason: 'pending' });
  assert.equal(byRid.get(2)!.status, null);
  assert.equal(byRid.get(3)!.stoppedAt, undefined);
  const auth = s.middleware.find((m) => m.name === 'auth')!;
  assert.deepEqual(
    auth.stops.map((x) => `${x.method} ${x.url}: ${x.reason}`),
    ['GET /orders: unterminated-middleware'],
  );
  const list = s.middleware.find((m) => m.name === 'list')!;
  assert.deepEqual(
    list.stops.map((x) => `${x.url}: ${x.reason}`),
    ['/slow: pending'],
  );
});

test('a finding of no request (an escaping throw) is a stop of the middleware it names', () => {
  const stats = new LiveStats();
  stats.accept('s', {
    type: 'finding',
    t: 5,
    rid: null,
    kind: 'escaping-async-throw',
    method: 'GET',
    url: '/timer',
    middleware: { name: 'schedule', definedAt: at(9, 4) },
    message: 'a timer threw',
  });
  const m = stats.snapshot().middleware[0]!;
  assert.equal(m.name, 'schedule');
  assert.equal(m.count, 0);
  assert.deepEqual(
    m.stops.map((x) => [x.url, x.reason, x.message]),
    [['/timer', 'escaping-async-throw', 'a timer threw']],
  );
});

test('the window keeps the last N requests per session; counts go on; steps are bounded', () => {
  const stats = new LiveStats({ maxRequests: 3, maxSteps: 2 });
  for (let rid = 1; rid <= 10; rid++)
    feed(stats, 's', request(rid, rid * 100, `/r${rid}`, [['auth', AUTH, 'next', 1]]));
  feed(
    stats,
    's',
    request(11, 2000, '/long', [
      ['auth', AUTH, 'next', 1],
      ['list', LIST, 'next', 1],
      ['auth', AUTH, 'next', 1],
      ['list', LIST, 'response', 4],
    ]),
  );
  const s = stats.snapshot();
  assert.deepEqual(
    s.requests.map((r) => r.rid),
    [11, 10, 9],
  );
  assert.equal(s.middleware.find((m) => m.name === 'auth')!.count, 12);
  const long = s.requests[0]!;
  assert.equal(long.steps.length, 2);
  assert.equal(long.more, 2);
  // the last `list` left although it was not listed: its duration still counts
  assert.equal(s.middleware.find((m) => m.name === 'list')!.lastMs, 4);
});

test('an exit pairs with the latest open invocation of that name (re-entered middleware)', () => {
  const stats = new LiveStats();
  feed(stats, 's', [
    { type: 'request', t: 0, rid: 1, method: 'GET', url: '/' },
    { type: 'enter', t: 0, rid: 1, name: 'mw', definedAt: at(1) },
    { type: 'enter', t: 10, rid: 1, name: 'mw', definedAt: at(1) },
    { type: 'exit', t: 15, rid: 1, name: 'mw', outcome: 'next' },
    { type: 'exit', t: 40, rid: 1, name: 'mw', outcome: 'response' },
    // events of requests the window does not hold, or exits of nothing open, change nothing
    { type: 'exit', t: 50, rid: 1, name: 'mw', outcome: 'next' },
    { type: 'exit', t: 50, rid: 99, name: 'mw', outcome: 'next' },
    { type: 'finish', t: 50, rid: 99, status: 200 },
  ]);
  const [r] = stats.snapshot().requests;
  assert.deepEqual(
    r!.steps.map((x) => [x.outcome, x.ms]),
    [
      ['response', 40],
      ['next', 5],
    ],
  );
  assert.deepEqual(stats.snapshot().middleware[0]!.outcomes, { next: 1, response: 1, error: 0, pending: 0 });
});

test('sessions merge; ending one takes what it ran away; clear empties; dropped events are counted', () => {
  const stats = new LiveStats();
  feed(stats, 'a', request(1, 1000, '/x', [['auth', AUTH, 'next', 3]]));
  feed(stats, 'b', request(1, 2000, '/y', [['auth', AUTH, 'next', 9]]));
  stats.accept('b', { type: 'dropped', count: 17 });
  let s = stats.snapshot();
  assert.equal(s.sessions, 2);
  assert.equal(s.dropped, 17);
  assert.equal(s.middleware.length, 1);
  assert.equal(s.middleware[0]!.count, 2);
  assert.equal(s.middleware[0]!.lastMs, 9, 'the latest exit of either session');
  assert.deepEqual(
    s.requests.map((r) => `${r.session} ${r.url}`),
    ['b /y', 'a /x'],
  );
  stats.endSession('b');
  s = stats.snapshot();
  assert.equal(s.sessions, 1);
  assert.equal(s.dropped, 0);
  assert.equal(s.middleware[0]!.lastMs, 3);
  // one debug session, two agent processes (rids restart in each): ended together
  feed(stats, 'debug-2#100', request(1, 3000, '/p1', [['auth', AUTH, 'next', 1]]));
  feed(stats, 'debug-2#200', request(1, 3001, '/p2', [['auth', AUTH, 'next', 1]]));
  assert.equal(stats.snapshot().requests.length, 3);
  stats.endSession('debug-2');
  assert.deepEqual(
    stats.snapshot().requests.map((r) => r.url),
    ['/x'],
  );
  stats.clear();
  assert.equal(stats.snapshot().sessions, 0);
  assert.equal(stats.active, false);
});

test('the snapshot is the same object until something changes', () => {
  const stats = new LiveStats();
  feed(stats, 's', request(1, 0, '/', [['auth', AUTH, 'next', 1]]));
  const a = stats.snapshot();
  assert.equal(stats.snapshot(), a);
  stats.accept('s', { type: 'instrumented', framework: 'express', version: '5.1.0' });
  assert.equal(stats.snapshot(), a, 'messages that change no stats keep it');
  feed(stats, 's', request(2, 5, '/', [['auth', AUTH, 'next', 1]]));
  assert.notEqual(stats.snapshot(), a);
});

test('malformed events are ignored', () => {
  const stats = new LiveStats();
  const bad = [
    null,
    { type: 'enter', t: 0, rid: 1, name: 'x' },
    { type: 'finding', t: 0, rid: null, kind: 'double-response', method: 'GET', url: '/', message: '' },
    { type: 'mystery' },
  ] as unknown as FromAgent[];
  for (const e of bad) assert.doesNotThrow(() => stats.accept('s', e));
  assert.equal(stats.snapshot().middleware.length, 0);
});

test('change notifications are throttled: a burst gives one, later changes another', async () => {
  const stats = new LiveStats({ throttleMs: 200 });
  const fired: number[] = [];
  const sub = stats.onDidChange(() => fired.push(Date.now()));
  const until = async (n: number) => {
    for (const deadline = Date.now() + 3000; fired.length < n && Date.now() < deadline;)
      await new Promise((r) => setTimeout(r, 5));
  };
  try {
    for (let rid = 1; rid <= 500; rid++)
      feed(stats, 's', request(rid, rid, '/', [['auth', AUTH, 'next', 0]]));
    assert.equal(fired.length, 0, 'never from inside accept');
    await until(1);
    assert.equal(fired.length, 1, 'one notification for the burst');
    feed(stats, 's', request(501, 501, '/', [['auth', AUTH, 'next', 0]]));
    feed(stats, 's', request(502, 502, '/', [['auth', AUTH, 'next', 0]]));
    await until(2);
    assert.equal(fired.length, 2, 'then one for what came meanwhile');
    assert.ok(fired[1]! - fired[0]! >= 190, `at least the interval apart (${fired[1]! - fired[0]!} ms)`);
    await new Promise((r) => setTimeout(r, 250));
    assert.equal(fired.length, 2, 'nothing more without changes');
  } finally {
    sub.dispose();
    stats.dispose();
  }
  // disposed: no timer keeps the process
  feed(stats, 's', request(600, 600, '/', [['auth', AUTH, 'next', 0]]));
});
