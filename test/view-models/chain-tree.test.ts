// The sidebar tree's view model, from a real analysis of a fixture.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChainAnalyzer } from '../../src/analysis/analyzer';
import { lint } from '../../src/lint/lint';
import type { AnalysisResult } from '../../src/protocol/analysis-messages';
import { buildChainTree, type ChainNode } from '../../src/view-models/chain-tree';
import { fixture } from '../support/fixtures';

function analysisOf(name: string): { root: string; analysis: AnalysisResult } {
  const root = fixture(name);
  const a = ChainAnalyzer.open(root);
  const model = a.model();
  const l = lint(model);
  return {
    root,
    analysis: {
      graph: a.graph(),
      lint: { schemaVersion: 1, findings: l.findings, skipped: l.skipped },
      notes: [],
      millis: 0,
      files: 0,
    },
  };
}

const labels = (nodes: ChainNode[]) => nodes.map((n) => n.label);

test('one folder: apps at the top, routes, the chain in order, error handlers in their own group', () => {
  const { root, analysis } = analysisOf('cjs-basic');
  const [app] = buildChainTree([{ root, name: 'cjs-basic', analysis }]);
  assert.equal(app!.kind, 'app');
  assert.equal(app!.description, 'src/app.js:5 · express ^4.21.2');
  assert.deepEqual(labels(app!.children), [
    'GET /api/users',
    'POST /api/users',
    'GET /api/users/:id',
    'DELETE /api/users/:id',
    'GET /health',
    'ALL /',
  ]);
  const route = app!.children[2]!;
  assert.equal(route.description, '4 items');
  assert.deepEqual(labels(route.children), [
    '1. requestId',
    '2. express.json()',
    '3. requireAuth',
    '4. getUser',
    'On error',
  ]);
  assert.deepEqual(labels(route.children[4]!.children), ['1. errorHandler']);
  assert.deepEqual(route.children[0]!.open, { root, loc: { file: 'src/middleware.js', line: 3, column: 9 } });
  assert.equal(route.children[1]!.icon, 'symbol-function');
  assert.equal(route.children[3]!.icon, 'symbol-event');
  assert.deepEqual(route.route, { root, app: 'src/app.js:5', method: 'GET', path: '/api/users/:id' });
  assert.equal(app!.children[5]!.description, '3 items · catch-all');
});

test('several folders: one node each; problems counted on routes and items; unresolved in a group', () => {
  const a = analysisOf('lint-defects');
  const b = analysisOf('unresolved-dynamic');
  const tree = buildChainTree([
    { root: a.root, name: 'defects', analysis: a.analysis },
    { root: b.root, name: 'dynamic', analysis: b.analysis },
  ]);
  assert.deepEqual(labels(tree), ['defects', 'dynamic']);
  const settings = tree[0]!.children[0]!.children.find((r) => r.label === 'PUT /tenants/settings')!;
  assert.ok(settings.problems.length >= 2);
  assert.match(settings.description!, /\d+ problems/);
  const tenant = settings.children.find((n) => n.label.endsWith('requireTenant'))!;
  assert.deepEqual(
    tenant.problems.map((p) => p.rule),
    ['unterminated-middleware'],
  );
  const unresolved = tree[1]!.children[0]!.children.find((n) => n.kind === 'unresolved')!;
  assert.equal(unresolved.label, 'Not resolved statically');
  assert.ok(unresolved.children.some((c) => /dynamic require/.test(c.tooltip ?? '')));
});

test('two apps of one folder with the same route each show only their own problems', () => {
  const { root, analysis } = analysisOf('frameworks-workspace');
  const tree = buildChainTree([{ root, name: 'frameworks-workspace', analysis }]);
  const apps = tree.flatMap((n) => (n.kind === 'app' ? [n] : n.children.filter((c) => c.kind === 'app')));
  const koa = apps.find((a) => a.description?.startsWith('koa/src/app.js'))!;
  const plugins = apps.find((a) => a.description?.startsWith('fastify-plugins/'))!;
  const route = (app: ChainNode, label: string) => app.children.find((c) => c.label === label)!;
  // both apps have GET /orders/:id; the Koa one has two unawaited-next findings in koa/src/app.js
  assert.deepEqual(
    route(koa, 'GET /orders/:id').problems.map((f) => `${f.location.file}:${f.location.line} ${f.rule}`),
    ['koa/src/app.js:9 unawaited-next', 'koa/src/app.js:30 unawaited-next'],
  );
  assert.deepEqual(route(plugins, 'GET /orders/:id').problems, []);
  assert.ok(plugins.problems.every((f) => f.location.file.startsWith('fastify-plugins/')));
});
