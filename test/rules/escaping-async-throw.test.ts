import { APP, ruleTests } from '../support/rule-tester';

ruleTests('escaping-async-throw', {
  valid: [
    {
      name: 'a throw caught inside the timer',
      code: APP(
        `app.use((req, res, next) => {\n  setTimeout(() => { try { throw new Error('x'); } catch (e) { next(e); } }, 1);\n});\napp.get('/', (req, res) => res.end());`,
      ),
    },
    {
      name: 'a synchronous throw',
      code: APP(`app.get('/', (req, res) => { throw new Error('Express catches this'); });`),
    },
    {
      name: 'a throw in a .then callback is a rejection, not an escape',
      code: APP(
        `app.get('/', (req, res, next) => {\n  Promise.resolve().then(() => { throw new Error('x'); }).catch(next);\n});`,
      ),
    },
  ],
  invalid: [
    {
      name: 'a throw in setTimeout',
      code: APP(
        `app.use(function later(req, res, next) {\n  setTimeout(() => {\n    throw new Error('too late');\n  }, 10);\n  next();\n});\napp.get('/', (req, res) => res.end());`,
      ),
      errors: [
        {
          line: 5,
          column: 5,
          message:
            'This throw runs later, inside a callback given to setTimeout by `later`: no middleware or error handler can catch it, so the process crashes.',
        },
      ],
    },
    {
      name: 'a throw in an err-first callback',
      code: APP(
        `const fs = require('fs');\napp.get('/', (req, res) => {\n  fs.readFile('x', (err, buf) => {\n    if (err) throw err;\n    res.send(buf);\n  });\n});`,
      ),
      errors: [{ line: 6, column: 14, message: /inside a callback given to fs\.readFile/ }],
    },
    {
      name: 'a throw in an event listener',
      code: APP(
        `app.post('/upload', (req, res) => {\n  req.on('data', () => { throw new Error('boom'); });\n  req.on('end', () => res.end());\n});`,
      ),
      errors: [{ line: 4, column: 26, message: /inside a callback given to req\.on/ }],
    },
  ],
});
