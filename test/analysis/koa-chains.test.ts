// The Koa front end: app.use order, @koa/router prefixes, nesting, params and allowedMethods,
// koa-mount, and errors unwinding to the try/await next() boundaries before them. The chains
// below were checked against the real koa and @koa/router 15 where the fixtures run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChainAnalyzer } from '../../src/analysis/analyzer';
import type { AppGraph, Route, TreeNode } from '../../src/analysis/model';
import { lint } from '../../src/lint/lint';
import { fixture } from '../support/fixtures';
import { tempWorkspace } from '../support/temp-workspace';

const chainOf = (r: Route) => r.chain.map((i) => `${i.name}:${i.kind}`);
const routesOf = (app: AppGraph) =>
  Object.fromEntries(
    app.routes.map((r) => [
      `${r.method} ${r.path}`,
      { chain: chainOf(r), errors: r.errorChain.map((i) => i.name) },
    ]),
  );
const onlyApp = (dir: string): AppGraph => {
  const g = ChainAnalyzer.open(dir).graph();
  assert.equal(g.apps.length, 1, 'one app: routers and mounted apps are not apps of their own');
  return g.apps[0]!;
};

test('koa-router-nested: prefixes, nested routers, params of the router and of its parent', () => {
  const app = onlyApp(fixture('koa-router-nested'));
  assert.equal(app.framework, 'koa');
  const base = ['errorHandler:middleware', 'requestId:middleware'];
  const auth = [...base, 'requireAuth:middleware'];
  assert.deepEqual(routesOf(app), {
    'GET /api/health': { chain: [...base, 'health:handler'], errors: ['errorHandler'] },
    'GET /api/users': { chain: [...auth, 'listUsers:handler'], errors: ['errorHandler'] },
    'GET /api/users/:id': { chain: [...auth, 'loadUser:param', 'getUser:handler'], errors: ['errorHandler'] },
    'POST /api/users': { chain: [...auth, 'createUser:handler'], errors: ['errorHandler'] },
    'DELETE /api/users/:id': {
      chain: [...auth, 'loadUser:param', 'deleteUser:handler'],
      errors: ['errorHandler'],
    },
    'GET /api/orgs/:orgId': {
      chain: [...auth, 'loadOrg:param', 'audit:middleware', 'getOrg:handler'],
      errors: ['errorHandler'],
    },
    'GET /api/orgs/:orgId/projects/:projectId': {
      chain: [...auth, 'loadOrg:param', 'audit:middleware', 'getProject:handler'],
      errors: ['errorHandler'],
    },
  });
  const r = app.routes.find((x) => x.path === '/api/orgs/:orgId')!;
  assert.deepEqual(
    r.chain.map((i) => i.mount),
    ['/', '/', '/api', '/api', '/api/orgs/:orgId', '/api/orgs/:orgId'],
  );
  assert.equal(r.errorChain[0]!.kind, 'errorHandler');
  // routes() is a router node, allowedMethods() no item at all
  const names = (ns: TreeNode[]): string[] => ns.flatMap((n) => [n.name, ...names(n.children ?? [])]);
  assert.ok(names(app.tree).includes('api.routes()'));
  assert.ok(!names(app.tree).some((n) => n.includes('allowedMethods')));
  assert.ok(!app.routes.some((x) => x.chain.some((i) => i.name.includes('allowedMethods'))));
});

test('koa-mount: sub-apps and functions under a path, a router under a mount, compose, catch-alls', () => {
  const app = onlyApp(fixture('koa-mount'));
  const outer = ['errorBoundary:middleware', 'timing:middleware', 'securityHeaders:middleware'];
  assert.deepEqual(routesOf(app), {
    'ALL /admin': {
      chain: [...outer, 'adminErrors:middleware', 'adminOnly:middleware', 'dashboard:handler'],
      errors: ['adminErrors', 'errorBoundary'],
    },
    'ALL /health': { chain: [...outer, 'healthCheck:handler'], errors: ['errorBoundary'] },
    'GET /v1/items': { chain: [...outer, 'anonymous:handler'], errors: ['errorBoundary'] },
    'GET /v1/items/:id': { chain: [...outer, 'anonymous:handler'], errors: ['errorBoundary'] },
    'ALL /': {
      chain: [...outer, "serve('public'):middleware", 'notFound:handler'],
      errors: ['errorBoundary'],
    },
  });
  assert.ok(app.routes.filter((r) => r.method === 'ALL').every((r) => r.catchAll));
  const admin = app.tree.find((n) => n.name === 'adminApp')!;
  assert.equal(admin.type, 'app');
  assert.equal(admin.mount, '/admin');
  assert.deepEqual(
    admin.children!.map((n) => n.type),
    ['errorHandler', 'middleware', 'handler'],
  );
});

