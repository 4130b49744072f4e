// The agent on real Express 4 and 5 apps over HTTP: what the trace says each request did, and
// the findings it reports for the chain failures of test/fixtures/agent-express-failures.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { TraceEvent } from '../../src/protocol/agent-messages';
import { dieOfTimerThrow, entered, findings, ridOf, RunningApp, walk } from '../support/agent-app';

const VERSIONS = [
  { label: 'Express 4', pkg: 'express4' },
  { label: 'Express 5', pkg: 'express' },
];

for (const { label, pkg } of VERSIONS) {
  describe(`agent on ${label}`, () => {
    let app: RunningApp;
    before(async () => {
      app = await RunningApp.start({
        app: 'agent-express-failures/app.cjs',
        env: { MWCHAIN_TEST_EXPRESS: pkg, MWCHAIN_HANG_MS: '300' },
      });
    });
    after(() => app.stop());

    test('a request that succeeds: every middleware entered and left by next, the handler responded', async () => {
      const reply = await app.get('/ok');
      assert.equal(reply.status, 200);
      const events = await app.events((e) => e.some((x) => x.type === 'finish'));
      const rid = ridOf(events, 'GET', '/ok');
      assert.deepEqual(walk(events, rid), [
        '>requestLog',
        'requestLog:next',
        '>requireAuth',
        'requireAuth:next',
        '>showOk',
        'showOk:response',
        'finish 200',
      ]);
      const enter = entered(events, rid, 'showOk');
      assert.match(enter.definedAt.file, /agent-express-failures\/app\.cjs$/);
      assert.equal(enter.definedAt.line, 17);
    });

    test('next(err) and a thrown error cross to the error handler', async () => {
      assert.equal((await app.get('/next-error')).status, 500);
      assert.equal((await app.get('/throws')).status, 500);
      const events = await app.events((e) => e.filter((x) => x.type === 'finish').length >= 3);
      assert.deepEqual(walk(events, ridOf(events, 'GET', '/next-error')).slice(4), [
        '>failWithNext',
        'failWithNext:error',
        'error failWithNext->handleErrors',
        '>handleErrors',
        'handleErrors:response',
        'finish 500',
      ]);
      const thrown = events.find((e) => e.type === 'error' && e.from === 'throwSync');
      assert.ok(thrown && thrown.type === 'error');
      assert.equal(thrown.to, 'handleErrors');
      assert.equal(thrown.message, 'thrown in a handler');
    });

    test('respond, then next: double-response names the first responder', async () => {
      const reply = await app.get('/respond-then-next');
      assert.equal(reply.body, 'first');
      const events = await app.events((e) => findings(e).some((f) => f.kind === 'double-response'));
      const finding = findings(events).find((f) => f.kind === 'double-response');
      assert.ok(finding, 'double-response reported');
      assert.equal(finding.middleware.name, 'answerEarly');
      assert.equal(finding.url, '/respond-then-next');
      assert.match(finding.message, /answerAgain/);
    });

    test('a handler that sends twice: double-response names it as both writers, not the error handler', async () => {
      const reply = await app.get('/send-twice');
      assert.equal(reply.body, 'one');
      const events = await app.events((e) =>
        findings(e).some((f) => f.kind === 'double-response' && f.url === '/send-twice'),
      );
      const finding = findings(events).find((f) => f.kind === 'double-response' && f.url === '/send-twice');
      assert.ok(finding, 'double-response reported');
      assert.equal(finding.middleware.name, 'sendTwice');
      assert.match(finding.message, /`sendTwice` responded, then wrote to the response again/);
      assert.doesNotMatch(finding.message, /handleErrors/);
    });

    test('a middleware that forgets next: unterminated-middleware after MWCHAIN_HANG_MS', async () => {
      await app
        .request('GET', '/ok?forgot=1', { headers: { 'x-forget-next': '1' }, timeoutMs: 1200 })
        .catch(() => undefined);
      const events = await app.events((e) =>
        findings(e).some((f) => f.kind === 'unterminated-middleware' && f.url === '/ok?forgot=1'),
      );
      const finding = findings(events).find((f) => f.url === '/ok?forgot=1');
      assert.ok(finding, 'unterminated-middleware reported');
      assert.equal(finding.kind, 'unterminated-middleware');
      assert.equal(finding.middleware.name, 'requireAuth');
      assert.match(finding.message, /no response \d+ ms/);
      const rid = ridOf(events, 'GET', '/ok?forgot=1');
      assert.ok(walk(events, rid).includes('requireAuth:pending'));
    });

    test('the client gives up first: unterminated-middleware names the stopped handler', async () => {
      await app.abandon('/slow', 100);
      const slowFinished = (e: TraceEvent[]): boolean =>
        e.some((r) => r.type === 'request' && r.url === '/slow' && walk(e, r.rid).includes('finish 0'));
      const events = await app.events(slowFinished);
      const finding = findings(events).find((f) => f.url === '/slow');
      assert.ok(finding, 'reported on abort');
      assert.equal(finding.middleware.name, 'waitForever');
      assert.match(finding.message, /client gave up/);
      assert.ok(walk(events, ridOf(events, 'GET', '/slow')).includes('finish 0'));
    });

    test('an answer after the client gave up is one response, not a double response', async () => {
      await app.abandon('/late', 100);
      const gaveUp = (e: TraceEvent[]): boolean =>
        e.some((r) => r.type === 'request' && r.url === '/late' && walk(e, r.rid).includes('finish 0'));
      await app.events(gaveUp);
      // `answerLate` answers at 400 ms, after the abort finished the request
      await new Promise((resolve) => setTimeout(resolve, 600));
      const events = await app.events();
      const rid = ridOf(events, 'GET', '/late');
      assert.deepEqual(
        findings(events)
          .filter((f) => f.url === '/late')
          .map((f) => f.kind),
        ['unterminated-middleware'],
      );
      assert.deepEqual(
        walk(events, rid).filter((step) => step.startsWith('finish')),
        ['finish 0'],
      );
    });
  });
}

