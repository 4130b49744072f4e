import { ruleTests } from '../support/rule-tester';

// Koa apps: the Koa front end gives middleware the (ctx, next) convention.
const koa = (body: string) => ({
  'package.json': JSON.stringify({ name: 'k', private: true, dependencies: { koa: '^2.15.0' } }),
  'app.js': `const Koa = require('koa');\nconst app = new Koa();\n${body}\nmodule.exports = app;\n`,
});

// Hono apps: middleware are `async (c, next) => { await next(); }`, handlers return a Response.
const hono = (body: string) => ({
  'package.json': JSON.stringify({
    name: 'h',
    private: true,
    type: 'module',
    dependencies: { hono: '^4.6.0' },
  }),
  'app.js': `import { Hono } from 'hono';\nconst app = new Hono();\n${body}\nexport default app;\n`,
});

ruleTests('unawaited-next', {
  valid: [
    {
      name: 'awaited',
      files: koa(
        `app.use(async (ctx, next) => {\n  await next();\n});\napp.use((ctx) => { ctx.body = 'ok'; });`,
      ),
    },
    {
      name: 'returned',
      files: koa(`app.use((ctx, next) => {\n  return next();\n});\napp.use((ctx) => { ctx.body = 'ok'; });`),
    },
    {
      name: 'Hono: awaited, returned, or a response returned instead',
      files: hono(
        `app.use(async (c, next) => {\n  await next();\n});\napp.use('/api/*', (c, next) => {\n  if (!c.req.header('x-key')) return c.text('no key', 401);\n  return next();\n});\napp.get('/api/x', (c) => c.text('ok'));`,
      ),
    },
    {
      name: 'Express next needs no await',
      code: `const app = require('express')();\napp.use((req, res, next) => { next(); });\napp.get('/', (req, res) => res.end());`,
    },
  ],
  invalid: [
    {
      name: 'called and forgotten',
      files: koa(
        `app.use(async function timing(ctx, next) {\n  const start = Date.now();\n  next();\n  ctx.set('x-time', String(Date.now() - start));\n});\napp.use((ctx) => { ctx.body = 'ok'; });`,
      ),
      errors: [
        {
          line: 5,
          column: 3,
          message:
            '`timing` calls next() without await or return: errors thrown downstream escape it and it finishes before the rest of the chain does.',
        },
      ],
    },
    {
      name: 'Hono: called and forgotten',
      files: hono(
        `app.use('*', async function poweredBy(c, next) {\n  next();\n  c.header('x-powered-by', 'hono');\n});\napp.get('/', (c) => c.text('ok'));`,
      ),
      errors: [
        {
          line: 4,
          column: 3,
          message:
            '`poweredBy` calls next() without await or return: errors thrown downstream escape it and it finishes before the rest of the chain does.',
        },
      ],
    },
    {
      name: 'Koa: a router param callback',
      files: {
        'package.json': JSON.stringify({
          name: 'k',
          private: true,
          dependencies: { koa: '^2.15.0', '@koa/router': '^15.0.0' },
        }),
        'app.js': `const Koa = require('koa');\nconst Router = require('@koa/router');\nconst app = new Koa();\nconst router = new Router();\nrouter.param('id', function loadItem(id, ctx, next) {\n  ctx.state.id = id;\n  next();\n});\nrouter.get('/items/:id', (ctx) => { ctx.body = ctx.state.id; });\napp.use(router.routes());`,
      },
      errors: [
        {
          line: 7,
          column: 3,
          message:
            '`loadItem` calls next() without await or return: errors thrown downstream escape it and it finishes before the rest of the chain does.',
        },
      ],
    },
  ],
});
