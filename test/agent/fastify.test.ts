// The agent on real Fastify 4 and 5 apps over HTTP: what the trace says each request did
// (test/fixtures/agent-fastify-chain), the findings it reports (agent-fastify-failures), an ES
// module app (agent-fastify-esm), and responses that stay byte for byte what they are without
// the agent.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { TraceEvent } from '../../src/protocol/agent-messages';
import { dieOfTimerThrow, findings, ridOf, RunningApp, walk, type Reply } from '../support/agent-app';

const VERSIONS = [
  { label: 'Fastify 4', pkg: 'fastify4' },
  { label: 'Fastify 5', pkg: 'fastify' },
];

const CHAIN = 'agent-fastify-chain/app.cjs';
const FAILURES = 'agent-fastify-failures/app.cjs';
const DEFAULT_HANDLER = 'fastify default error handler';

/** The hooks every request of the chain app goes through before its route's own. */
const ROOT_HOOKS = [
  '>stampRequest',
  'stampRequest:next',
  '>tagShared',
  'tagShared:next',
  '>loadUser',
  'loadUser:next',
  '>checkToken',
  'checkToken:next',
];
const API_HOOKS = [
  '>stampRequest',
  'stampRequest:next',
  '>tagShared',
  'tagShared:next',
  '>apiOnly',
  'apiOnly:next',
  '>loadUser',
  'loadUser:next',
  '>checkToken',
  'checkToken:next',
];

/** The walk of the `nth` request to `url`, once it finished. */
async function walkOf(app: RunningApp, method: string, url: string, nth = 0): Promise<string[]> {
  const done = (events: TraceEvent[]): boolean => {
    const requests = events.filter((e) => e.type === 'request' && e.method === method && e.url === url);
    const rid = requests[nth]?.rid;
    return rid !== undefined && events.some((e) => e.type === 'finish' && e.rid === rid);
  };
  const events = await app.events(done);
  return walk(events, ridOf(events, method, url, nth));
}

