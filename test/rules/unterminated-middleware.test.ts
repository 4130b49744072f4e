import { APP, ruleTests } from '../support/rule-tester';

ruleTests('unterminated-middleware', {
  valid: [
    {
      name: 'Fastify: an async handler answers with what it returns',
      files: {
        'package.json': JSON.stringify({ name: 'f', private: true, dependencies: { fastify: '^5.2.0' } }),
        'app.js': `const app = require('fastify')();\napp.get('/', async (req) => {\n  if (req.query.a) return { a: 1 };\n  return { b: 2 };\n});`,
      },
    },
    {
      name: 'an async IIFE whose rejection goes to next',
      code: APP(
        `app.get('/', (req, res, next) => {\n  (async () => {\n    const x = await Promise.resolve(1);\n    res.json(x);\n  })().catch(next);\n});`,
      ),
    },
    {
      name: 'early return with a response, else next',
      code: APP(
        `app.use(function auth(req, res, next) {\n  if (!req.get('x')) return res.sendStatus(401);\n  next();\n});\napp.get('/', (req, res) => res.send('ok'));`,
      ),
    },
    {
      name: 'if/else both ends',
      code: APP(
        `app.use((req, res, next) => {\n  if (req.query.a) { res.json({}); } else { next(); }\n});\napp.get('/', (req, res) => res.end());`,
      ),
    },
    {
      name: 'switch with default',
      code: APP(
        `app.get('/', (req, res) => {\n  switch (req.query.t) {\n    case 'a': res.send('a'); break;\n    default: res.send('b');\n  }\n});`,
      ),
    },
    {
      name: 'next passed to a library',
      code: APP(
        `const auth = require('passport').authenticate('jwt');\napp.use((req, res, next) => { auth(req, res, next); });\napp.get('/', (req, res) => res.end());`,
      ),
    },
    {
      name: 'err-first callback that answers both ways',
      code: APP(
        `const db = require('./db');\napp.get('/:id', (req, res, next) => {\n  db.get(req.params.id, (err, row) => {\n    if (err) return next(err);\n    res.json(row);\n  });\n});`,
      ),
    },
    {
      name: 'promise chain with catch(next)',
      code: APP(
        `const db = require('./db');\napp.get('/', (req, res, next) => {\n  db.all().then((rows) => res.json(rows)).catch(next);\n});`,
      ),
    },
    {
      name: 'throw is handled by Express',
      code: APP(
        `app.get('/', (req, res) => {\n  if (!req.query.q) throw new Error('q is required');\n  res.send(req.query.q);\n});`,
      ),
    },
    {
      name: 'streaming into the response',
      code: APP(
        `const fs = require('fs');\napp.get('/file', (req, res) => { fs.createReadStream('x').pipe(res); });`,
      ),
    },
    {
      name: 'next on a timer',
      code: APP(
        `app.use((req, res, next) => { setTimeout(next, 5); });\napp.get('/', (req, res) => res.end());`,
      ),
    },
    {
      name: 'a loop that answers from inside, then a fallback',
      code: APP(
        `app.get('/', (req, res) => {\n  for (const x of [1, 2]) { if (x === Number(req.query.n)) return res.json(x); }\n  res.sendStatus(404);\n});`,
      ),
    },
    {
      name: 'Koa: a handler that only sets the status (Koa answers when the chain settles)',
      files: {
        'package.json': JSON.stringify({
          name: 'k',
          private: true,
          dependencies: { koa: '^2.15.0', '@koa/router': '^15.0.0' },
        }),
        'app.js': `const Koa = require('koa');\nconst Router = require('@koa/router');\nconst app = new Koa();\nconst router = new Router();\nrouter.post('/items', async function create(ctx) { ctx.status = 201; });\nrouter.del('/items/:id', async (ctx) => { if (ctx.params.id) ctx.status = 204; });\napp.use(router.routes());`,
      },
    },
  ],
  invalid: [
    {
      name: 'Hono: a middleware that neither returns a response nor calls next() fails the request',
      files: {
        'package.json': JSON.stringify({
          name: 'h',
          private: true,
          type: 'module',
          dependencies: { hono: '^4.6.0' },
        }),
        'app.js': `import { Hono } from 'hono';\nconst app = new Hono();\napp.use('/admin/*', async function gate(c, next) {\n  if (c.req.header('x-admin')) await next();\n});\napp.get('/admin/x', (c) => c.text('ok'));\nexport default app;`,
      },
      errors: [
        {
          line: 3,
          column: 36,
          message:
            '`gate` can reach the end of its body without calling next(), responding or throwing, so GET /admin/x fails with a 500 (Hono\'s "Context is not finalized" error).',
        },
      ],
    },
    {
      name: 'a branch that returns without anything',
      code: APP(
        `app.use(function auth(req, res, next) {\n  if (!req.get('authorization')) {\n    console.log('no token');\n    return;\n  }\n  next();\n});\napp.get('/', (req, res) => res.end());`,
      ),
      errors: [
        {
          line: 6,
          column: 5,
          message: '`auth` returns at line 6 without calling next(), responding or throwing, so GET / hangs.',
        },
      ],
    },
    {
      name: 'falling off the end on one branch',
      code: APP(
        `function check(req, res, next) {\n  if (req.query.ok) next();\n}\napp.get('/x', check, (req, res) => res.end());`,
      ),
      errors: [
        {
          line: 3,
          column: 10,
          message:
            '`check` can reach the end of its body without calling next(), responding or throwing, so GET /x hangs.',
        },
      ],
    },
    {
      name: 'a handler that forgets to answer when nothing is found',
      code: APP(
        `app.get('/users/:id', function show(req, res) {\n  const u = null;\n  if (u) res.json(u);\n});`,
      ),
      errors: [
        {
          line: 3,
          column: 32,
          message:
            /`show` can reach the end of its body without calling next\(\), responding or throwing, so GET \/users\/:id hangs/,
        },
      ],
    },
    {
      name: 'next recognised by position, not by name',
      code: APP(
        `app.use(function gate(request, response, proceed) {\n  if (request.query.open) proceed();\n});\napp.get('/', (req, res) => res.end());`,
      ),
      errors: [{ line: 3, column: 18, message: /`gate` can reach the end/ }],
    },
  ],
});
