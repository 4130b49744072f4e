// The extension's control server with the real agent in a real app: the launch env loads the
// agent, the agent says hello with the token and streams the chain, setBreak is acknowledged,
// and a peer without the token is turned away.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { ControlServer, type AgentConnection } from '../../src/agent-link/control-server';
import { withAgent } from '../../src/agent-link/launch-env';
import type { FromAgent } from '../../src/protocol/agent-messages';
import { AGENT, RunningApp } from '../support/agent-app';

function until<T>(what: string, check: () => T | undefined, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const poll = () => {
      const v = check();
      if (v !== undefined) return resolve(v);
      if (Date.now() > end) return reject(new Error(`${what}: not within ${ms} ms`));
      setTimeout(poll, 20);
    };
    poll();
  });
}

test('an app launched with the agent env reports to the control server and takes setBreak', async () => {
  const connected: AgentConnection[] = [];
  const messages: FromAgent[] = [];
  const ended: AgentConnection[] = [];
  const server = new ControlServer({
    connected: (a) => connected.push(a),
    message: (_a, m) => messages.push(m),
    disconnected: (a) => ended.push(a),
  });
  await server.listen();
  const env = withAgent(undefined, {
    agentPath: AGENT,
    controlPath: server.socketPath,
    token: server.token,
    kinds: [],
  }) as Record<string, string>;
  const app = await RunningApp.start({ app: 'debug-crossing/src/app.js', agent: false, env });
  try {
    const agent = await until('hello', () => connected[0]);
    assert.equal(agent.pid, app.child.pid);
    assert.ok(messages.some((m) => m.type === 'instrumented'));

    assert.equal((await app.get('/orders')).status, 200);
    const entered = await until('the chain', () => {
      const names = messages.flatMap((m) => (m.type === 'enter' ? [m.name] : []));
      return messages.some((m) => m.type === 'finish') ? names : undefined;
    });
    assert.deepEqual(entered.slice(0, 3), ['tolerant', 'auditLog', 'loadUser']);

    server.broadcast({ type: 'setBreak', kinds: ['crossing', 'double-response'] });
    const ack = await until('breakModes', () => messages.find((m) => m.type === 'breakModes'));
    assert.deepEqual(ack, { type: 'breakModes', kinds: ['crossing', 'double-response'] });
  } finally {
    await app.stop();
    await until('disconnected', () => ended[0]);
    server.dispose();
  }
});

test('a peer without the token is disconnected and never reported', async () => {
  const connected: AgentConnection[] = [];
  const server = new ControlServer({ connected: (a) => connected.push(a) });
  await server.listen();
  try {
    const socket = net.connect(server.socketPath);
    socket.write(`${JSON.stringify({ type: 'hello', token: 'wrong', pid: 1, agentVersion: 'x' })}\n`);
    await new Promise((resolve) => socket.on('close', resolve));
    assert.equal(connected.length, 0);
    assert.equal(server.connections().length, 0);
  } finally {
    server.dispose();
  }
});
