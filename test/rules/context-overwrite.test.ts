import { ruleTests } from '../support/rule-tester';

ruleTests('context-overwrite', {
  valid: [
    {
      name: 'a write guarded by a test of the same property',
      code: `const app = require('express')();\napp.use((req, res, next) => { req.user = { id: 1 }; next(); });\napp.use((req, res, next) => { if (!req.user) req.user = { guest: true }; next(); });\napp.get('/', (req, res) => res.json(req.user));`,
    },
    {
      name: 'one writer',
      code: `const app = require('express')();\napp.use((req, res, next) => { req.user = { id: 1 }; next(); });\napp.get('/', (req, res) => res.json(req.user));`,
    },
    {
      name: 'an additive update',
      code: `const app = require('express')();\napp.use((req, res, next) => { req.user = { id: 1 }; next(); });\napp.use((req, res, next) => { req.user = req.user || { id: 2 }; next(); });\napp.get('/', (req, res) => res.json(req.user));`,
    },
    {
      name: 'writers on different chains',
      code: `const app = require('express')();\napp.get('/a', (req, res, next) => { res.locals.t = 'a'; next(); }, (req, res) => res.end());\napp.get('/b', (req, res, next) => { res.locals.t = 'b'; next(); }, (req, res) => res.end());`,
    },
  ],
  invalid: [
    {
      name: 'two auth middleware both set req.user',
      code: `const app = require('express')();\nfunction session(req, res, next) {\n  req.user = { from: 'session' };\n  next();\n}\nfunction token(req, res, next) {\n  req.user = { from: 'token' };\n  next();\n}\napp.use(session);\napp.use('/api', token);\napp.get('/api/me', (req, res) => res.json(req.user));\napp.get('/home', (req, res) => res.json(req.user));`,
      errors: [
        {
          line: 7,
          column: 3,
          message:
            '`token` overwrites req.user, which `session` already set earlier on GET /api/me: the earlier value is lost.',
        },
      ],
    },
  ],
});
