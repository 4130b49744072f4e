import { ruleTests } from '../support/rule-tester';

ruleTests('unreachable-middleware', {
  valid: [
    {
      name: 'a 404 handler last',
      code: `const app = require('express')();\napp.get('/', (req, res) => res.end());\napp.use((req, res) => res.sendStatus(404));\napp.use((err, req, res, next) => res.sendStatus(500));`,
    },
    {
      name: 'a middleware that calls next on some path',
      code: `const app = require('express')();\napp.use((req, res, next) => { if (req.query.x) return res.end(); next(); });\napp.get('/', (req, res) => res.end());`,
    },
    {
      name: 'a catch-all under another mount',
      code: `const app = require('express')();\napp.use('/api', (req, res) => res.sendStatus(404));\napp.get('/health', (req, res) => res.end());`,
    },
  ],
  invalid: [
    {
      name: 'routes after a catch-all',
      code: `const app = require('express')();\napp.use(function notFound(req, res) {\n  res.status(404).send('nope');\n});\napp.get('/late', function late(req, res) {\n  res.end();\n});\napp.use((err, req, res, next) => res.sendStatus(500));`,
      errors: [
        {
          line: 5,
          column: 18,
          message:
            'No request reaches GET /late (`late`): `notFound`, registered earlier, answers every request under / without calling next().',
        },
      ],
    },
    {
      name: 'middleware after an arity-3 function that never calls next',
      code: `const app = require('express')();\napp.use('/api', (req, res, next) => res.status(410).json({ gone: true }));\napp.get('/api/users', function users(req, res) { res.json([]); });`,
      errors: [
        {
          line: 3,
          column: 23,
          message:
            /No request reaches GET \/api\/users \(`users`\): `anonymous`, registered earlier, answers every request under \/api/,
        },
      ],
    },
  ],
});
