// The Hono front end: chains in Hono's dispatch order (every matching `use` and route handler,
// in registration order), `route()` sub-apps, `basePath()`, `onError` as the error chain and
// `notFound` as a catch-all route. Checked against the fixture apps and small workspaces.
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
      return `${r.method} ${r.path}${r.catchAll ? ' (catch-all)' : ''}: ${items.join(', ')}${errs.length ? ` | ${errs.join(', ')}` : ''}`;
    }),
  );
}

const hono = (files: Record<string, string>) =>
  tempWorkspace({
    'package.json': JSON.stringify({
      name: 'h',
      private: true,
      type: 'module',
      dependencies: { hono: '^4.6.0' },
    }),
    ...files,
  });

test('hono-api-routes: use patterns, hono/* middleware, basePath, route, onError, notFound', () => {
  const cors = "cors({ origin: 'https://shop.example' })";
  const auth = "basicAuth({ username: 'admin', password: 'secret'…)";
  assert.deepEqual(chainsOf(fixture('hono-api-routes')), [
    'GET /health: logger(), requestId, anonymous | anonymous',
    `GET /api/books: logger(), requestId, ${cors}, secureHeaders(), anonymous | anonymous, anonymous`,
    `GET /api/books/:id: logger(), requestId, ${cors}, secureHeaders(), loadBook, anonymous | anonymous, anonymous`,
    `POST /api/books: logger(), requestId, ${cors}, secureHeaders(), ${auth}, anonymous | anonymous, anonymous`,
    `GET /api/admin/stats: logger(), requestId, ${cors}, secureHeaders(), timing, anonymous | anonymous`,
    'ALL * (catch-all): logger(), requestId, anonymous | anonymous',
  ]);
  const app = ChainAnalyzer.open(fixture('hono-api-routes')).graph().apps[0]!;
  assert.equal(app.framework, 'hono');
  // the sub-app's onError comes first, then the app's
  const books = app.routes.find((r) => r.path === '/api/books/:id')!;
  assert.deepEqual(
    books.errorChain.map((i) => `${i.registeredAt.file}:${i.registeredAt.line}`),
    ['src/routes/books.ts:20', 'src/index.ts:24'],
  );
  assert.deepEqual(
    books.chain.map((i) => i.kind),
    ['middleware', 'middleware', 'middleware', 'middleware', 'middleware', 'handler'],
  );
});

test('hono-basepath-subapps: new Hono().basePath(), chained methods without a path, on(), all()', () => {
  const jwt = "jwt({ secret: process.env.JWT_SECRET ?? 'de…)";
  assert.deepEqual(chainsOf(fixture('hono-basepath-subapps')), [
    `GET /v1/items: timing, ${jwt}, anonymous, anonymous`,
    `GET /v1/items/:id{[0-9]+}: timing, ${jwt}, anonymous, anonymous`,
    `DELETE /v1/items/:id: timing, ${jwt}, anonymous, anonymous, anonymous`,
    'GET /v1/status: timing, anonymous',
    'POST /v1/status: timing, anonymous',
    'PUT /v1/settings: timing, anonymous',
    'PATCH /v1/settings: timing, anonymous',
    'ALL /v1/echo: timing, anonymous',
  ]);
});

test('use without a wildcard matches only its own path; /x/* matches /x too; earlier routes run first', () => {
  const dir = hono({
    'app.js': `import { Hono } from 'hono';
const app = new Hono();
const exact = async (c, next) => { await next(); };
const under = async (c, next) => { await next(); };
const any = async (c, next) => { await next(); };
app.use('/api', exact);
app.use('/api/*', under);
app.get('/api', (c) => c.text('api'));
app.get('/api/users/:id', function show(c) { return c.json({}); });
app.get('/api/users/me', function me(c) { return c.json({}); });
app.use('/Admin/*', any);
app.get('/admin', (c) => c.text('admin'));
export default app;`,
  });
  assert.deepEqual(chainsOf(dir), [
    'GET /api: exact, under, anonymous',
    'GET /api/users/:id: under, show',
    'GET /api/users/me: under, show, me',
    'GET /admin: anonymous',
  ]);
});

test('route() copies the sub-app as it is at that call; a sub-app without onError uses the parent one', () => {
  const dir = hono({
    'app.js': `import { Hono } from 'hono';
const app = new Hono();
const sub = new Hono();
sub.get('/a', function a(c) { return c.text('a'); });
app.route('/sub', sub);
sub.get('/late', function late(c) { return c.text('late'); });
app.onError(function onError(err, c) { return c.text('error', 500); });
export default app;`,
  });
  assert.deepEqual(chainsOf(dir), ['GET /sub/a: a | onError']);
});

test('the last onError and notFound win; hono/* factories are named after their call', () => {
  const dir = hono({
    'app.js': `import { Hono } from 'hono';
import { prettyJSON } from 'hono/pretty-json';
const app = new Hono();
app.onError(function first(err, c) { return c.text('1', 500); });
app.use(prettyJSON());
app.get('/', (c) => c.json({}));
app.notFound(function missing(c) { return c.text('none', 404); });
app.onError(function second(err, c) { return c.text('2', 500); });
export default app;`,
  });
  assert.deepEqual(chainsOf(dir), [
    'GET /: prettyJSON(), anonymous | second',
    'ALL * (catch-all): prettyJSON(), missing | second',
  ]);
});
