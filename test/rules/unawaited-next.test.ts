import { ruleTests } from '../support/rule-tester';

// Koa apps: the Koa front end gives middleware the (ctx, next) convention.
const koa = (body: string) => ({
  'package.json': JSON.stringify({ name: 'k', private: true, dependencies: { koa: '^2.15.0' } }),
  'app.js': `const Koa = require('koa');\nconst app = new Koa();\n${body}\nmodule.exports = app;\n`,
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
  ],
});