for (const { label, pkg } of VERSIONS) {
  describe(`agent on ${label}: the chain`, () => {
    let app: RunningApp;
    before(async () => {
      app = await RunningApp.start({ app: CHAIN, env: { MWCHAIN_TEST_FASTIFY: pkg } });
    });
    after(() => app.stop());

    test('application hooks in both styles, a hook added by onRoute, then the handler', async () => {
      const reply = await app.get('/hello');
      assert.equal(reply.status, 200);
      assert.deepEqual(JSON.parse(reply.body), { hello: 'ann' });
      assert.deepEqual(await walkOf(app, 'GET', '/hello'), [
        ...ROOT_HOOKS,
        '>auditHello',
        'auditHello:next',
        '>sayHello',
        'sayHello:response',
        'finish 200',
      ]);
      const events = app.readTrace();
      const request = events.find((e) => e.type === 'request' && e.url === '/hello');
      assert.ok(request && request.type === 'request');
      assert.equal(request.method, 'GET');
      const enter = events.find((e) => e.type === 'enter' && e.name === 'stampRequest');
      assert.ok(enter && enter.type === 'enter');
      assert.match(enter.definedAt.file, /agent-fastify-chain\/app\.cjs$/);
      assert.equal(enter.definedAt.line, 12);
    });

    test('an async hook that answers: response, and the handler never entered', async () => {
      const reply = await app.request('GET', '/hello?deny', { headers: { 'x-deny': '1' } });
      assert.equal(reply.status, 403);
      assert.deepEqual(await walkOf(app, 'GET', '/hello?deny'), [
        ...ROOT_HOOKS.slice(0, -1),
        'checkToken:response',
        'finish 403',
      ]);
      assert.equal((await app.get('/api/early')).status, 202);
      assert.deepEqual(await walkOf(app, 'GET', '/api/early'), [
        ...API_HOOKS.slice(0, 6),
        '>answerEarly',
        'answerEarly:response',
        'finish 202',
      ]);
    });

    test('route-level preParsing and preValidation hooks, a handler that replies from a timer', async () => {
      const reply = await app.request('POST', '/echo', {
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'bo' }),
      });
      assert.deepEqual(JSON.parse(reply.body), { name: 'bo' });
      assert.deepEqual(await walkOf(app, 'POST', '/echo'), [
        '>stampRequest',
        'stampRequest:next',
        '>tagShared',
        'tagShared:next',
        '>passBody',
        'passBody:next',
        '>loadUser',
        'loadUser:next',
        '>requireName',
        'requireName:next',
        '>checkToken',
        'checkToken:next',
        '>echo',
        'echo:response',
        'finish 200',
      ]);
      assert.equal((await app.get('/callback')).body, 'sent from a timer');
      assert.deepEqual((await walkOf(app, 'GET', '/callback')).slice(-3), [
        '>replyLater',
        'replyLater:response',
        'finish 200',
      ]);
    });

    test("an error thrown in a handler reaches its context's error handler, past the onError hook", async () => {
      const reply = await app.get('/api/boom');
      assert.equal(reply.status, 418);
      assert.deepEqual(JSON.parse(reply.body), { api: 'api handler failed' });
      assert.deepEqual(await walkOf(app, 'GET', '/api/boom'), [
        ...API_HOOKS,
        '>apiBoom',
        'apiBoom:error',
        '>noteError',
        'noteError:next',
        'error apiBoom->apiErrors',
        '>apiErrors',
        'apiErrors:response',
        'finish 418',
      ]);
      const crossing = app.readTrace().find((e) => e.type === 'error' && e.from === 'apiBoom');
      assert.ok(crossing && crossing.type === 'error');
      assert.equal(crossing.message, 'api handler failed');
    });

    test('done(err) in a route hook, and an error handler that rethrows to its parent', async () => {
      assert.equal((await app.get('/api/refused')).status, 418);
      assert.deepEqual((await walkOf(app, 'GET', '/api/refused')).slice(API_HOOKS.length), [
        '>refuse',
        'refuse:error',
        '>noteError',
        'noteError:next',
        'error refuse->apiErrors',
        '>apiErrors',
        'apiErrors:response',
        'finish 418',
      ]);
      const reply = await app.get('/api/inner/thrown');
      assert.deepEqual(JSON.parse(reply.body), { api: 'inner: inner thrown' });
      assert.deepEqual((await walkOf(app, 'GET', '/api/inner/thrown')).slice(API_HOOKS.length - 4), [
        '>loadUser',
        'loadUser:next',
        '>checkToken',
        'checkToken:next',
        '>innerThrows',
        'innerThrows:error',
        '>noteError',
        'noteError:next',
        'error innerThrows->rethrowErrors',
        '>rethrowErrors',
        'rethrowErrors:error',
        'error rethrowErrors->apiErrors',
        '>apiErrors',
        'apiErrors:response',
        'finish 418',
      ]);
      // reply.send(err) is Fastify's next(err)
      await app.get('/api/inner/boom');
      assert.ok((await walkOf(app, 'GET', '/api/inner/boom')).includes('error innerBoom->rethrowErrors'));
    });

    test('an error nobody handles goes to the default error handler, still a 500', async () => {
      const reply = await app.get('/boom');
      assert.equal(reply.status, 500);
      assert.deepEqual(JSON.parse(reply.body), {
        statusCode: 500,
        error: 'Internal Server Error',
        message: 'handler failed',
      });
      assert.deepEqual(await walkOf(app, 'GET', '/boom'), [
        ...ROOT_HOOKS,
        '>boom',
        'boom:error',
        `error boom->${DEFAULT_HANDLER}`,
        'finish 500',
      ]);
      const bad = await app.request('POST', '/echo?bad', {
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      assert.equal(bad.status, 400);
      assert.ok((await walkOf(app, 'POST', '/echo?bad')).includes(`error requireName->${DEFAULT_HANDLER}`));
    });

    test('a route errorHandler, a custom and the default 404, a hijacked reply', async () => {
      assert.equal((await app.get('/conflict')).status, 409);
      assert.deepEqual((await walkOf(app, 'GET', '/conflict')).slice(ROOT_HOOKS.length), [
        '>conflict',
        'conflict:error',
        'error conflict->routeErrors',
        '>routeErrors',
        'routeErrors:response',
        'finish 409',
      ]);
      assert.equal((await app.get('/api/nope')).status, 404);
      assert.deepEqual((await walkOf(app, 'GET', '/api/nope')).slice(API_HOOKS.length), [
        '>apiNotFound',
        'apiNotFound:response',
        'finish 404',
      ]);
      assert.equal((await app.get('/nope')).status, 404);
      assert.deepEqual(await walkOf(app, 'GET', '/nope'), [...ROOT_HOOKS, 'finish 404']);
      assert.equal((await app.get('/hijacked')).body, 'written raw');
      assert.deepEqual((await walkOf(app, 'GET', '/hijacked')).slice(ROOT_HOOKS.length), [
        '>writeRaw',
        'writeRaw:response',
        'finish 200',
      ]);
    });

    test('Fastify still sees the functions as the app made them', async () => {
      const startup = JSON.parse((await app.get('/startup')).body) as Record<string, unknown>;
      assert.deepEqual(startup, {
        rejected: ['FST_ERR_HOOK_INVALID_ASYNC_HANDLER', 'FST_ERR_HOOK_INVALID_ASYNC_HANDLER'],
        onRouteSaw: [true, true],
        shapes: [3, 1, 2, 2],
        names: ['stampRequest', 'sayHello', 'AsyncFunction'],
      });
      const reply = await app.get('/api/boom');
      assert.equal(reply.headers['x-stamp'], 'false/3');
      assert.equal(reply.headers['x-api'], 'true', '`this` in a hook is its encapsulated instance');
      assert.equal(findings(app.readTrace()).length, 0, 'no findings on a healthy app');
      assert.doesNotMatch(app.stderr, /mwchain agent/);
    });
  });

  describe(`agent on ${label}: findings`, () => {
    let app: RunningApp;
    before(async () => {
      app = await RunningApp.start({
        app: FAILURES,
        env: { MWCHAIN_TEST_FASTIFY: pkg, MWCHAIN_HANG_MS: '300' },
      });
    });
    after(() => app.stop());

    test('an async hook that sends without `return reply`: double-response names the hook', async () => {
      const reply = await app.get('/late-send');
      assert.equal(reply.body, 'from the hook');
      const events = await app.events((e) =>
        findings(e).some((f) => f.kind === 'double-response' && f.url === '/late-send'),
      );
      const finding = findings(events).find((f) => f.url === '/late-send');
      assert.ok(finding, 'double-response reported');
      assert.equal(finding.kind, 'double-response');
      assert.equal(finding.middleware.name, 'answerLater');
      assert.match(finding.middleware.definedAt.file, /agent-fastify-failures\/app\.cjs$/);
      assert.match(finding.message, /`slowHandler` sent it again/);
      assert.deepEqual(walk(events, ridOf(events, 'GET', '/late-send')), [
        '>answerLater',
        'answerLater:next',
        '>slowHandler',
        'slowHandler:pending',
        'finish 200',
      ]);
    });

    test('an async handler that sends and returns a value: double-response names it', async () => {
      assert.equal((await app.get('/send-and-return')).body, 'sent');
      const events = await app.events((e) => findings(e).some((f) => f.url === '/send-and-return'));
      const finding = findings(events).find((f) => f.url === '/send-and-return');
      assert.ok(finding, 'double-response reported');
      assert.deepEqual([finding.kind, finding.middleware.name], ['double-response', 'sendAndReturn']);
    });

    test('a callback hook that never calls done: unterminated-middleware after MWCHAIN_HANG_MS', async () => {
      await app.get('/forgot-done', { timeoutMs: 1200 }).catch(() => undefined);
      const events = await app.events((e) => findings(e).some((f) => f.url === '/forgot-done'));
      const finding = findings(events).find((f) => f.url === '/forgot-done');
      assert.ok(finding, 'unterminated-middleware reported');
      assert.deepEqual([finding.kind, finding.middleware.name], ['unterminated-middleware', 'forgetsDone']);
      assert.match(finding.message, /no response \d+ ms/);
      assert.deepEqual(walk(events, ridOf(events, 'GET', '/forgot-done')).slice(0, 2), [
        '>forgetsDone',
        'forgetsDone:pending',
      ]);
    });

    test('a handler that never replies: unterminated-middleware names the handler', async () => {
      await app.get('/never-replies', { timeoutMs: 1200 }).catch(() => undefined);
      const events = await app.events((e) => findings(e).some((f) => f.url === '/never-replies'));
      const finding = findings(events).find((f) => f.url === '/never-replies');
      assert.ok(finding, 'unterminated-middleware reported');
      assert.deepEqual([finding.kind, finding.middleware.name], ['unterminated-middleware', 'neverReplies']);
    });
  });

  describe(`agent on ${label}: a throw in a timer a handler scheduled`, () => {
    for (const agent of [true, false]) {
      test(`kills the process the same way ${agent ? 'with' : 'without'} the agent`, async () => {
        const { found } = await dieOfTimerThrow({ app: FAILURES, agent, env: { MWCHAIN_TEST_FASTIFY: pkg } });
        if (!agent) return;
        assert.deepEqual(
          found.map((f) => [f.kind, f.middleware.name, f.url]),
          [['escaping-async-throw', 'scheduleCleanup', '/timer-throws']],
        );
        assert.equal(found[0].error?.message, 'cleanup failed');
      });
    }
  });

  describe(`agent on ${label}: an ES module app`, () => {
    test('hooks imported from another module are traced where they are defined', async () => {
      const app = await RunningApp.start({
        app: 'agent-fastify-esm/app.mjs',
        env: { MWCHAIN_TEST_FASTIFY: pkg },
      });
      try {
        const reply = await app.request('GET', '/me', { headers: { authorization: 'cy' } });
        assert.deepEqual(JSON.parse(reply.body), { user: 'cy' });
        assert.equal((await app.get('/me?anonymous')).status, 401);
        assert.deepEqual(await walkOf(app, 'GET', '/me'), [
          '>audit',
          'audit:next',
          '>authenticate',
          'authenticate:next',
          '>showMe',
          'showMe:response',
          'finish 200',
        ]);
        assert.deepEqual(await walkOf(app, 'GET', '/me?anonymous'), [
          '>audit',
          'audit:next',
          '>authenticate',
          'authenticate:response',
          'finish 401',
        ]);
        const enter = app.readTrace().find((e) => e.type === 'enter' && e.name === 'authenticate');
        assert.ok(enter && enter.type === 'enter');
        assert.match(enter.definedAt.file, /agent-fastify-esm\/auth\.mjs$/);
        assert.equal(enter.definedAt.line, 6);
      } finally {
        await app.stop();
      }
    });
  });

  describe(`agent on ${label}: behaviour`, () => {
    const requests: { method: string; path: string; headers?: Record<string, string>; body?: string }[] = [
      { method: 'GET', path: '/hello' },
      { method: 'HEAD', path: '/hello' },
      { method: 'GET', path: '/hello', headers: { 'x-deny': '1', 'x-user': 'dee' } },
      { method: 'GET', path: '/startup' },
      { method: 'GET', path: '/callback' },
      { method: 'GET', path: '/boom' },
      { method: 'GET', path: '/stream' },
      { method: 'GET', path: '/conflict' },
      { method: 'GET', path: '/hijacked' },
      { method: 'GET', path: '/api/boom' },
      { method: 'GET', path: '/api/refused' },
      { method: 'GET', path: '/api/early' },
      { method: 'GET', path: '/api/inner/boom' },
      { method: 'GET', path: '/api/inner/thrown' },
      { method: 'GET', path: '/api/nope' },
      { method: 'GET', path: '/nope' },
      { method: 'DELETE', path: '/hello' },
      {
        method: 'POST',
        path: '/echo',
        headers: { 'content-type': 'application/json' },
        body: '{"name":"ed"}',
      },
      { method: 'POST', path: '/echo', headers: { 'content-type': 'application/json' }, body: '{}' },
      { method: 'POST', path: '/echo', headers: { 'content-type': 'application/json' }, body: '{bad' },
    ];

    test('every response is the same with and without the agent', async () => {
      const [plain, traced] = await Promise.all([
        RunningApp.start({ app: CHAIN, agent: false, env: { MWCHAIN_TEST_FASTIFY: pkg } }),
        RunningApp.start({ app: CHAIN, env: { MWCHAIN_TEST_FASTIFY: pkg } }),
      ]);
      try {
        for (const { method, path, headers, body } of requests) {
          const without = comparable(await plain.request(method, path, { headers, body }));
          const withAgent = comparable(await traced.request(method, path, { headers, body }));
          assert.deepEqual(withAgent, without, `${method} ${path}`);
        }
        // the agent did trace them
        const events = await traced.events(
          (e) => e.filter((x) => x.type === 'finish').length >= requests.length,
        );
        assert.equal(events.filter((e) => e.type === 'finish').length, requests.length);
        assert.doesNotMatch(traced.stderr, /mwchain agent/);
      } finally {
        await Promise.all([plain.stop(), traced.stop()]);
      }
    });
  });
}

function comparable(reply: Reply): Reply {
  const headers = { ...reply.headers };
  delete headers.date;
  return { status: reply.status, headers, body: reply.body };
}
