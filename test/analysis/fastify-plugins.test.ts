// Fastify encapsulation: register with prefix, nested and callback-style plugins in other files,
// hooks scoped to their context and its children, route-option hooks, error and not-found
// handlers of the nearest context. Checked against Fastify 5 with hooks that log.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chainOf, routesOf } from './fastify-support';

const routes = routesOf('fastify-plugins-prefix');

test('fastify plugins: prefixes join across nested registers', () => {
  assert.deepEqual(routes.map((r) => `${r.method} ${r.path}`).sort(), [
    'ALL /orders/*',
    'DELETE /users/admin/:id',
    'GET /health',
    'GET /orders/:id',
    'GET /users',
    'GET /users/:id',
    'POST /orders',
  ]);
});

test('fastify plugins: hooks of a context reach its children, in lifecycle order', () => {
  assert.deepEqual(chainOf(routes, 'DELETE', '/users/admin/:id'), {
    chain: [
      'logRequest[hook:onRequest @/]',
      'requireUser[hook:preValidation @/users]',
      'requireAdmin[hook:preHandler @/users/admin]',
      'anonymous[handler @/users/admin]',
      // added at the root after the plugins were registered: Fastify still adds it to them
      'recordTiming[hook:onResponse @/]',
    ],
    errors: ['userErrors', 'rootErrors'],
  });
});

test('fastify plugins: a sibling context sees neither hooks nor error handler of another', () => {
  assert.deepEqual(chainOf(routes, 'GET', '/orders/:id'), {
    chain: [
      'logRequest[hook:onRequest @/]',
      'anonymous[handler @/orders]',
      'recordTiming[hook:onResponse @/]',
    ],
    errors: ['rootErrors'],
  });
  assert.deepEqual(chainOf(routes, 'GET', '/health').errors, ['rootErrors']);
});

test('fastify plugins: route-option hooks follow the context hooks of their phase', () => {
  assert.deepEqual(chainOf(routes, 'GET', '/users/:id').chain, [
    'logRequest[hook:onRequest @/]',
    'requireUser[hook:preValidation @/users]',
    'loadUser[hook:preHandler @/users]',
    'anonymous[handler @/users]',
    'recordTiming[hook:onResponse @/]',
  ]);
  assert.deepEqual(chainOf(routes, 'POST', '/orders').chain, [
    'logRequest[hook:onRequest @/]',
    'rateLimit[hook:onRequest @/orders]',
    'createOrder[handler @/orders]',
    'recordTiming[hook:onResponse @/]',
  ]);
});

test('fastify plugins: setNotFoundHandler answers the unmatched URLs under its prefix', () => {
  const notFound = routes.find((r) => r.path === '/orders/*')!;
  assert.equal(notFound.catchAll, true);
  assert.deepEqual(chainOf(routes, 'ALL', '/orders/*').chain, [
    'logRequest[hook:onRequest @/]',
    'orderNotFound[handler @/orders]',
    'recordTiming[hook:onResponse @/]',
  ]);
});

test('fastify plugins: a plugin from a package stays visible as not followed', async () => {
  const { ChainAnalyzer } = await import('../../src/analysis/analyzer');
  const { fixture } = await import('../support/fixtures');
  const tree = ChainAnalyzer.open(fixture('fastify-plugins-prefix')).graph().apps[0]!.tree;
  const cors = tree.find((n) => n.type === 'unresolved');
  assert.match(cors?.reason ?? '', /package @fastify\/cors: its hooks and routes are not followed/);
  const users = tree.find((n) => n.type === 'router' && n.name === 'users');
  assert.equal(users?.mount, '/users');
  assert.deepEqual(users?.definedAt, { file: 'src/routes/users.js', line: 8, column: 33 });
});
