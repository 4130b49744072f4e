// The agent's own failures: one warning line, then every hook falls through to the original.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { guarded, state, warn } from '../../src/agent/safety';

function capturingStderr(run: () => void): string {
  const write = process.stderr.write;
  let text = '';
  process.stderr.write = ((chunk: string) => {
    text += chunk;
    return true;
  }) as typeof process.stderr.write;
  try {
    run();
  } finally {
    process.stderr.write = write;
  }
  return text;
}

test('a failure inside the agent: one warning line, the agent steps aside, nothing is thrown', () => {
  assert.equal(state.active, true);
  const stderr = capturingStderr(() => {
    assert.equal(
      guarded(() => {
        throw new Error('broken bookkeeping');
      }),
      undefined,
    );
    assert.equal(
      guarded(() => {
        throw new Error('second failure');
      }),
      undefined,
    );
  });
  assert.equal(state.active, false);
  const lines = stderr.trim().split('\n');
  assert.equal(lines.length, 1);
  assert.match(lines[0], /^mwchain agent: internal error, instrumentation disabled .*broken bookkeeping/);
  assert.equal(
    guarded(() => 42),
    undefined,
    'once aside, the agent does no more work',
  );
});

test('a warning is printed once per kind', () => {
  const stderr = capturingStderr(() => {
    warn('socket gone', 'socket');
    warn('socket gone again', 'socket');
    warn('trace file unwritable');
  });
  assert.deepEqual(stderr.trim().split('\n'), [
    'mwchain agent: socket gone',
    'mwchain agent: trace file unwritable',
  ]);
});
