import { APP, ruleTests } from '../support/rule-tester';

ruleTests('swallowed-error', {
  valid: [
    {
      name: 'catch passes the error on',
      code: APP(
        `app.get('/', async (req, res, next) => {\n  try { res.json(await load()); } catch (err) { next(err); }\n});\nasync function load() { return 1; }`,
      ),
    },
    {
      name: 'catch answers with an error status',
      code: APP(
        `app.get('/', async (req, res) => {\n  try { res.json(await load()); } catch (e) { res.status(502).json({ error: 'upstream' }); }\n});\nasync function load() { return 1; }`,
      ),
    },
    {
      name: 'catch rethrows',
      code: APP(
        `app.get('/', (req, res) => {\n  try { res.json(JSON.parse(req.query.q)); } catch (e) { throw new Error('bad q'); }\n});`,
      ),
    },
    {
      name: '.catch(next)',
      code: APP(
        `app.get('/', (req, res, next) => {\n  Promise.resolve(1).then((x) => res.json(x)).catch(next);\n});`,
      ),
    },
    {
      name: 'catch that recovers and the path answers afterwards',
      code: APP(
        `app.get('/', (req, res) => {\n  let data;\n  try { data = JSON.parse(req.query.q); } catch (e) { data = {}; }\n  res.json(data);\n});`,
      ),
    },
    {
      name: 'err callback that passes on',
      code: APP(
        `const fs = require('fs');\napp.get('/', (req, res, next) => {\n  fs.readFile('x', (err, buf) => {\n    if (err) return next(err);\n    res.send(buf);\n  });\n});`,
      ),
    },
  ],
  invalid: [
    {
      name: 'catch that only logs',
      code: APP(
        `app.get('/', async (req, res, next) => {\n  try {\n    res.json(await load());\n  } catch (err) {\n    console.error(err);\n  }\n});\nasync function load() { return 1; }`,
      ),
      errors: [
        {
          line: 6,
          column: 5,
          message:
            'The error caught here in the handler of GET / is neither passed to next(err), rethrown nor answered, so it disappears and GET / never finishes properly.',
        },
      ],
    },
    {
      name: '.catch with a callback that drops the error',
      code: APP(
        `app.get('/', (req, res) => {\n  Promise.resolve(1)\n    .then((x) => res.json(x))\n    .catch((e) => console.log(e));\n});`,
      ),
      errors: [
        {
          line: 6,
          column: 12,
          message: /The rejection this \.catch\(\) handles in the handler of GET \/ is neither passed/,
        },
      ],
    },
    {
      name: 'err callback whose error branch does nothing',
      code: APP(
        `const fs = require('fs');\napp.get('/', (req, res) => {\n  fs.readFile('x', (err, buf) => {\n    if (err) { console.log(err); return; }\n    res.send(buf);\n  });\n});`,
      ),
      errors: [
        {
          line: 5,
          column: 21,
          message: /The `err` this callback receives in the handler of GET \/ is neither passed/,
        },
      ],
    },
  ],
});
