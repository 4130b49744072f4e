// The runtime agent's Connect 3 front end, against real apps (test/fixtures/agent-connect-*)
// started with and without the agent: the trace of each request, the findings, and that the app
// answers exactly as it does without the agent. Needs dist/agent.js (`node scripts/build.mjs`).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingHttpHeaders } from 'node:http';
import type { TraceEvent } from '../../src/protocol/agent-messages';
import { findings, ridOf, RunningApp, walk, type Reply } from '../support/agent-app';

const CHAIN = 'agent-connect-chain/app.cjs';
const FINDINGS = 'agent-connect-findings/app.cjs';
const REJECTION = 'agent-connect-async-rejection/app.cjs';
const ESM = 'agent-connect-esm/app.mjs';

const started: RunningApp[] = [];
after(async () => {
  await Promise.all(started.map((app) => app.stop()));
});

async function start(app: string, options: { agent?: boolean; env?: Record<string, string> } = {}) {
  const running = await RunningApp.start({ app, ...options });
  started.push(running);
  return running;
}

const finished = (count: number) => (events: TraceEvent[]) =>
  events.filter((e) => e.type === 'finish').length >= count;

/** The trace once the `nth` request to `url` has its `finish` line. */
function eventsUntilFinished(app: RunningApp, url: string, nth = 0): Promise<TraceEvent[]> {
  return app.events((evs) => {
    const request = evs.filter((e) => e.type === 'request' && e.url === url)[nth];
    return request !== undefined && evs.some((e) => e.type === 'finish' && e.rid === request.rid);
  });
}

/** The walk of the `nth` request to `url`, once it finished. */
async function walkOf(app: RunningApp, url: string, nth = 0): Promise<string[]> {
  const events = await eventsUntilFinished(app, url, nth);
  return walk(events, ridOf(events, 'GET', url, nth));
}

describe('Connect: the trace of each request', () => {
  let app: RunningApp;
  before(async () => {
    app = await start(CHAIN);
  });

  test('walks plain middleware, a route prefix and a mounted sub-app', async () => {
    assert.equal((await app.get('/walk')).body, 'walk for guest at /');
    assert.deepEqual(await walkOf(app, '/walk'), [
      '>logRequest',
      'logRequest:next',
      '>authenticate',
      'authenticate:next',
      '>sendWalk',
      'sendWalk:response',
      'finish 200',
    ]);

    assert.equal((await app.get('/api/users')).status, 200);
    assert.deepEqual((await walkOf(app, '/api/users')).slice(4), [
      '>listUsers',
      'listUsers:response',
      'finish 200',
    ]);

    // the sub-app's own middleware, and nothing for the closure Connect mounts it with
    assert.equal((await app.get('/admin/page')).body, 'admin page / /admin/page');
    assert.deepEqual((await walkOf(app, '/admin/page')).slice(4), [
      '>adminGate',
      'adminGate:next',
      '>adminPage',
      'adminPage:response',
      'finish 200',
    ]);
  });

  test('next(err) crosses to the next error handler, skipping request middleware', async () => {
    const reply = await app.get('/fail');
    assert.equal(reply.status, 500);
    assert.equal(reply.body, 'handled: payment declined');
    const events = await eventsUntilFinished(app, '/fail');
    const rid = ridOf(events, 'GET', '/fail');
    assert.deepEqual(walk(events, rid).slice(4), [
      '>failWithNext',
      'failWithNext:error',
      'error failWithNext->handleError',
      '>handleError',
      'handleError:response',
      'finish 500',
    ]);
    const crossing = events.find((e) => e.type === 'error' && e.rid === rid);
    assert.ok(crossing && crossing.type === 'error');
    assert.equal(crossing.message, 'payment declined');
  });

  test('a throw that Connect catches is a crossing too', async () => {
    assert.equal((await app.get('/throw')).body, 'handled: template missing');
    assert.deepEqual((await walkOf(app, '/throw')).slice(4), [
      '>throwInline',
      'throwInline:error',
      'error throwInline->handleError',
      '>handleError',
      'handleError:response',
      'finish 500',
    ]);
  });

  test('an error handler passing the error on hands it to finalhandler', async () => {
    assert.equal((await app.get('/oops')).status, 500);
    assert.deepEqual((await walkOf(app, '/oops')).slice(4), [
      '>failUnhandled',
      'failUnhandled:error',
      'error failUnhandled->handleError',
      '>handleError',
      'handleError:error',
      'error handleError->finalhandler',
      'finish 500',
    ]);
  });

  test("a sub-app's error handler takes its own errors", async () => {
    const reply = await app.request('GET', '/admin/page', { headers: { 'x-admin': 'no' } });
    assert.equal(reply.status, 403);
    assert.deepEqual((await walkOf(app, '/admin/page', 1)).slice(4), [
      '>adminGate',
      'adminGate:error',
      'error adminGate->adminErrors',
      '>adminErrors',
      'adminErrors:response',
      'finish 403',
    ]);
  });

  test('definedAt is where the middleware is written', async () => {
    await app.get('/walk');
    const events = await eventsUntilFinished(app, '/walk');
    const entered = events.find((e) => e.type === 'enter' && e.name === 'sendWalk');
    assert.ok(entered && entered.type === 'enter');
    assert.match(entered.definedAt.file, /agent-connect-chain[\\/]app\.cjs$/);
    assert.equal(entered.definedAt.line, 22);
  });
});

