// The agent must not change what a Koa app does: the same requests to test/fixtures/
// agent-koa-behaviour with and without it get the same status, headers (but Date) and body, on
// Koa 2 and 3. The fixture covers an error boundary, ctx.throw, an error left to ctx.onerror and
// app.on('error'), a streaming body, ctx.respond = false, 204, a redirect, a request body, a
// nested router, allowedMethods, `this` and fn.length, and the identity of app.middleware.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ridOf, RunningApp, walk, type Reply } from '../support/agent-app';

const VERSIONS = [
  { label: 'Koa 2', pkg: 'koa2' },
  { label: 'Koa 3', pkg: 'koa' },
];

const REQUESTS: { method: string; path: string; body?: string }[] = [
  { method: 'GET', path: '/json' },
  { method: 'GET', path: '/throw' },
  { method: 'GET', path: '/http-error' },
  { method: 'GET', path: '/uncaught' },
  { method: 'GET', path: '/stream' },
  { method: 'GET', path: '/raw' },
  { method: 'GET', path: '/empty' },
  { method: 'GET', path: '/redirect' },
  { method: 'POST', path: '/echo', body: 'shout' },
  { method: 'GET', path: '/unawaited' },
  { method: 'HEAD', path: '/json' },
  { method: 'PUT', path: '/json' },
  { method: 'GET', path: '/nested/inner/bob' },
  { method: 'GET', path: '/nope' },
  { method: 'GET', path: '/introspect' },
  { method: 'GET', path: '/errors' },
];

type Seen = Omit<Reply, 'headers'> & { request: string; headers: Record<string, unknown> };

async function replies(pkg: string, agent: boolean): Promise<{ seen: Seen[]; app: RunningApp }> {
  const app = await RunningApp.start({
    app: 'agent-koa-behaviour/app.cjs',
    agent,
    env: { MWCHAIN_TEST_KOA: pkg },
  });
  const seen: Seen[] = [];
  for (const { method, path, body } of REQUESTS) {
    const reply = await app.request(method, path, { body });
    const headers: Record<string, unknown> = { ...reply.headers };
    delete headers.date;
    seen.push({ request: `${method} ${path}`, status: reply.status, headers, body: reply.body });
  }
  return { seen, app };
}

for (const { label, pkg } of VERSIONS) {
  describe(`${label} answers the same with and without the agent`, () => {
    test('every reply: status, headers but Date, body', async () => {
      const plain = await replies(pkg, false);
      await plain.app.stop();
      const traced = await replies(pkg, true);
      try {
        for (let i = 0; i < REQUESTS.length; i++) {
          assert.deepEqual(traced.seen[i], plain.seen[i], `${plain.seen[i].request}`);
        }
        const byRequest = new Map(plain.seen.map((s) => [s.request, s]));
        // what the app does without the agent, so the comparison is about these behaviours
        assert.equal(byRequest.get('GET /throw')?.status, 500);
        assert.deepEqual(JSON.parse(byRequest.get('GET /throw')?.body ?? ''), {
          caught: 'route failed',
          thisIs: 'undefined',
        });
        assert.equal(byRequest.get('GET /http-error')?.status, 418);
        assert.equal(byRequest.get('GET /uncaught')?.body, 'Internal Server Error');
        assert.equal(byRequest.get('GET /stream')?.body, 'one two three');
        assert.equal(byRequest.get('GET /stream')?.headers['transfer-encoding'], 'chunked');
        assert.equal(byRequest.get('GET /raw')?.status, 202);
        assert.equal(byRequest.get('GET /raw')?.headers['x-raw'], 'yes');
        assert.equal(byRequest.get('GET /empty')?.status, 204);
        assert.equal(byRequest.get('GET /redirect')?.headers.location, '/json');
        assert.equal(byRequest.get('POST /echo')?.body, 'SHOUT');
        assert.equal(byRequest.get('GET /unawaited')?.status, 404);
        assert.equal(byRequest.get('PUT /json')?.status, 405);
        assert.equal(byRequest.get('GET /nope')?.status, 404);
        assert.equal(byRequest.get('GET /json')?.headers['x-this'], 'undefined');
        const introspect = JSON.parse(byRequest.get('GET /introspect')?.body ?? '') as {
          app: [string, number][];
          same: boolean;
          isArray: boolean;
          layer: [string, number][];
        };
        assert.equal(introspect.same, true, 'app.middleware holds the app’s own functions');
        assert.equal(introspect.isArray, true);
        assert.deepEqual(introspect.app.slice(0, 3), [
          ['poweredBy', 2],
          ['errorBoundary', 2],
          ['passAlong', 2],
        ]);
        assert.deepEqual(introspect.layer, [['introspect', 1]]);
        assert.deepEqual(JSON.parse(byRequest.get('GET /errors')?.body ?? ''), ['to onerror']);

        // and the agent did trace them
        const events = await traced.app.events((e) => e.filter((x) => x.type === 'finish').length >= 16);
        assert.deepEqual(walk(events, ridOf(events, 'GET', '/json')), [
          '>poweredBy',
          '>errorBoundary',
          '>passAlong',
          '>sendJson',
          'sendJson:response',
          'passAlong:next',
          'errorBoundary:next',
          'poweredBy:next',
          'finish 200',
        ]);
        assert.ok(
          events.some((e) => e.type === 'error' && e.from === 'throwLater' && e.to === 'errorBoundary'),
        );
      } finally {
        await traced.app.stop();
      }
    });
  });
}
