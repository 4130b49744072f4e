import { ruleTests } from '../support/rule-tester';

ruleTests('error-handler-order', {
  valid: [
    {
      name: 'after the routes',
      code: `const app = require('express')();\napp.get('/', (req, res) => res.end());\napp.use((err, req, res, next) => res.sendStatus(500));`,
    },
    {
      name: 'after middleware that can fail, before later routes',
      code: `const app = require('express')();\napp.use((req, res, next) => next());\napp.use((err, req, res, next) => res.sendStatus(500));\napp.get('/', (req, res) => res.end());`,
    },
    {
      name: 'inside a router, after its routes',
      code: `const express = require('express');\nconst app = express();\nconst r = express.Router();\nr.get('/x', (req, res) => res.end());\nr.use((err, req, res, next) => res.sendStatus(500));\napp.use('/r', r);`,
    },
    {
      name: 'Fastify: setErrorHandler before the routes of its context catches them',
      files: {
        'package.json': JSON.stringify({ name: 'f', private: true, dependencies: { fastify: '^5.0.0' } }),
        'app.js': `const fastify = require('fastify')();\nfastify.setErrorHandler(function errors(error, request, reply) {\n  reply.code(500).send({ error: 'failed' });\n});\nfastify.get('/x', async () => ({ ok: true }));`,
      },
    },
    {
      name: 'Hono: onError before the routes',
      files: {
        'package.json': JSON.stringify({
          name: 'h',
          private: true,
          type: 'module',
          dependencies: { hono: '^4.6.0' },
        }),
        'app.js': `import { Hono } from 'hono';\nconst app = new Hono();\napp.onError((err, c) => c.text('failed', 500));\napp.get('/x', (c) => c.text('ok'));\nexport default app;`,
      },
    },
    {
      name: 'Koa: the boundary first',
      files: {
        'package.json': JSON.stringify({ name: 'k', private: true, dependencies: { koa: '^2.15.0' } }),
        'app.js': `const Koa = require('koa');\nconst app = new Koa();\napp.use(async (ctx, next) => {\n  try { await next(); } catch (e) { ctx.status = 500; }\n});\napp.use((ctx) => { ctx.body = 'ok'; });`,
      },
    },
    {
      name: 'Koa: a router or sub-app boundary behind the app boundary',
      files: {
        'package.json': JSON.stringify({
          name: 'k',
          private: true,
          dependencies: { koa: '^2.15.0', '@koa/router': '^15.0.0' },
        }),
        'app.js': `const Koa = require('koa');\nconst Router = require('@koa/router');\nconst app = new Koa();\nconst api = new Router({ prefix: '/api' });\napp.use(async function errors(ctx, next) {\n  try { await next(); } catch (e) { ctx.status = 500; }\n});\napp.use(async function cors(ctx, next) { await next(); });\napi.use(async function jsonErrors(ctx, next) {\n  try { await next(); } catch (e) { ctx.body = { error: e.message }; }\n});\napi.get('/x', (ctx) => { ctx.body = 'x'; });\napp.use(api.routes());`,
      },
    },
  ],
  invalid: [
    {
      name: 'Koa: a boundary after other middleware',
      files: {
        'package.json': JSON.stringify({ name: 'k', private: true, dependencies: { koa: '^2.15.0' } }),
        'app.js': `const Koa = require('koa');\nconst app = new Koa();\nasync function session(ctx, next) { await next(); }\napp.use(session);\napp.use(async function errors(ctx, next) {\n  try { await next(); } catch (e) { ctx.status = 500; }\n});\napp.use((ctx) => { ctx.body = 'ok'; });`,
      },
      errors: [
        {
          line: 5,
          column: 9,
          message:
            '`errors` catches errors only from what runs after it, but `session` is registered before it, so their errors escape it; register it first.',
        },
      ],
    },
    {
      name: 'before every route',
      code: `const app = require('express')();\napp.use(function onError(err, req, res, next) {\n  res.sendStatus(500);\n});\napp.get('/a', (req, res) => res.end());\napp.get('/b', (req, res) => res.end());`,
      errors: [
        {
          line: 2,
          column: 9,
          message:
            '`onError` is registered before every route and middleware it could catch errors from, so errors from GET /a and GET /b never reach it; register it after them.',
        },
      ],
    },
    {
      name: 'in a router before its routes',
      code: `const express = require('express');\nconst app = express();\nconst r = express.Router();\nr.use((err, req, res, next) => res.sendStatus(500));\nr.get('/x', (req, res) => res.end());\napp.use('/r', r);\napp.use((err, req, res, next) => res.sendStatus(500));`,
      errors: [
        {
          line: 4,
          column: 7,
          message: /`anonymous` is registered before every route .* errors from GET \/r\/x never reach it/,
        },
      ],
    },
    {
      name: 'Koa: a boundary registered after the router',
      files: {
        'package.json': JSON.stringify({
          name: 'k',
          private: true,
          dependencies: { koa: '^2.15.0', '@koa/router': '^15.0.0' },
        }),
        'app.js': `const Koa = require('koa');\nconst Router = require('@koa/router');\nconst app = new Koa();\nconst router = new Router();\nrouter.get('/orders', async function listOrders(ctx) { ctx.body = []; });\napp.use(router.routes());\napp.use(async function errors(ctx, next) {\n  try { await next(); } catch (e) { ctx.status = 500; }\n});`,
      },
      errors: [
        {
          line: 7,
          column: 9,
          message:
            '`errors` catches errors only from what runs after it, but `listOrders` is registered before it, so their errors escape it; register it first.',
        },
      ],
    },
  ],
});
