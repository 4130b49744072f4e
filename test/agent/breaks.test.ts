// MWCHAIN_BREAK with a real debugger: the app runs with --inspect, the test attaches over the
// Chrome DevTools Protocol like js-debug does, and must see the pause in `mwchainBreak` with
// `info` describing the event. Break modes switched over the control socket take effect at once.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import WebSocket from 'ws';
import { FIXTURES, RunningApp } from '../support/agent-app';

const APP = path.join(FIXTURES, 'agent-express-failures', 'app.cjs');

interface Paused {
  callFrames: { callFrameId: string; functionName: string }[];
  reason: string;
}

/** A minimal CDP client: commands by id, `Debugger.paused` events queued. */
class Inspector {
  private nextId = 1;
  private readonly pending = new Map<number, (result: unknown) => void>();
  private readonly pauses: Paused[] = [];
  private waiter: ((p: Paused) => void) | undefined;

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const message = JSON.parse(String(data)) as {
        id?: number;
        method?: string;
        params?: unknown;
        result?: unknown;
      };
      if (message.id !== undefined) this.pending.get(message.id)?.(message.result);
      else if (message.method === 'Debugger.paused') {
        const paused = message.params as Paused;
        if (this.waiter) {
          this.waiter(paused);
          this.waiter = undefined;
        } else this.pauses.push(paused);
      }
    });
  }

  static async attach(stderr: () => string): Promise<Inspector> {
    const deadline = Date.now() + 5000;
    let url: string | undefined;
    while (!(url = /ws:\/\/\S+/.exec(stderr())?.[0])) {
      if (Date.now() > deadline) throw new Error(`no inspector URL in:\n${stderr()}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    const ws = new WebSocket(url);
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const inspector = new Inspector(ws);
    await inspector.send('Debugger.enable');
    return inspector;
  }

  send(method: string, params: object = {}): Promise<unknown> {
    const id = this.nextId++;
    this.ws.send(JSON.stringify({ id, method, params }));
    return new Promise((resolve) => this.pending.set(id, resolve));
  }

  nextPause(timeoutMs = 4000): Promise<Paused> {
    const queued = this.pauses.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no pause')), timeoutMs);
      this.waiter = (p) => {
        clearTimeout(timer);
        resolve(p);
      };
    });
  }

  get pausedCount(): number {
    return this.pauses.length;
  }

  /** `expression` evaluated in the top frame of a pause, returned by value. */
  async evaluate(paused: Paused, expression: string): Promise<unknown> {
    const result = (await this.send('Debugger.evaluateOnCallFrame', {
      callFrameId: paused.callFrames[0].callFrameId,
      expression,
      returnByValue: true,
    })) as { result: { value: unknown } };
    return result.result.value;
  }

  close(): void {
    this.ws.close();
  }
}

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

  test('no pause before setBreak, a pause after it', async () => {
    const socketPath = path.join(dir, 'control.sock');
    const sockets: net.Socket[] = [];
    const server = net.createServer((s) => sockets.push(s));
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    const app = await RunningApp.start({
      app: path.relative(FIXTURES, APP),
      nodeArgs: ['--inspect=127.0.0.1:0'],
      env: { MWCHAIN_CONTROL: socketPath, MWCHAIN_CONTROL_TOKEN: 'x' },
    });
    const inspector = await Inspector.attach(() => app.stderr);
    try {
      assert.equal((await app.get('/next-error')).status, 500);
      assert.equal(inspector.pausedCount, 0);
      for (const s of sockets) s.write(`${JSON.stringify({ type: 'setBreak', kinds: ['crossing'] })}\n`);
      await new Promise((r) => setTimeout(r, 200));
      const reply = app.get('/next-error');
      const paused = await inspector.nextPause();
      assert.equal(paused.callFrames[0].functionName, 'mwchainBreak');
      await inspector.send('Debugger.resume');
      assert.equal((await reply).status, 500);
    } finally {
      inspector.close();
      await app.stop();
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
