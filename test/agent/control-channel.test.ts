// The control socket the extension listens on: the agent connects, says hello with the token,
// streams the trace events, takes break modes at run time, and drops (counting) rather than
// blocking the app when nobody reads.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { FromAgent, ToAgent } from '../../src/protocol/agent-messages';
import { RunningApp } from '../support/agent-app';

/** Stands in for the extension: one listening socket, the messages each agent sent. */
class FakeExtension {
  readonly messages: FromAgent[] = [];
  sockets: net.Socket[] = [];
  private constructor(
    readonly server: net.Server,
    readonly socketPath: string,
  ) {}

  static async listen(dir: string): Promise<FakeExtension> {
    const socketPath = path.join(dir, 'control.sock');
    const server = net.createServer();
    const fake = new FakeExtension(server, socketPath);
    server.on('connection', (socket) => {
      fake.sockets.push(socket);
      let buffer = '';
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => {
        buffer += chunk;
        let newline: number;
        while ((newline = buffer.indexOf('\n')) >= 0) {
          fake.messages.push(JSON.parse(buffer.slice(0, newline)) as FromAgent);
          buffer = buffer.slice(newline + 1);
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    return fake;
  }

  send(message: ToAgent): void {
    for (const socket of this.sockets) socket.write(`${JSON.stringify(message)}\n`);
  }

  async waitFor(check: (messages: FromAgent[]) => boolean, timeoutMs = 4000): Promise<FromAgent[]> {
    const deadline = Date.now() + timeoutMs;
    while (!check(this.messages)) {
      if (Date.now() > deadline) throw new Error(`timed out; got ${JSON.stringify(this.messages.slice(-5))}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    return this.messages;
  }

  close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

describe('control socket', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'mwchain-control-'));
    chmodSync(dir, 0o700);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('hello with the token, then the events; break modes switch at run time', async () => {
    const fake = await FakeExtension.listen(dir);
    const app = await RunningApp.start({
      app: 'agent-express-failures/app.cjs',
      trace: false,
      env: { MWCHAIN_CONTROL: fake.socketPath, MWCHAIN_CONTROL_TOKEN: 'secret-42' },
    });
    try {
      const [hello] = await fake.waitFor((m) => m.length > 0);
      assert.equal(hello.type, 'hello');
      assert.ok(hello.type === 'hello');
      assert.equal(hello.token, 'secret-42');
      assert.equal(hello.pid, app.child.pid);
      await app.get('/ok');
      await fake.waitFor((m) => m.some((x) => x.type === 'finish'));
      assert.ok(fake.messages.some((m) => m.type === 'instrumented' && m.framework === 'express'));
      assert.deepEqual(
        fake.messages.filter((m) => m.type === 'enter').map((m) => m.type === 'enter' && m.name),
        ['requestLog', 'requireAuth', 'showOk'],
      );
      fake.send({ type: 'setBreak', kinds: ['crossing', 'double-response', 'nonsense' as never] });
      const ack = await fake.waitFor((m) => m.some((x) => x.type === 'breakModes'));
      assert.deepEqual(
        ack.find((m) => m.type === 'breakModes'),
        { type: 'breakModes', kinds: ['crossing', 'double-response'] },
      );
      // with an extension listening, findings go to it and not to the app's stderr
      await app.get('/respond-then-next');
      await fake.waitFor((m) => m.some((x) => x.type === 'finding'));
      assert.doesNotMatch(app.stderr, /mwchain: double-response/);
    } finally {
      await app.stop();
      await fake.close();
    }
  });

  test('the trace file and the socket carry the same lines, byte for byte', async () => {
    const fake = await FakeExtension.listen(dir);
    const lines: string[] = [];
    fake.server.on('connection', (socket) => socket.on('data', (chunk: string) => lines.push(chunk)));
    const app = await RunningApp.start({
      app: 'agent-express-failures/app.cjs',
      env: { MWCHAIN_CONTROL: fake.socketPath, MWCHAIN_CONTROL_TOKEN: 'secret-42' },
    });
    try {
      // the file gets the hot lines as encoded pieces, the socket as text: requests, entries,
      // exits of each outcome, an error crossing and finishes must come out the same
      await app.get('/ok?q=caf%C3%A9');
      await app.get('/next-error');
      await fake.waitFor((m) => m.filter((x) => x.type === 'finish').length === 2);
      const events = await app.events((e) => e.filter((x) => x.type === 'finish').length === 2);
      assert.ok(events.some((e) => e.type === 'error'));
      const kinds = new Set(['request', 'enter', 'exit', 'error', 'finish']);
      const socketLines = lines
        .join('')
        .split('\n')
        .filter((l) => l && kinds.has((JSON.parse(l) as { type: string }).type));
      const fileLines = readFileSync(app.traceFile!, 'utf8')
        .split('\n')
        .filter((l) => l && kinds.has((JSON.parse(l) as { type: string }).type));
      assert.ok(fileLines.length >= 10, `only ${fileLines.length} lines in the file`);
      assert.deepEqual(socketLines, fileLines);
    } finally {
      await app.stop();
      await fake.close();
    }
  });

  test('an extension that stops reading: events are dropped and counted, the app keeps answering', async () => {
    const fake = await FakeExtension.listen(dir);
    const app = await RunningApp.start({
      app: 'agent-express-failures/app.cjs',
      trace: false,
      env: { MWCHAIN_CONTROL: fake.socketPath, MWCHAIN_CONTROL_TOKEN: 't' },
    });
    try {
      await fake.waitFor((m) => m.length > 0);
      for (const socket of fake.sockets) socket.pause();
      // ~8 lines a request: well past the socket buffer and the agent's 10,000-line queue
      for (let i = 0; i < 4000; i += 50) {
        const batch = Array.from({ length: 50 }, () => app.get('/ok'));
        for (const reply of await Promise.all(batch)) assert.equal(reply.status, 200);
      }
      for (const socket of fake.sockets) socket.resume();
      // the backlog drains first; a request after that is delivered again
      await fake.waitFor((m) => m.some((x) => x.type === 'dropped'), 15_000);
      await app.get('/ok?last');
      const messages = await fake.waitFor((m) => m.some((x) => x.type === 'request' && x.url === '/ok?last'));
      const dropped = messages.filter((m) => m.type === 'dropped');
      assert.ok(dropped.length > 0, 'a dropped message');
      const total = dropped.reduce((n, m) => n + (m.type === 'dropped' ? m.count : 0), 0);
      const delivered = messages.filter(
        (m) => m.type !== 'hello' && m.type !== 'instrumented' && m.type !== 'dropped',
      );
      assert.ok(total > 0);
      assert.ok(delivered.length + total >= 4000 * 8, `${delivered.length} delivered + ${total} dropped`);
    } finally {
      await app.stop();
      await fake.close();
    }
  });

  test('a socket directory others can enter is refused with one warning', async () => {
    const open = path.join(dir, 'open');
    mkdirSync(open, { mode: 0o755 });
    chmodSync(open, 0o755);
    const fake = await FakeExtension.listen(open);
    const app = await RunningApp.start({
      app: 'agent-express-failures/app.cjs',
      trace: false,
      env: { MWCHAIN_CONTROL: fake.socketPath, MWCHAIN_CONTROL_TOKEN: 't' },
    });
    try {
      assert.equal((await app.get('/ok')).status, 200);
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(fake.sockets.length, 0);
      assert.match(
        app.stderr,
        /mwchain agent: control socket ignored: .* is not a private \(0700\) directory/,
      );
    } finally {
      await app.stop();
      await fake.close();
    }
  });
});
