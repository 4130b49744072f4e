import { ruleTests } from '../support/rule-tester';

ruleTests('context-missing', {
  valid: [
    {
      name: 'an authentication package earlier on the chain sets req.user',
      code: `const app = require('express')();\nconst passport = require('passport');\napp.post('/login', (req, res, next) => { req.user = { dev: true }; next(); }, (req, res) => res.end());\napp.get('/me', passport.authenticate('jwt', { session: false }), (req, res) => res.json(req.user));`,
    },
    {
      name: 'written earlier on the chain',
      code: `const app = require('express')();\napp.use((req, res, next) => { req.account = { id: 1 }; next(); });\napp.get('/', (req, res) => res.json(req.account));`,
    },
    {
      name: 'set by a package, never by workspace code',
      code: `const app = require('express')();\napp.use(require('passport').session());\napp.get('/', (req, res) => res.json(req.user));`,
    },
    {
      name: 'read by the function that writes it',
      code: `const app = require('express')();\napp.get('/', (req, res) => { res.locals.n = 1; res.json(res.locals.n); });`,
    },
  ],
  invalid: [
    {
      name: 'a route mounted before the middleware that sets it',
      code: `const app = require('express')();\napp.get('/early', function early(req, res) {\n  res.json(req.account);\n});\napp.use(function loadAccount(req, res, next) {\n  req.account = { id: 7 };\n  next();\n});\napp.get('/late', (req, res) => res.json(req.account));`,
      errors: [
        {
          line: 3,
          column: 12,
          message:
            '`early` reads req.account, but nothing before it on GET /early sets it (`loadAccount` does, on other chains).',
        },
      ],
    },
  ],
});
