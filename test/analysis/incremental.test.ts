// The in-process API: build once, then update after edits without reloading the project; the
// result must equal a fresh analysis of the edited workspace.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { ChainAnalyzer } from '../../src/analysis/analyzer';
import { fixture } from '../support/fixtures';
import { copyToTemp } from '../support/temp-workspace';

const routes = (a: ChainAnalyzer) =>
  a.graph().apps.flatMap((x) => x.routes.map((r) => `${r.method} ${r.path}`));

test('editing a router file updates its routes and equals a fresh analysis', () => {
  const dir = copyToTemp(fixture('cjs-basic'));
  const analyzer = ChainAnalyzer.open(dir);
  assert.ok(!routes(analyzer).includes('PATCH /api/users/:id'));
  const file = path.join(dir, 'src/routes/users.js');
  const text = readFileSync(file, 'utf8').replace(
    "router.delete('/:id', deleteUser);",
    "router.delete('/:id', deleteUser);\nrouter.patch('/:id', getUser);",
  );
  analyzer.update(file, text);
  assert.ok(routes(analyzer).includes('PATCH /api/users/:id'));
  writeFileSync(file, text);
  assert.deepEqual(analyzer.graph(), ChainAnalyzer.open(dir).graph());
});

test('a new file joins the workspace; a removed one leaves an unresolved item', () => {
  const dir = copyToTemp(fixture('cjs-basic'));
  const analyzer = ChainAnalyzer.open(dir);
  const extra = path.join(dir, 'src/routes/extra.js');
  writeFileSync(
    extra,
    "const r = require('express').Router();\nr.get('/x', (req, res) => res.end());\nmodule.exports = r;\n",
  );
  analyzer.update(extra);
  const app = path.join(dir, 'src/app.js');
  const appText = readFileSync(app, 'utf8').replace(
    "app.use('/api/users', usersRouter);",
    "app.use('/api/users', usersRouter);\napp.use('/extra', require('./routes/extra'));",
  );
  writeFileSync(app, appText);
  analyzer.update(app);
  assert.ok(routes(analyzer).includes('GET /extra/x'));

  rmSync(extra);
  analyzer.remove(extra);
  assert.ok(!routes(analyzer).includes('GET /extra/x'));
  const tree = JSON.stringify(analyzer.graph().apps[0]!.tree);
  assert.match(tree, /cannot find module '\.\/routes\/extra'/);
});

test('an edit that breaks the syntax skips that file and keeps the rest', () => {
  const dir = copyToTemp(fixture('cjs-basic'));
  const analyzer = ChainAnalyzer.open(dir);
  const file = path.join(dir, 'src/routes/users.js');
  analyzer.update(file, 'router.get("/", (req, res) => {');
  const graph = analyzer.graph();
  assert.equal(graph.skipped[0]!.file, 'src/routes/users.js');
  assert.deepEqual(routes(analyzer), ['GET /health', 'ALL /']);
  analyzer.update(file);
  assert.equal(analyzer.graph().skipped.length, 0);
  assert.ok(routes(analyzer).includes('GET /api/users/:id'));
});
