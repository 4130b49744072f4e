// How values are followed through modules, objects, functions and control flow: one small
// workspace per shape, checked as "METHOD /path: item, item, ..." lines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChainAnalyzer } from '../../src/analysis/analyzer';
import { tempWorkspace } from '../support/temp-workspace';

function chains(files: Record<string, string>): string[] {
  const graph = ChainAnalyzer.open(tempWorkspace(files)).graph();
  return graph.apps.flatMap((a) =>
    a.routes.map((r) => {
      const items = r.chain.map((i) => `${i.name}${i.conditional ? '?' : ''}${i.unresolved ? '!' : ''}`);
      const errs = r.errorChain.map((i) => i.name);
      return `${r.method} ${r.path}: ${items.join(', ')}${errs.length ? ` | ${errs.join(', ')}` : ''}`;
    }),
  );
}

const cases: { name: string; files: Record<string, string>; expected: string[] }[] = [
  {
    name: 'exports.x, module.exports.x and a re-assigned module.exports',
    files: {
      'app.js': `const app = require('express')();
const a = require('./a'); const b = require('./b'); const c = require('./c');
app.get('/x', a.one, b.two, c);
module.exports = app;`,
      'a.js': `exports.one = function one(req, res, next) { next(); };`,
      'b.js': `module.exports.two = (req, res, next) => next();`,
      'c.js': `module.exports = function three(req, res) { res.end(); };`,
    },
    expected: ['GET /x: a.one, b.two, c'],
  },
  {
    name: 'ESM barrels: star re-exports, renamed exports, default re-export',
    files: {
      'app.mjs': `import express from 'express';
import { auth, limiter as limit, h } from './mw/index.mjs';
const app = express();
app.use(auth, limit);
app.get('/', h);`,
      'mw/index.mjs': `export * from './auth.mjs';\nexport { limit as limiter } from './limit.mjs';\nexport { default as h } from './h.mjs';`,
      'mw/auth.mjs': `export function auth(req, res, next) { next(); }`,
      'mw/limit.mjs': `const limit = (req, res, next) => next();\nexport { limit };`,
      'mw/h.mjs': `export default function (req, res) { res.end(); }`,
    },
    expected: ['GET /: auth, limit, h'],
  },
  {
    name: 'app.get with one argument reads a setting and registers nothing',
    files: {
      'app.js': `const express = require('express'); const app = express();
if (app.get('env') === 'development') app.use(function dev(req, res, next) { next(); });
app.get('/', (req, res) => res.end());`,
    },
    expected: ['GET /: dev?, anonymous'],
  },
  {
    name: '&& in an array with filter(Boolean) and a conditional use',
    files: {
      'app.js': `const express = require('express'); const app = express();
const flag = process.env.FLAG;
function a(req, res, next) { next(); } function b(req, res, next) { next(); }
app.use([a, flag && b].filter(Boolean));
app.get('/', (req, res) => res.end());`,
    },
    expected: ['GET /: a, b?, anonymous'],
  },
  {
    name: 'route().all() runs before the route methods; middleware after the route is not in its chain',
    files: {
      'app.js': `const app = require('express')();
function gate(req, res, next) { next(); } function show(req, res) { res.end(); } function late(req, res, next) { next(); }
app.route('/r').all(gate).get(show);
app.use(late);`,
    },
    expected: ['ALL /r: gate', 'GET /r: gate, show'],
  },
  {
    name: 'error handlers registered before a route do not catch its errors; later ones in parents do',
    files: {
      'app.js': `const express = require('express'); const app = express(); const r = express.Router();
function early(err, req, res, next) { next(err); }
function inner(err, req, res, next) { next(err); }
function outer(err, req, res, next) { res.end(); }
function other(err, req, res, next) { res.end(); }
app.use(early);
r.get('/x', (req, res) => res.end());
r.use(inner);
app.use('/r', r);
app.use('/elsewhere', other);
app.use(outer);`,
    },
    expected: ['GET /r/x: anonymous | inner, outer'],
  },
  {
    name: 'a sibling router mounted earlier on the same prefix runs its router-level middleware',
    files: {
      'app.js': `const express = require('express'); const app = express();
const first = express.Router(); const second = express.Router();
first.use(function firstAuth(req, res, next) { next(); });
first.get('/a', (req, res) => res.end());
second.get('/b', (req, res) => res.end());
app.use('/api', first);
app.use('/api', second);`,
    },
    expected: ['GET /api/a: firstAuth, anonymous', 'GET /api/b: firstAuth, anonymous'],
  },
  {
    name: 'recursion and circular requires end instead of looping',
    files: {
      'app.js': `const app = require('express')(); const other = require('./other');
function loop(n) { return loop(n + 1); }
app.use(loop(0));
app.get('/', other.h);
module.exports = app;`,
      'other.js': `const app = require('./app');\nexports.h = (req, res) => res.end();`,
    },
    expected: ['GET /: loop(0)!, other.h'],
  },
  {
    name: 'a factory returning different functions on a branch gives both alternatives',
    files: {
      'app.js': `const app = require('express')();
function pick(strict) { if (strict) { return function strictCheck(req, res, next) { next(); }; } return function looseCheck(req, res, next) { next(); }; }
app.use(pick(process.env.STRICT));
app.get('/', (req, res) => res.end());`,
    },
    expected: ['GET /: strictCheck?, looseCheck?, anonymous'],
  },
  {
    name: 'TypeScript: class fields, bound methods, parameter properties',
    files: {
      'tsconfig.json': '{ "include": ["src"] }',
      'src/app.ts': `import express from 'express';
class Ctrl { constructor(private readonly prefix: string) {} list(_q: unknown, r: { end(): void }) { r.end(); } }
class Server { app = express(); constructor(c: Ctrl) { this.app.get('/list', c.list.bind(c)); } }
new Server(new Ctrl('/x'));`,
    },
    expected: ['GET /list: c.list.bind(c)'],
  },
];

for (const c of cases) {
  test(c.name, () => {
    assert.deepEqual(chains(c.files), c.expected);
  });
}

test('export default Router() is named after its file and mounted where imported', () => {
  assert.deepEqual(
    chains({
      'app.mjs': `import express from 'express';\nimport users from './users.mjs';\nconst app = express();\napp.use('/users', users);`,
      'users.mjs': `import { Router } from 'express';\nexport default Router().get('/', (req, res) => res.end());`,
    }),
    ['GET /users: anonymous'],
  );
  const graph = ChainAnalyzer.open(
    tempWorkspace({
      'app.js': `const app = require('express')();\napp.use('/u', require('./users'));`,
      'users.ts': `import { Router } from 'express';\nexport = Router();`,
    }),
  ).graph();
  assert.equal(graph.apps[0]!.tree[0]!.type, 'router');
});

test('a package that is not modelled gives middleware with no definition, never an error', () => {
  assert.deepEqual(
    chains({
      'app.js': `const app = require('express')();\nconst helmet = require('helmet');\nconst { rateLimit } = require('express-rate-limit');\napp.use(helmet(), rateLimit({ max: 5 }));\napp.get('/', (req, res) => res.end());`,
    }),
    ['GET /: helmet(), rateLimit({ max: 5 }), anonymous'],
  );
});