test('koa-boundaries: router boundaries unwind before the app ones; a router nested early misses later routes', () => {
  const app = onlyApp(fixture('koa-boundaries'));
  const before = ['logErrors:middleware', 'cors:middleware', 'jsonErrors:middleware'];
  assert.deepEqual(routesOf(app), {
    'GET /api/admin/users': { chain: [...before, 'adminUsers:handler'], errors: ['jsonErrors', 'logErrors'] },
    // admin.get('/stats') comes after api.use('/admin', admin.routes()): @koa/router never serves it
    'GET /api/ping': { chain: [...before, 'ping:handler'], errors: ['jsonErrors', 'logErrors'] },
    'ALL /': {
      chain: ['logErrors:middleware', 'cors:middleware', 'fallback:handler'],
      errors: ['logErrors'],
    },
  });
  const findings = lint(ChainAnalyzer.open(fixture('koa-boundaries')).model()).findings;
  assert.deepEqual(
    findings.map((f) => `${f.rule} ${f.message}`),
    [],
  );
});

test('idiomatic Koa fixtures lint clean', () => {
  for (const name of ['koa-router-nested', 'koa-mount', 'koa-boundaries']) {
    const findings = lint(ChainAnalyzer.open(fixture(name)).model()).findings;
    assert.deepEqual(
      findings.map((f) => `${f.location.file}:${f.location.line} ${f.rule}`),
      [],
      `${name} has no findings`,
    );
  }
});

test('koa-lint-defects: unawaited next() in middleware and param callbacks, a boundary that is not first', () => {
  const findings = lint(ChainAnalyzer.open(fixture('koa-lint-defects')).model()).findings;
  assert.deepEqual(
    findings.map((f) => `${f.location.line}:${f.location.column} ${f.rule}`),
    ['9:3 unawaited-next', '30:3 unawaited-next', '39:9 error-handler-order'],
  );
  assert.match(
    findings[2]!.message,
    /`errors` catches errors only from what runs after it, but `timing`, `session`/,
  );
});

const koaApp = (code: string) =>
  tempWorkspace({
    'package.json': JSON.stringify({
      name: 'k',
      private: true,
      dependencies: { koa: '^2.16.0', 'koa-router': '^12.0.0' },
    }),
    'app.js': code,
  });

test('koa-router: named routes, path arrays, all, router.use with a path, ESM default import', () => {
  const dir = koaApp(`import Koa from 'koa';
import Router from 'koa-router';
const app = new Koa();
const router = new Router();
router.use('/admin', async function adminOnly(ctx, next) { await next(); });
router.get('home', '/', function home(ctx) { ctx.body = 'hi'; });
router.all('/admin/ping', function ping(ctx) { ctx.body = 'pong'; });
router.get(['/a', '/b'], function ab(ctx) { ctx.body = 'ab'; });
app.use(router.routes());
app.use(router.allowedMethods());
export default app;
`);
  const app = onlyApp(dir);
  assert.deepEqual(routesOf(app), {
    'GET /': { chain: ['home:handler'], errors: [] },
    'ALL /admin/ping': { chain: ['adminOnly:middleware', 'ping:handler'], errors: [] },
    'GET /a': { chain: ['ab:handler'], errors: [] },
    'GET /b': { chain: ['ab:handler'], errors: [] },
  });
});

test('a route layer that calls next runs before later routes of the same path and method', () => {
  const dir = koaApp(`const Koa = require('koa');
const Router = require('@koa/router');
const app = new Koa();
const router = new Router();
router.get('/users/:id', async function track(ctx, next) { await next(); });
router.post('/users/:id', async function update(ctx) { ctx.status = 204; });
router.get('/users/me', async function me(ctx) { ctx.body = {}; });
app.use(router.routes());
module.exports = app;
`);
  const me = onlyApp(dir).routes.find((r) => r.path === '/users/me')!;
  assert.deepEqual(chainOf(me), ['track:middleware', 'me:handler']);
});

test('middleware only: one route, ALL /, the whole stack', () => {
  const dir = koaApp(`const Koa = require('koa');
const logger = require('koa-logger');
const serve = require('koa-static');
const app = new Koa();
app.use(logger());
app.use(serve('public'));
module.exports = app;
`);
  assert.deepEqual(routesOf(onlyApp(dir)), {
    'ALL /': { chain: ['logger():middleware', "serve('public'):handler"], errors: [] },
  });
});