describe('Connect: findings', () => {
  test('an error nothing handles reaches finalhandler', async () => {
    const app = await start(FINDINGS);
    assert.equal((await app.get('/upload')).status, 500);
    assert.deepEqual(await walkOf(app, '/upload'), [
      '>refuseUpload',
      'refuseUpload:error',
      'error refuseUpload->finalhandler',
      'finish 500',
    ]);
  });

  test('double response names the middleware that answered first', async () => {
    const app = await start(FINDINGS);
    assert.equal((await app.get('/double')).body, 'first answer');
    const events = await app.events((evs) => findings(evs).length > 0);
    const found = findings(events);
    assert.equal(found.length, 1);
    const [finding] = found;
    assert.equal(finding!.kind, 'double-response');
    assert.equal(finding!.middleware.name, 'answerEarly');
    assert.equal(finding!.url, '/double');
    assert.match(finding!.message, /`answerAgain` wrote to the response again/);
    assert.match(finding!.middleware.definedAt.file, /agent-connect-findings[\\/]app\.cjs$/);
  });

  test('a middleware that neither answers nor calls next is unterminated (MWCHAIN_HANG_MS)', async () => {
    const app = await start(FINDINGS, { env: { MWCHAIN_HANG_MS: '300' } });
    const abandoned = app.abandon('/hang', 1500);
    const events = await app.events((evs) => evs.some((e) => e.type === 'exit' && e.name === 'forgetsNext'));
    await abandoned;
    const [finding] = findings(events);
    assert.ok(finding, 'no finding');
    assert.equal(finding.kind, 'unterminated-middleware');
    assert.equal(finding.middleware.name, 'forgetsNext');
    assert.match(finding.message, /MWCHAIN_HANG_MS=300/);
    assert.deepEqual(walk(events, ridOf(events, 'GET', '/hang')), ['>forgetsNext', 'forgetsNext:pending']);
  });

  test('a client giving up on a stopped chain is unterminated too', async () => {
    const app = await start(FINDINGS);
    await app.abandon('/hang', 200);
    const events = await app.events((evs) => findings(evs).length > 0 && finished(1)(evs));
    const [finding] = findings(events);
    assert.ok(finding, 'no finding');
    assert.equal(finding.kind, 'unterminated-middleware');
    assert.equal(finding.middleware.name, 'forgetsNext');
    assert.match(finding.message, /client gave up/);
    assert.deepEqual(walk(events, ridOf(events, 'GET', '/hang')), [
      '>forgetsNext',
      'forgetsNext:pending',
      'finish 0',
    ]);
  });

  test('an async middleware whose promise rejects: finding written, process dies as without the agent', async () => {
    const outcomes = [];
    for (const agent of [false, true]) {
      const app = await start(REJECTION, { agent });
      assert.equal((await app.get('/profile/fine')).body, 'ok');
      await app.get('/profile').then(
        () => assert.fail('the app answered'),
        () => undefined,
      );
      const exit = await exitedWithin(app, 5000);
      outcomes.push({ exit, stderr: app.stderr, events: app.readTrace() });
    }
    const [without, withAgent] = outcomes;
    assert.deepEqual(withAgent!.exit, without!.exit);
    assert.notEqual(without!.exit.code, 0);
    for (const { stderr } of outcomes) {
      assert.match(stderr, /Error: profile store offline\n\s+at loadProfile /);
    }
    const found = findings(withAgent!.events);
    assert.equal(found.length, 1, JSON.stringify(found));
    const [finding] = found;
    assert.equal(finding!.kind, 'unhandled-async-error');
    assert.equal(finding!.middleware.name, 'loadProfile');
    assert.equal(finding!.url, '/profile');
    assert.equal(finding!.error?.message, 'profile store offline');
    assert.match(finding!.error?.stack ?? '', /at loadProfile /);
    assert.match(withAgent!.stderr, /mwchain: unhandled-async-error on GET \/profile/);
  });
});

