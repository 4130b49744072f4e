// The agent on real Koa 2 and 3 apps with @koa/router over HTTP: what the trace says each request
// did (an onion: a middleware leaves when its promise settles), where errors go, and the findings
// for the chain failures of test/fixtures/agent-koa-failures.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { TraceEvent } from '../../src/protocol/agent-messages';
import { dieOfTimerThrow, entered, findings, ridOf, RunningApp, walk } from '../support/agent-app';

const VERSIONS = [
  { label: 'Koa 2', pkg: 'koa2' },
  { label: 'Koa 3', pkg: 'koa' },
];

/** Tests that wait for the app to die fail, rather than hang, when it does not. */
const EXIT = { timeout: 15_000 };

const finished = (url: string) => (events: TraceEvent[]) =>
  events.some(
    (e) => e.type === 'request' && e.url === url && walk(events, e.rid).some((s) => s.startsWith('finish')),
  );

for (const { label, pkg } of VERSIONS) {
  describe(`agent on ${label}`, () => {
    let app: RunningApp;
    before(async () => {
      app = await RunningApp.start({
        app: 'agent-koa-failures/app.cjs',
        env: { MWCHAIN_TEST_KOA: pkg, MWCHAIN_HANG_MS: '300' },
      });
    });
    after(() => app.stop());

    test('a request through app middleware and a router route: entered in order, left as the onion unwinds', async () => {
      const reply = await app.get('/users/7');
      assert.equal(reply.status, 200);
      assert.deepEqual(JSON.parse(reply.body), { id: 7, by: 1 });
      const events = await app.events(finished('/users/7'));
      const rid = ridOf(events, 'GET', '/users/7');
      assert.deepEqual(walk(events, rid), [
        '>requestLog',
        '>errorBoundary',
        '>loadUser',
        '>checkId',
        '>showUser',
        'showUser:response',
        'checkId:next',
        'loadUser:next',
        'errorBoundary:next',
        'requestLog:next',
        'finish 200',
      ]);
      const enter = entered(events, rid, 'showUser');
      assert.match(enter.definedAt.file, /agent-koa-failures\/app\.cjs$/);
      assert.equal(enter.definedAt.line, 35);
      const request = events.find((e) => e.type === 'request' && e.rid === rid);
      assert.ok(request && request.type === 'request');
      assert.deepEqual([request.method, request.url], ['GET', '/users/7']);
      assert.deepEqual(findings(events), []);
    });

    test('no route matches: the router is plumbing, allowedMethods is entered by name, Koa answers 404', async () => {
      const reply = await app.get('/nowhere');
      assert.equal(reply.status, 404);
      assert.equal(reply.body, 'Not Found');
      const events = await app.events(finished('/nowhere'));
      assert.deepEqual(walk(events, ridOf(events, 'GET', '/nowhere')), [
        '>requestLog',
        '>errorBoundary',
        '>allowedMethods',
        'allowedMethods:next',
        'errorBoundary:next',
        'requestLog:next',
        'finish 404',
      ]);
    });

    test('an error boundary catches a rejected route: the error goes from the route to the boundary', async () => {
      const reply = await app.get('/throws');
      assert.equal(reply.status, 500);
      assert.deepEqual(JSON.parse(reply.body), { error: 'thrown in a route' });
      const events = await app.events(finished('/throws'));
      assert.deepEqual(walk(events, ridOf(events, 'GET', '/throws')), [
        '>requestLog',
        '>errorBoundary',
        '>loadUser',
        '>failInRoute',
        'failInRoute:error',
        'loadUser:error',
        'error failInRoute->errorBoundary',
        'errorBoundary:next',
        'requestLog:next',
        'finish 500',
      ]);
      const error = events.find((e) => e.type === 'error' && e.from === 'failInRoute');
      assert.ok(error && error.type === 'error');
      assert.equal(error.message, 'thrown in a route');
    });

    test('a param handler that throws is named, and caught by the boundary', async () => {
      assert.equal((await app.get('/users/abc')).status, 500);
      const events = await app.events(finished('/users/abc'));
      const steps = walk(events, ridOf(events, 'GET', '/users/abc'));
      assert.ok(steps.includes('checkId:error'), steps.join(' '));
      assert.ok(steps.includes('error checkId->errorBoundary'), steps.join(' '));
    });

    test('an error nobody catches goes to ctx.onerror, which answers 500 as without the agent', async () => {
      const reply = await app.get('/uncaught');
      assert.equal(reply.status, 500);
      assert.equal(reply.body, 'Internal Server Error');
      const events = await app.events(finished('/uncaught'));
      assert.deepEqual(walk(events, ridOf(events, 'GET', '/uncaught')), [
        '>requestLog',
        '>errorBoundary',
        '>loadUser',
        '>failHard',
        'failHard:error',
        'loadUser:error',
        'errorBoundary:error',
        'requestLog:error',
        'error failHard->ctx.onerror',
        'finish 500',
      ]);
      assert.match(app.stderr, /Error: nobody catches this/, 'Koa still logs it');
    });

    test('next() not awaited: unawaited-next names the middleware, Koa answered before the handler ran', async () => {
      const reply = await app.get('/unawaited');
      assert.equal(reply.status, 404, 'Koa responds before slowHandler sets the body');
      const events = await app.events(finished('/unawaited'));
      const rid = ridOf(events, 'GET', '/unawaited');
      const found = findings(events).filter((f) => f.rid === rid);
      assert.deepEqual(
        found.map((f) => [f.kind, f.middleware.name]),
        [['unawaited-next', 'forgetAwait']],
      );
      assert.match(found[0].middleware.definedAt.file, /agent-koa-failures\/app\.cjs$/);
      const steps = walk(events, rid);
      assert.ok(steps.includes('forgetAwait:next'), steps.join(' '));
      assert.ok(steps.includes('slowHandler:pending'), 'the handler was still running at the response');
      assert.equal(steps.at(-1), 'finish 404');
    });

    test('a middleware awaiting forever: unterminated-middleware after MWCHAIN_HANG_MS names it', async () => {
      await app.get('/hang', { timeoutMs: 1200 }).catch(() => undefined);
      const events = await app.events((e) => findings(e).some((f) => f.url === '/hang'));
      const finding = findings(events).find((f) => f.url === '/hang');
      assert.ok(finding, 'unterminated-middleware reported');
      assert.equal(finding.kind, 'unterminated-middleware');
      assert.equal(finding.middleware.name, 'waitForever');
      assert.match(finding.message, /no response \d+ ms/);
      assert.ok(walk(events, ridOf(events, 'GET', '/hang')).includes('waitForever:pending'));
    });

    test('stuck after awaiting next(): the hang is blamed on the middleware control came back to', async () => {
      await app.get('/hang-after-next', { timeoutMs: 1200 }).catch(() => undefined);
      const events = await app.events((e) => findings(e).some((f) => f.url === '/hang-after-next'));
      const finding = findings(events).find((f) => f.url === '/hang-after-next');
      assert.ok(finding, 'unterminated-middleware reported');
      assert.equal(finding.kind, 'unterminated-middleware');
      assert.equal(finding.middleware.name, 'auditAfter');
      const steps = walk(events, ridOf(events, 'GET', '/hang-after-next'));
      assert.ok(steps.includes('answerFirst:response'), steps.join(' '));
      assert.ok(steps.includes('auditAfter:pending'), steps.join(' '));
    });
  });
}

