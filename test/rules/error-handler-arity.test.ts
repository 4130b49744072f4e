import { ruleTests } from '../support/rule-tester';

ruleTests('error-handler-arity', {
  valid: [
    {
      name: 'four parameters',
      code: `const app = require('express')();\napp.get('/', (req, res) => res.end());\napp.use((err, req, res, next) => res.sendStatus(500));`,
    },
    {
      name: 'router.param takes four',
      code: `const app = require('express')();\napp.param('id', (req, res, next, id) => next());\napp.get('/:id', (req, res) => res.end());\napp.use((err, req, res, next) => res.end());`,
    },
    {
      name: 'a route-level error handler after the handler',
      code: `const app = require('express')();\napp.get('/', (req, res) => res.end(), (err, req, res, next) => res.sendStatus(500));`,
    },
    {
      name: 'Connect: four parameters make an error handler',
      files: {
        'package.json': JSON.stringify({ name: 'c', private: true, dependencies: { connect: '^3.7.0' } }),
        'app.js': `const connect = require('connect');\nconst app = connect();\napp.use((req, res) => res.end('hi'));\napp.use(function onError(err, req, res, next) {\n  res.statusCode = 500;\n  res.end(err.message);\n});\nmodule.exports = app;\n`,
      },
    },
  ],
  invalid: [
    {
      name: 'error first with three parameters',
      code: `const app = require('express')();\napp.get('/', (req, res) => res.end());\napp.use(function onError(err, req, res) {\n  res.status(500).send(err.message);\n});`,
      errors: [
        {
          line: 3,
          column: 9,
          message:
            '`onError` takes the error first but has 3 parameters, so Express calls it as normal middleware with (req, res, next) and it never sees an error; declare all four: (err, req, res, next).',
        },
      ],
    },
    {
      name: 'a four-parameter middleware that is not an error handler',
      code: `const app = require('express')();\napp.use(function withOptions(req, res, next, options) {\n  next();\n});\napp.get('/', (req, res) => res.end());`,
      errors: [
        {
          line: 2,
          column: 9,
          message:
            '`withOptions` has four parameters, so Express treats it as an error handler and skips it for normal requests: requests under / never runs it.',
        },
      ],
    },
    {
      name: 'Connect: error first with three parameters',
      files: {
        'package.json': JSON.stringify({ name: 'c', private: true, dependencies: { connect: '^3.7.0' } }),
        'app.js': `const connect = require('connect');\nconst app = connect();\napp.use('/hello', (req, res) => res.end('hi'));\napp.use(function onError(err, req, res) {\n  res.statusCode = 500;\n  res.end(err.message);\n});\nmodule.exports = app;\n`,
      },
      errors: [
        {
          line: 4,
          column: 9,
          message:
            '`onError` takes the error first but has 3 parameters, so Connect calls it as normal middleware with (req, res, next) and it never sees an error; declare all four: (err, req, res, next).',
        },
      ],
    },
  ],
});
