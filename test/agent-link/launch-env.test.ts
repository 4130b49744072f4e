// NODE_OPTIONS gets the agent appended, quoted so Node reads paths with spaces and quotes, and
// never twice; the attach command line carries the same settings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { appendAgent, startCommand, withAgent } from '../../src/agent-link/launch-env';

test('the agent is appended after what NODE_OPTIONS already has, once', () => {
  assert.equal(appendAgent(undefined, '/x/agent.js'), '--require "/x/agent.js"');
  assert.equal(appendAgent(null, '/x/agent.js'), '--require "/x/agent.js"');
  assert.equal(
    appendAgent('--max-old-space-size=512', '/x/agent.js'),
    '--max-old-space-size=512 --require "/x/agent.js"',
  );
  const once = appendAgent('--inspect', '/x/agent.js');
  assert.equal(appendAgent(once, '/x/agent.js'), once);
});

test('withAgent keeps the rest of the env and sets the control socket and break kinds', () => {
  const env = withAgent(
    { PORT: '3000', NODE_OPTIONS: '--enable-source-maps', UNSET: null },
    {
      agentPath: '/x/agent.js',
      controlPath: '/tmp/d/control.sock',
      token: 't0k',
      kinds: ['crossing', 'double-response'],
    },
  );
  assert.deepEqual(env, {
    PORT: '3000',
    UNSET: null,
    NODE_OPTIONS: '--enable-source-maps --require "/x/agent.js"',
    MWCHAIN_CONTROL: '/tmp/d/control.sock',
    MWCHAIN_CONTROL_TOKEN: 't0k',
    MWCHAIN_BREAK: 'crossing,double-response',
  });
});

test('Node reads the quoted path, with a space and a double quote in it', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mwchain launch env '));
  try {
    const preload = path.join(dir, 'pre"load.js');
    writeFileSync(preload, 'globalThis.preloaded = true;');
    const r = spawnSync(process.execPath, ['-e', 'console.log(globalThis.preloaded === true)'], {
      env: { ...process.env, NODE_OPTIONS: appendAgent('--no-warnings', preload) },
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'true');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the attach command line runs in a POSIX shell as given', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "mwchain it's "));
  try {
    const preload = path.join(dir, 'agent.js');
    writeFileSync(
      preload,
      'console.log(JSON.stringify([process.env.MWCHAIN_CONTROL, process.env.MWCHAIN_BREAK, process.execArgv]));',
    );
    const line = startCommand(
      { agentPath: preload, controlPath: "/tmp/it's/c.sock", token: 'abc', kinds: ['crossing'] },
      'linux',
      path.join(dir, 'app.js'),
    ).replace(' node --inspect ', ` ${process.execPath} --inspect=127.0.0.1:0 `);
    writeFileSync(path.join(dir, 'app.js'), '');
    const r = spawnSync('/bin/sh', ['-c', line], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const [control, kinds] = JSON.parse(r.stdout.trim().split('\n')[0]!) as string[];
    assert.equal(control, "/tmp/it's/c.sock");
    assert.equal(kinds, 'crossing');
    assert.match(
      startCommand({ agentPath: 'C:\\a b\\agent.js', controlPath: 'p', token: 't', kinds: [] }, 'win32'),
      /^\$env:NODE_OPTIONS='--require "C:\\\\a b\\\\agent.js"'; .* node --inspect app\.js$/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
