// The error handler a crossing goes to, from the static graph of the debug-crossing fixture.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { ChainAnalyzer } from '../../src/analysis/analyzer';
import { nextErrorHandler } from '../../src/agent-link/next-handler';
import { pauseMessage, pauseSite, pausedInfo } from '../../src/agent-link/break-text';
import { fixture } from '../support/fixtures';

const root = fixture('debug-crossing');
const folders = [{ root, graph: ChainAnalyzer.open(root).graph() }];
const app = path.join(root, 'src', 'app.js');

test('an error leaving loadUser on GET /orders goes to errorHandler', () => {
  assert.equal(
    nextErrorHandler(folders, 'GET', '/orders?fail=1', { file: app, line: 17, column: 1 }),
    'errorHandler',
  );
});

test('a middleware the graph does not know, or a file outside the folder, names no handler', () => {
  assert.equal(nextErrorHandler(folders, 'GET', '/orders', { file: app, line: 3, column: 1 }), undefined);
  assert.equal(
    nextErrorHandler(folders, 'GET', '/orders', { file: '/elsewhere/app.js', line: 17, column: 1 }),
    undefined,
  );
});

test('the pause message says what happened, per kind, and where', () => {
  const info = pausedInfo(
    JSON.stringify({
      kind: 'crossing',
      method: 'GET',
      url: '/orders',
      middleware: { name: 'loadUser', definedAt: { file: app, line: 16, column: 1 } },
      throwSite: { file: app, line: 17, column: 29 },
      error: { name: 'TypeError', message: 'boom' },
      chain: [],
    }),
  )!;
  assert.equal(pauseSite(info).line, 17);
  assert.equal(
    pauseMessage(info, 'errorHandler'),
    'TypeError: boom thrown in `loadUser` crossed into `errorHandler` (GET /orders)',
  );
  assert.equal(
    pauseMessage({ ...info, kind: 'unterminated-middleware', throwSite: undefined, error: undefined }),
    'GET /orders hung: `loadUser` neither called next() nor responded',
  );
  assert.equal(
    pauseMessage({ ...info, kind: 'double-response', throwSite: undefined, error: undefined }),
    'GET /orders: `loadUser` responded, and the response was written again',
  );
  assert.equal(pauseSite({ ...info, throwSite: undefined }).line, 16);
  assert.equal(pausedInfo('not json'), undefined);
  assert.equal(pausedInfo('{"kind":"crossing"}'), undefined);
});
