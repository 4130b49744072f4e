import { APP, ruleTests } from '../support/rule-tester';

const load = `\nasync function load() { return 1; }`;

ruleTests('unhandled-async-error', {
  valid: [
    {
      name: 'Express 5 forwards rejections',
      express: '^5.1.0',
      code: APP(`app.get('/', async (req, res) => {\n  res.json(await load());\n});${load}`),
    },
    {
      name: 'try/catch around the await',
      code: APP(
        `app.get('/', async (req, res, next) => {\n  try { res.json(await load()); } catch (e) { next(e); }\n});${load}`,
      ),
    },
    {
      name: 'express-async-handler',
      code: APP(
        `const asyncHandler = require('express-async-handler');\napp.get('/', asyncHandler(async (req, res) => {\n  res.json(await load());\n}));${load}`,
      ),
    },
    {
      name: 'express-async-errors imported',
      code:
        `require('express-async-errors');\n` +
        APP(`app.get('/', async (req, res) => {\n  res.json(await load());\n});${load}`),
    },
    {
      name: 'a local wrapper that catches into next',
      code: APP(
        `const wrap = (fn) => (req, res, next) => Promise.resolve(fn(req, res, next)).catch(next);\napp.get('/', wrap(async (req, res) => {\n  res.json(await load());\n}));${load}`,
      ),
    },
    {
      name: 'a promise chain with a catch',
      code: APP(
        `app.get('/', (req, res, next) => {\n  load().then((x) => res.json(x)).catch(next);\n});${load}`,
      ),
    },
    {
      name: 'an unknown Express version is not guessed',
      express: 'latest',
      code: APP(`app.get('/', async (req, res) => {\n  res.json(await load());\n});${load}`),
    },
  ],
  invalid: [
    {
      name: 'await without try in Express 4',
      code: APP(
        `app.get('/users', async function listUsers(req, res) {\n  const users = await load();\n  res.json(users);\n});${load}`,
      ),
      errors: [
        {
          line: 4,
          column: 17,
          message:
            /`listUsers` is async and Express 4 does not catch its rejections: if this await rejects, GET \/users hangs/,
        },
      ],
    },
    {
      name: 'a wrapper that does not catch',
      code: APP(
        `const wrap = (fn) => (req, res, next) => { fn(req, res, next); };\napp.get('/', wrap(async function show(req, res) {\n  res.json(await load());\n}));${load}`,
      ),
      errors: [{ line: 5, column: 12, message: /`show` is async and Express 4/ }],
    },
    {
      name: 'a floating promise, in any version',
      express: '^5.1.0',
      code: APP(
        `app.post('/audit', (req, res) => {\n  load().then(() => console.log('saved'));\n  res.sendStatus(202);\n});${load}`,
      ),
      errors: [
        {
          line: 4,
          column: 3,
          message:
            /This promise in the handler of (POST \/audit|GET \/) is neither awaited, returned nor given a rejection handler/,
        },
      ],
    },
    {
      name: 'an async function called and dropped',
      express: '^5.1.0',
      code: APP(
        `async function audit(req) { return req.path; }\napp.get('/', (req, res) => {\n  audit(req);\n  res.end();\n});`,
      ),
      errors: [
        {
          line: 5,
          column: 3,
          message:
            /This promise in the handler of (POST \/audit|GET \/) is neither awaited, returned nor given a rejection handler/,
        },
      ],
    },
  ],
});