for (const { label, pkg } of VERSIONS) {
  describe(`agent on an ES module app, ${label} and the ESM build of @koa/router`, () => {
    let app: RunningApp;
    before(async () => {
      app = await RunningApp.start({ app: 'agent-koa-esm/app.mjs', env: { MWCHAIN_TEST_KOA: pkg } });
    });
    after(() => app.stop());

    test('router middleware from another module and the route are traced', async () => {
      const reply = await app.request('GET', '/api/items', { headers: { authorization: 'Bearer t' } });
      assert.equal(reply.status, 200);
      assert.deepEqual(JSON.parse(reply.body), [{ id: 1 }]);
      const events = await app.events(finished('/api/items'));
      const rid = ridOf(events, 'GET', '/api/items');
      assert.deepEqual(walk(events, rid), [
        '>timing',
        '>requireToken',
        '>listItems',
        'listItems:response',
        'requireToken:next',
        'timing:next',
        'finish 200',
      ]);
      const enter = entered(events, rid, 'requireToken');
      assert.match(enter.definedAt.file, /agent-koa-esm\/auth\.mjs$/);
      assert.equal(enter.definedAt.line, 2);
    });

    test('ctx.throw in router middleware reaches ctx.onerror with its status', async () => {
      const reply = await app.get('/api/items');
      assert.equal(reply.status, 401);
      assert.equal(reply.body, 'no token');
      const events = await app.events((e) => e.filter((x) => x.type === 'finish').length >= 2);
      const rid = ridOf(events, 'GET', '/api/items', 1);
      assert.deepEqual(walk(events, rid), [
        '>timing',
        '>requireToken',
        'requireToken:error',
        'timing:error',
        'error requireToken->ctx.onerror',
        'finish 401',
      ]);
    });
  });
}

describe('a rejection nobody handles behind an unawaited next()', () => {
  for (const agent of [true, false]) {
    test(
      `is still unhandled and kills the process ${agent ? 'with' : 'without'} the agent`,
      EXIT,
      async () => {
        const app = await RunningApp.start({
          app: 'agent-koa-failures/app.cjs',
          agent,
          env: { MWCHAIN_TEST_KOA: 'koa' },
        });
        try {
          assert.equal((await app.get('/unawaited-rejects')).body, 'sent');
          const { code, signal } = await app.exited;
          assert.deepEqual({ code, signal }, { code: 1, signal: null });
          assert.match(app.stderr, /Error: failed after the response/);
          if (agent) {
            assert.deepEqual(
              findings(app.readTrace()).map((f) => [f.kind, f.middleware.name]),
              [
                ['unawaited-next', 'fireAndForget'],
                ['escaping-async-throw', 'fireAndForget'],
              ],
            );
          }
        } finally {
          await app.stop();
        }
      },
    );
  }
});

describe('a throw in a timer a Koa middleware scheduled', () => {
  for (const agent of [true, false]) {
    test(`kills the process the same way ${agent ? 'with' : 'without'} the agent`, EXIT, async () => {
      const { found } = await dieOfTimerThrow({
        app: 'agent-koa-failures/app.cjs',
        agent,
        env: { MWCHAIN_TEST_KOA: 'koa' },
      });
      if (!agent) return;
      assert.deepEqual(
        found.map((f) => [f.kind, f.middleware.name, f.url]),
        [['escaping-async-throw', 'scheduleCleanup', '/timer-throws']],
      );
      assert.equal(found[0].error?.message, 'cleanup failed');
    });
  }
});
