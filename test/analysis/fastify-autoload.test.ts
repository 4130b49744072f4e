// @fastify/autoload folders resolved statically, against autoload 6's defaults (checked with
// printRoutes): folder names become prefixes after `options.prefix`, a folder with index.js
// loads only the index, `autoPrefix` replaces the folder prefix, fp plugins share the parent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chainOf, routesOf } from './fastify-support';

const routes = routesOf('fastify-autoload');

test('fastify autoload: every file is a plugin, folders become prefixes', () => {
  assert.deepEqual(routes.map((r) => `${r.method} ${r.path}`).sort(), [
    'GET /api',
    'GET /api/health',
    'GET /api/legacy/old-stats',
    'GET /api/users',
    'GET /api/users/:id',
    'GET /api/users/admin/stats',
  ]);
});

test('fastify autoload: an fp plugin of the plugins folder hooks every route; folder hooks stay in their folder', () => {
  assert.deepEqual(chainOf(routes, 'GET', '/api/users/:id').chain, [
    'requestId[hook:onRequest @/]',
    'loadSession[hook:preHandler @/api/users]',
    'anonymous[handler @/api/users]',
  ]);
  assert.deepEqual(chainOf(routes, 'GET', '/api/users/admin/stats'), {
    chain: ['requestId[hook:onRequest @/]', 'anonymous[handler @/api/users/admin]'],
    errors: ['adminErrors'],
  });
  assert.deepEqual(chainOf(routes, 'GET', '/api/legacy/old-stats').errors, []);
});
