// MWCHAIN_BREAK with a real debugger: the app runs with --inspect, the test attaches over the
// Chrome DevTools Protocol like js-debug does, and must see the pause in `mwchainBreak` with
// `info` describing the event. Break modes switched over the control socket take effect at once.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { FIXTURES, RunningApp } from '../support/agent-app';
import { Inspector } from './breaks-support';

const APP = path.join(FIXTURES, 'agent-express-failures', 'app.cjs');

const INFO = `({ kind: info.kind, method: info.method, url: info.url, name: info.middleware.name,
  line: info.middleware.definedAt.line, error: info.error && info.error.message,
  throwLine: info.throwSite && info.throwSite.line,
  chain: info.chain.map((c) => c.name + ':' + (c.outcome || 'running')) })`;

describe('breaks with a debugger attached', () => {
  let app: RunningApp;
  let inspector: Inspector;
  before(async () => {
    app = await RunningApp.start({
      app: 'agent-express-failures/app.cjs',
      nodeArgs: ['--inspect=127.0.0.1:0'],
      env: { MWCHAIN_BREAK: 'crossing,double-response' },
    });
    inspector = await Inspector.attach(() => app.stderr);
  });
  after(async () => {
    inspector.close();
    await app.stop();
  });

  test('next(err) pauses in mwchainBreak with the crossing described', async () => {
    const reply = app.get('/next-error');
    const paused = await inspector.nextPause();
    assert.equal(paused.callFrames[0].functionName, 'mwchainBreak');
    assert.deepEqual(await inspector.evaluate(paused, INFO), {
      kind: 'crossing',
      method: 'GET',
      url: '/next-error',
      name: 'failWithNext',
      line: 21,
      error: 'passed to next',
      throwLine: 22,
      chain: ['requestLog:next', 'requireAuth:next', 'failWithNext:error'],
    });
    await inspector.send('Debugger.resume');
    assert.equal((await reply).status, 500);
  });

  test('a throw pauses with its throw site', async () => {
    const reply = app.get('/throws');
    const paused = await inspector.nextPause();
    const info = (await inspector.evaluate(paused, INFO)) as Record<string, unknown>;
    assert.equal(info.name, 'throwSync');
    assert.equal(info.throwLine, 26);
    await inspector.send('Debugger.resume');
    assert.equal((await reply).status, 500);
  });

  test('a double response pauses at the finding', async () => {
    const reply = app.get('/respond-then-next');
    const kinds: unknown[] = [];
    // answerAgain's send throws "headers sent", which crosses to the error handler as well
    for (let i = 0; i < 3; i++) {
      const paused = await inspector.nextPause(1500).catch(() => undefined);
      if (!paused) break;
      kinds.push(((await inspector.evaluate(paused, INFO)) as { kind: string; name: string }).kind);
      await inspector.send('Debugger.resume');
    }
    assert.ok(kinds.includes('double-response'), `pauses: ${kinds.join(', ')}`);
    assert.equal((await reply).body, 'first');
  });

  test('a request with no event of those kinds does not pause', async () => {
    assert.equal((await app.get('/ok')).status, 200);
    assert.equal(inspector.pausedCount, 0);
  });
});

describe('breaks without a debugger', () => {
  test('MWCHAIN_BREAK=all never pauses and changes nothing', async () => {
    const app = await RunningApp.start({
      app: 'agent-express-failures/app.cjs',
      env: { MWCHAIN_BREAK: 'all' },
    });
    try {
      assert.equal((await app.get('/next-error')).status, 500);
      assert.equal((await app.get('/ok')).status, 200);
    } finally {
      await app.stop();
    }
  });
});

describe('break modes switched over the control socket', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'mwchain-break-'));
    chmodSync(dir, 0o700);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('no pause before setBreak, a pause after it, none once it is turned off again', async () => {
    const socketPath = path.join(dir, 'control.sock');
    const sockets: net.Socket[] = [];
    let received = '';
    const server = net.createServer((s) => {
      sockets.push(s);
      s.setEncoding('utf8').on('data', (chunk: string) => (received += chunk));
    });
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    const app = await RunningApp.start({
      app: path.relative(FIXTURES, APP),
      nodeArgs: ['--inspect=127.0.0.1:0'],
      env: { MWCHAIN_CONTROL: socketPath, MWCHAIN_CONTROL_TOKEN: 'x' },
    });
    const inspector = await Inspector.attach(() => app.stderr);
    /** Sends setBreak and waits for the agent's `breakModes` answer. */
    const setBreak = async (kinds: string[]): Promise<void> => {
      const acks = received.split('\n').filter((l) => l.includes('"breakModes"')).length;
      for (const s of sockets) s.write(`${JSON.stringify({ type: 'setBreak', kinds })}\n`);
      const deadline = Date.now() + 3000;
      while (received.split('\n').filter((l) => l.includes('"breakModes"')).length === acks) {
        if (Date.now() > deadline) throw new Error(`no breakModes answer in:\n${received}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    };
    try {
      assert.equal((await app.get('/next-error')).status, 500);
      assert.equal(inspector.pausedCount, 0);
      await setBreak(['crossing']);
      const reply = app.get('/next-error');
      const paused = await inspector.nextPause();
      assert.equal(paused.callFrames[0].functionName, 'mwchainBreak');
      await inspector.send('Debugger.resume');
      assert.equal((await reply).status, 500);
      await setBreak([]);
      assert.equal((await app.get('/next-error')).status, 500);
      const errors = await app.events((es) => es.filter((e) => e.type === 'error').length === 3);
      assert.equal(errors.filter((e) => e.type === 'error').length, 3, 'three errors crossed');
      await new Promise((r) => setTimeout(r, 50));
      assert.equal(inspector.pausedCount, 0, 'a pause after setBreak turned every mode off');
    } finally {
      inspector.close();
      await app.stop();
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
