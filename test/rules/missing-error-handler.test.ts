import { ruleTests } from '../support/rule-tester';

ruleTests('missing-error-handler', {
  valid: [
    {
      name: 'an error handler at the end',
      code: `const app = require('express')();\napp.get('/', (req, res) => res.end());\napp.use((err, req, res, next) => res.sendStatus(500));`,
    },
    {
      name: 'an error handler inside a mounted router counts',
      code: `const express = require('express');\nconst app = express();\nconst r = express.Router();\nr.get('/', (req, res) => res.end());\nr.use((err, req, res, next) => res.sendStatus(500));\napp.use(r);`,
    },
    { name: 'an app with no routes', code: `const app = require('express')();\napp.use(require('cors')());` },
  ],
  invalid: [
    {
      name: 'no error handler',
      code: `const express = require('express');\nconst app = express();\napp.get('/', (req, res) => res.end());\nmodule.exports = app;`,
      errors: [
        {
          line: 2,
          column: 13,
          message:
            "This app has no error handler of its own: an error from any of its 1 route reaches the framework's default handler, which answers with a bare 500 (a stack trace in development) and logs no request context.",
        },
      ],
    },
  ],
});
