// fastify-plugin: an `fp(plugin)` works in its parent's context, so its hooks reach the parent's
// routes and its error handler becomes the parent's, for the routes added after it loads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chainOf, routesOf } from './fastify-support';

const routes = routesOf('fastify-plugin-fp');

test('fastify fp: its hooks apply to the context that registered it (ESM, default export)', () => {
  assert.deepEqual(chainOf(routes, 'GET', '/account/me'), {
    chain: [
      'verifyToken[hook:onRequest @/account]',
      'audit[hook:preHandler @/account]',
      'anonymous[handler @/account]',
    ],
    errors: ['sharedErrors'],
  });
});

test('fastify fp: a sibling plugin does not get the hooks of an fp registered inside another', () => {
  assert.deepEqual(chainOf(routes, 'GET', '/public/status'), {
    chain: ['anonymous[handler @/public]'],
    errors: ['sharedErrors'],
  });
});

test('fastify fp: an error handler set in fp does not reach routes added before it loads', () => {
  // Fastify 5: GET /early throws to the default handler, GET /late to sharedErrors
  assert.deepEqual(chainOf(routes, 'GET', '/early').errors, []);
});