describe('async handler rejection', () => {
  test('Express 4: unhandled-async-error is written before the process dies, which it still does', async () => {
    const app = await RunningApp.start({
      app: 'agent-express-failures/app.cjs',
      env: { MWCHAIN_TEST_EXPRESS: 'express4' },
    });
    try {
      await app.get('/async-rejects', { timeoutMs: 2000 }).catch(() => undefined);
      const { code } = await app.exited;
      assert.equal(code, 1, 'Node still dies of the unhandled rejection');
      assert.match(app.stderr, /Error: report failed/);
      const found = findings(app.readTrace());
      assert.deepEqual(
        found.map((f) => [f.kind, f.middleware.name]),
        [['unhandled-async-error', 'loadReport']],
      );
      assert.equal(found[0].error?.message, 'report failed');
    } finally {
      await app.stop();
    }
  });

  test('Express 5 forwards the rejection: an error crossing, no finding', async () => {
    const app = await RunningApp.start({
      app: 'agent-express-failures/app.cjs',
      env: { MWCHAIN_TEST_EXPRESS: 'express' },
    });
    try {
      const reply = await app.get('/async-rejects');
      assert.equal(reply.status, 500);
      assert.deepEqual(JSON.parse(reply.body), { error: 'report failed' });
      const events = await app.events((e) => e.some((x) => x.type === 'finish'));
      assert.deepEqual(findings(events), []);
      assert.ok(events.some((e) => e.type === 'error' && e.from === 'loadReport' && e.to === 'handleErrors'));
    } finally {
      await app.stop();
    }
  });
});

describe('a rejection in async work a middleware started and nobody awaits', () => {
  test('escaping-async-throw names the middleware; the process dies as it would', async () => {
    const app = await RunningApp.start({ app: 'agent-express-failures/app.cjs' });
    try {
      assert.equal((await app.get('/background-rejects')).body, 'started');
      assert.equal((await app.exited).code, 1);
      assert.deepEqual(
        findings(app.readTrace()).map((f) => [f.kind, f.middleware.name, f.error?.message]),
        [['escaping-async-throw', 'startExport', 'export failed']],
      );
    } finally {
      await app.stop();
    }
  });
});

describe('a throw in a timer a middleware scheduled', () => {
  for (const agent of [true, false]) {
    test(`kills the process the same way ${agent ? 'with' : 'without'} the agent`, async () => {
      const { found, stderr } = await dieOfTimerThrow({ app: 'agent-express-failures/app.cjs', agent });
      if (!agent) return;
      assert.deepEqual(
        found.map((f) => [f.kind, f.middleware.name, f.url]),
        [['escaping-async-throw', 'scheduleCleanup', '/timer-throws']],
      );
      assert.match(found[0].error?.stack ?? '', /cleanup failed/);
      assert.match(stderr, /mwchain: escaping-async-throw on GET \/timer-throws/);
    });
  }
});
