// After every edit, the incrementally updated graph must equal a fresh analysis of the same
// files: the re-run of only the changed modules (and those that read more than containers from
// them) must never leave anything stale.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { ChainAnalyzer } from '../../src/analysis/analyzer';
import { fixture } from '../support/fixtures';
import { copyToTemp } from '../support/temp-workspace';

type Edit = [file: string, change: (text: string) => string];

function checkEdits(fixtureName: string, edits: Edit[]): void {
  const dir = copyToTemp(fixture(fixtureName));
  const analyzer = ChainAnalyzer.open(dir);
  analyzer.graph();
  edits.forEach(([file, change], i) => {
    const abs = path.join(dir, file);
    const text = change(readFileSync(abs, 'utf8'));
    writeFileSync(abs, text);
    analyzer.update(abs, text);
    assert.deepEqual(analyzer.graph(), ChainAnalyzer.open(dir).graph(), `after edit ${i + 1} of ${file}`);
  });
}

const append = (line: string) => (t: string) => t + '\n' + line + '\n';
const replace = (a: string, b: string) => (t: string) => {
  assert.ok(t.includes(a), `edit target not found: ${a}`);
  return t.replace(a, b);
};

test('router files: routes added and removed, a parse error and its repair', () => {
  checkEdits('cjs-basic', [
    [
      'src/routes/users.js',
      replace(
        "router.delete('/:id', deleteUser);",
        "router.delete('/:id', deleteUser);\nrouter.patch('/:id', getUser);",
      ),
    ],
    ['src/routes/users.js', replace("router.get('/', listUsers);", '')],
    ['src/routes/users.js', replace('function listUsers(req, res) {', 'function listUsers(req, res {')],
    ['src/routes/users.js', replace('function listUsers(req, res {', 'function listUsers(req, res) {')],
    [
      'src/middleware.js',
      replace(
        'exports.requestId = (req, res, next) => {',
        'exports.requestId = function renamed(req, res, next) {',
      ),
    ],
    [
      'src/app.js',
      replace('app.use(express.json());', "app.use(express.json());\napp.use('/api', express.urlencoded());"),
    ],
  ]);
});

test('a router module that starts exporting another router or a function', () => {
  checkEdits('esm-imports', [
    [
      'src/routes/orders.mjs',
      replace(
        'export default router;',
        "const other = Router();\nother.get('/x', listOrders);\nexport default other;",
      ),
    ],
    ['src/routes/orders.mjs', replace('export default other;', 'export default listOrders;')],
    ['src/routes/orders.mjs', replace('export default listOrders;', 'export default router;')],
    [
      'src/routes/catalog.mjs',
      append("router.post('/items', function createItem(req, res) { res.end(); });"),
    ],
  ]);
});

test('barrels, factories and classes', () => {
  checkEdits('ts-paths-barrels', [
    [
      'src/features/users/users.router.ts',
      replace(
        "router.get('/:id', ctrl.show);",
        "router.get('/:id', ctrl.show);\nrouter.put('/:id', ctrl.list);",
      ),
    ],
    ['src/middleware/rate-limit.ts', replace('return function limited(', 'return function limitedAgain(')],
    ['src/features/posts/posts.handlers.ts', replace('create: (_req', 'make: (_req')],
    ['src/features/posts/posts.handlers.ts', replace('make: (_req', 'create: (_req')],
  ]);
  checkEdits('app-through-functions', [
    [
      'src/routes/make-router.js',
      replace(
        "router.get('/:id'",
        "router.put('/:id', function replace(req, res) { res.end(); });\n  router.get('/:id'",
      ),
    ],
    ['src/security.js', replace('app.use(noCache);', "app.use(noCache);\n  app.use('/x', noCache);")],
  ]);
  checkEdits('class-based-app', [
    [
      'src/orders.controller.ts',
      replace("this.router.get('/', this.authorize, this.list);", "this.router.get('/', this.list);"),
    ],
  ]);
});

test('nested routers and sub-apps', () => {
  checkEdits('runtime-nested', [
    [
      'routes/v1/orders.js',
      append("router.get('/extra/:orderId', function extra(req, res) { res.end(); });"),
    ],
  ]);
  checkEdits('sub-apps', [
    [
      'admin/index.js',
      replace(
        "admin.get('/dashboard'",
        "admin.get('/stats', function stats(req, res) { res.end(); });\nadmin.get('/dashboard'",
      ),
    ],
    ['main.js', replace("app.use('/admin', admin);", '')],
  ]);
});

test('a destructured require reads code; a new import changes the module graph', () => {
  checkEdits('runtime-routers', [
    ['middleware/auth.js', (t) => '// moved down a line\n' + t],
    ['app.js', (t) => "const extra = require('./middleware/logging');\n" + t],
  ]);
});

test('every file of every fixture: moving its code down a line', () => {
  for (const name of [
    'cjs-basic',
    'esm-imports',
    'ts-paths-barrels',
    'use-arrays-spread',
    'route-chain-param',
    'factories-and-wrappers',
    'conditional-registration',
    'module-formats',
    'runtime-same-prefix',
    'runtime-errors',
    'unresolved-dynamic',
  ]) {
    const dir = copyToTemp(fixture(name));
    const files = ChainAnalyzer.open(dir).model().interpreter.index.all();
    const rels = [...files].map((f) => f.rel);
    checkEdits(
      name,
      rels.map((rel): Edit => [rel, (t) => '\n' + t]),
    );
  }
});