describe('Connect: ES module app', () => {
  test('import connect from "connect" is traced', async () => {
    const app = await start(ESM);
    const reply = await app.get('/orders/broken');
    assert.equal(reply.status, 503);
    assert.deepEqual(await walkOf(app, '/orders/broken'), [
      '>requestId',
      'requestId:next',
      '>loadOrders',
      'loadOrders:error',
      'error loadOrders->renderError',
      '>renderError',
      'renderError:response',
      'finish 503',
    ]);
  });
});

describe('Connect: the app behaves the same with the agent', () => {
  const requests: { path: string; method?: string; headers?: Record<string, string>; body?: string }[] = [
    { path: '/walk' },
    { path: '/walk/deeper?x=1', headers: { 'x-user': 'ada' } },
    { path: '/walk', method: 'POST', body: 'payload' },
    { path: '/walk', method: 'HEAD' },
    { path: '/fail' },
    { path: '/throw' },
    { path: '/oops' },
    { path: '/api/users' },
    { path: '/API/users' },
    { path: '/api.json' },
    { path: '/apiary' },
    { path: '/api' },
    { path: '/admin/page' },
    { path: '/admin/page', headers: { 'x-admin': 'no' } },
    { path: '/admin/missing' },
    { path: '/stream' },
    { path: '/self' },
    { path: '/nothing-here' },
  ];

  // production: finalhandler's page would otherwise show the error's stack, whose frames below
  // the middleware are the agent's own
  const env = { NODE_ENV: 'production' };
  const replies = new Map<boolean, Reply[]>();

  before(async () => {
    for (const agent of [false, true]) {
      const app = await start(CHAIN, { agent, env });
      const got: Reply[] = [];
      for (const r of requests) {
        got.push(await app.request(r.method ?? 'GET', r.path, { headers: r.headers, body: r.body }));
      }
      replies.set(agent, got);
      if (agent) {
        const events = await app.events(finished(requests.length));
        assert.ok(
          events.filter((e) => e.type === 'enter').length > requests.length,
          'the agent traced nothing: the comparison would prove nothing',
        );
      }
    }
  });

  requests.forEach((r, i) => {
    test(`${r.method ?? 'GET'} ${r.path}${r.headers ? ' ' + JSON.stringify(r.headers) : ''}`, () => {
      const without = replies.get(false)![i]!;
      const withAgent = replies.get(true)![i]!;
      assert.equal(withAgent.status, without.status);
      assert.deepEqual(comparable(withAgent.headers), comparable(without.headers));
      assert.equal(withAgent.body, without.body);
    });
  });

  test('the app sees its own stack unchanged: fn.length, name, properties, this', () => {
    const i = requests.findIndex((r) => r.path === '/self');
    const self = JSON.parse(replies.get(true)![i]!.body) as {
      lengths: number[];
      names: string[];
      role: string;
      thisType: string;
    };
    assert.deepEqual(self.lengths, [3, 3, 2, 3, 0, 3, 3, 3, 2, 2, 4]);
    assert.equal(self.names[0], 'logRequest');
    assert.equal(self.role, 'auth');
    assert.equal(self.thisType, 'undefined');
  });
});

/** The app's exit, which must come soon: a rejection the agent swallowed would keep it alive. */
function exitedWithin(app: RunningApp, ms: number): Promise<{ code: number | null; signal: string | null }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the app was still running ${ms} ms later`)), ms);
  });
  return Promise.race([app.exited, timeout]).finally(() => clearTimeout(timer));
}

function comparable(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const copy = { ...headers };
  delete copy.date;
  return copy;
}
