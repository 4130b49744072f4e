// The Connect front end: `use` layers in order, path prefixes, mounted Connect and Express apps,
// error handlers by arity; the endpoints (functions that end the requests they match) are the
// app's catch-all routes, `ALL <mount>`, each ending its chain.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChainAnalyzer } from '../../src/analysis/analyzer';
import { fixture } from '../support/fixtures';
import { tempWorkspace } from '../support/temp-workspace';

function chainsOf(dir: string): string[] {
  const graph = ChainAnalyzer.open(dir).graph();
  return graph.apps.flatMap((a) =>
    a.routes.map((r) => {
      const items = r.chain.map((i) => `${i.name}${i.conditional ? '?' : ''}`);
      const errs = r.errorChain.map((i) => i.name);
      return `${a.framework} ${r.method} ${r.path}${r.catchAll ? ' (catch-all)' : ''}: ${items.join(', ')}${errs.length ? ` | ${errs.join(', ')}` : ''}`;
    }),
  );
}

const deps = { connect: '^3.7.0', express: '^4.21.2' };
const workspace = (files: Record<string, string>) =>
  tempWorkspace({
    'package.json': JSON.stringify({ name: 'c', private: true, dependencies: deps }),
    ...files,
  });

test('connect-mounted-apps: prefixes, a mounted Connect app and Express app, endpoints, error handlers', () => {
  assert.deepEqual(chainsOf(fixture('connect-mounted-apps')), [
    'connect ALL /admin/stats (catch-all): requestLog, compression(), requireToken, stats | adminError, onError',
    'connect GET /api/users/:id: requestLog, compression(), express.json(), getUser | onError',
    'connect ALL /health (catch-all): requestLog, compression(), health | onError',
    'connect ALL / (catch-all): requestLog, compression(), notFound | onError',
  ]);
  const app = ChainAnalyzer.open(fixture('connect-mounted-apps')).graph().apps[0]!;
  assert.equal(app.framework, 'connect');
  assert.deepEqual(
    app.tree.map((n) => `${n.type} ${n.name} ${n.mount ?? ''}`),
    [
      'middleware requestLog /',
      'middleware compression() /',
      "middleware serveStatic(__dirname + '/public') /static",
      'middleware requireToken /admin',
      'app admin /admin',
      'app legacy /api',
      'handler health /health',
      'handler notFound /',
      'errorHandler onError /',
    ],
  );
});

test('a (req, res, next) function that always answers is an endpoint; one that may call next is middleware', () => {
  const dir = workspace({
    'server.js': `const connect = require('connect');
const http = require('http');
const app = connect();
app.use('/api', function cache(req, res, next) {
  if (req.method !== 'GET') return next();
  res.setHeader('cache-control', 'no-store');
  next();
});
app.use('/api/time', function time(req, res, next) {
  res.end(new Date().toISOString());
});
app.use('/api/echo', (req, res) => req.pipe(res));
app.use('/other', function other(req, res, next) { res.end('other'); });
http.createServer(app).listen(8080);`,
  });
  assert.deepEqual(chainsOf(dir), [
    'connect ALL /api/time (catch-all): cache, time',
    'connect ALL /api/echo (catch-all): cache, anonymous',
    'connect ALL /other (catch-all): other',
  ]);
});

test('a Connect app mounted in an Express app keeps its layers under the mount', () => {
  const dir = workspace({
    'app.js': `const express = require('express');
const connect = require('connect');
const legacy = connect();
legacy.use(function legacyAuth(req, res, next) { next(); });
legacy.use('/report', function report(req, res) { res.end('report'); });
const app = express();
app.use('/legacy', legacy);
app.use(function onError(err, req, res, next) { res.status(500).end(); });
module.exports = app;`,
  });
  assert.deepEqual(chainsOf(dir), ['express ALL /legacy/report (catch-all): legacyAuth, report | onError']);
});
