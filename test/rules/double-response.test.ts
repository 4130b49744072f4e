import { APP, ruleTests } from '../support/rule-tester';

ruleTests('double-response', {
  valid: [
    {
      name: 'an async IIFE that answers, its rejection to next',
      code: APP(
        `app.get('/', (req, res, next) => {\n  (async () => { res.json(await Promise.resolve(1)); })().catch(next);\n});`,
      ),
    },
    {
      name: 'return before next',
      code: APP(
        `app.use((req, res, next) => {\n  if (!req.query.a) return res.sendStatus(400);\n  next();\n});\napp.get('/', (req, res) => res.end());`,
      ),
    },
    {
      name: 'sendFile with an error callback',
      code: APP(
        `app.get('/f', (req, res, next) => {\n  res.sendFile('/tmp/x', (err) => { if (err) next(err); });\n});`,
      ),
    },
    {
      name: 'render with a callback answers in the callback',
      code: APP(
        `app.get('/', (req, res, next) => {\n  res.render('home', (err, html) => { if (err) return next(err); res.send(html); });\n});`,
      ),
    },
    {
      name: 'the same condition tested twice',
      code: APP(
        `app.get('/', (req, res, next) => {\n  if (req.query.a) res.send('a');\n  if (!req.query.a) next();\n});`,
      ),
    },
    {
      name: 'then and catch are alternatives',
      code: APP(
        `app.get('/', (req, res, next) => {\n  Promise.resolve(1).then((x) => res.json(x)).catch(next);\n});`,
      ),
    },
  ],
  invalid: [
    {
      name: 'respond then next (forgotten return)',
      code: APP(
        `app.use(function auth(req, res, next) {\n  if (!req.get('authorization')) {\n    res.status(401).send('no');\n  }\n  next();\n});\napp.get('/', (req, res) => res.end());`,
      ),
      errors: [
        {
          line: 7,
          column: 3,
          message:
            '`auth` already responded at line 5 and then calls next() here, so whatever runs next responds a second time (ERR_HTTP_HEADERS_SENT).',
        },
      ],
    },
    {
      name: 'two responses on one path',
      code: APP(`app.get('/', function twice(req, res) {\n  res.json({ a: 1 });\n  res.end();\n});`),
      errors: [
        { line: 5, column: 3, message: /`twice` already responded at line 4 and responds again here/ },
      ],
    },
    {
      name: 'next then respond',
      code: APP(
        `app.use(function late(req, res, next) {\n  next();\n  res.set('x', '1').send('late');\n});\napp.get('/', (req, res) => res.end());`,
      ),
      errors: [{ line: 5, column: 3, message: /`late` called next\(\) at line 4 and then responds here/ }],
    },
  ],
});

// Fastify: an async hook that sends must return the reply, or the request goes on to the handler.
const fastify = (body: string) => ({
  'package.json': JSON.stringify({ name: 'f', private: true, dependencies: { fastify: '^5.2.0' } }),
  'app.js': `const app = require('fastify')();\n${body}\napp.get('/', async () => ({ ok: true }));\nmodule.exports = app;\n`,
});

ruleTests('double-response', {
  valid: [
    {
      name: 'Fastify: returns the reply it sent',
      files: fastify(
        `app.addHook('preHandler', async (req, reply) => {\n  if (!req.headers.authorization) return reply.code(401).send('no');\n});`,
      ),
    },
    {
      name: 'Fastify: an async hook without done',
      files: fastify(`app.addHook('preHandler', async (req, reply) => {\n  req.t = Date.now();\n});`),
    },
    {
      name: 'Fastify: a callback hook that calls done',
      files: fastify(
        `app.addHook('onRequest', (req, reply, done) => {\n  req.t = Date.now();\n  done();\n});`,
      ),
    },
  ],
  invalid: [
    {
      name: 'Fastify: an async hook that sends without returning the reply',
      files: fastify(
        `app.addHook('preHandler', async function guard(req, reply) {\n  if (!req.headers.authorization) {\n    reply.code(401).send('no');\n  }\n});`,
      ),
      errors: [
        {
          line: 2,
          column: 42,
          message:
            '`guard` sends at line 4 but does not return the reply, so Fastify goes on with the request and the handler answers a second time; write `return reply.send(...)`.',
        },
      ],
    },
    {
      name: 'Fastify: an async hook that also calls done (route option)',
      files: fastify(
        `app.get('/x', { onRequest: async function stamp(req, reply, done) {\n  req.t = Date.now();\n  done();\n} }, async () => 'x');`,
      ),
      errors: [
        {
          line: 4,
          column: 3,
          message:
            '`stamp` is async and also calls done(): Fastify goes on when done() is called and again when its promise settles, so the rest of the chain runs twice (addHook refuses such a hook at start-up); drop `done` or `async`.',
        },
      ],
    },
    {
      name: 'Fastify: an async onSend hook that also calls done (fourth parameter)',
      files: fastify(
        `app.addHook('onSend', async function compress(req, reply, payload, done) {\n  done(null, payload);\n});`,
      ),
      errors: [
        {
          line: 3,
          column: 3,
          message:
            '`compress` is async and also calls done(): Fastify goes on when done() is called and again when its promise settles, so the rest of the chain runs twice (addHook refuses such a hook at start-up); drop `done` or `async`.',
        },
      ],
    },
  ],
});
