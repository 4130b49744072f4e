// "False positives are bugs": the lint-clean-* fixtures hold correct middleware and handlers
// written the ways real apps write them (early return and if/else auth, validation, async with
// try/catch, express-async-handler, a local wrapper, Express 5 async without try, streams,
// sendFile callbacks, next('route'), next handed to a library, a callback API or a timer,
// switch/loop/?: responses, res.format, res.locals and req.user written once and read later,
// 4-parameter error handlers that check res.headersSent...). `mwchain lint` must report nothing
// on them and exit 0. The graph checks below make sure the fixtures are really analysed: each
// expected route is there and every named function of the corpus is an item of some chain.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fixture, fixtureNames } from '../support/fixtures';
import type { GraphJson } from '../../src/analysis/model';
import { describeFindings, graphJson, lintJson } from './lint-cli';

interface CleanFixture {
  /** routes (`METHOD path`) the graph must have. */
  routes: string[];
  /** frameworkVersion the app must be seen with (the Express 4/5 async rules depend on it). */
  express: RegExp;
  /** named functions in the sources that are not middleware themselves (factories, helpers). */
  notItems?: string[];
}

const CLEAN: Record<string, CleanFixture> = {
  'lint-clean-auth': {
    routes: [
      'GET /me',
      'GET /admin/stats',
      'POST /signup',
      'GET /reports',
      'GET /jwt/whoami',
      'GET /items',
      'GET /accounts/:id',
      'DELETE /accounts/:id',
      'GET /old-dashboard',
      'GET /old-settings',
      'ALL /',
    ],
    express: /^\^?4\./,
    notItems: ['requireRole', 'requireQuery'],
  },
  'lint-clean-async': {
    routes: [
      'GET /api/orders',
      'POST /api/orders',
      'GET /api/orders/stats',
      'GET /api/orders/:id',
      'GET /api/invoices',
      'GET /exports/:name',
      'GET /manual',
    ],
    express: /^\^?4\./,
  },
  'lint-clean-patterns': {
    routes: [
      'GET /products/count',
      'GET /products/:id',
      'GET /products',
      'GET /uploads/:name',
      'GET /ping',
      'GET /views',
      'GET /session',
      'GET /dev/whoami',
      'GET /whoami',
      'GET /hello',
      'GET /claims',
    ],
    express: /^\^?4\./,
    notItems: ['sendError', 'verifyToken'],
  },
  'lint-clean-express5': {
    routes: ['GET /users/:key', 'GET /tenant', 'ALL /articles/:slug', 'GET /greeting'],
    express: /^\^?5\./,
  },
};

const cleanFixtures = fixtureNames().filter((n) => n.startsWith('lint-clean-'));

test('every lint-clean-* fixture is listed here with the routes it must have', () => {
  assert.deepEqual(cleanFixtures, Object.keys(CLEAN).sort());
});

/** `function name(` in the fixture's sources: every such function is middleware of the corpus. */
function namedFunctions(dir: string): { name: string; file: string; line: number }[] {
  const found: { name: string; file: string; line: number }[] = [];
  const walk = (rel: string): void => {
    for (const e of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory() && e.name !== 'node_modules') walk(child);
      else if (/\.[cm]?[jt]s$/.test(e.name)) {
        readFileSync(path.join(dir, child), 'utf8')
          .split('\n')
          .forEach((text, i) => {
            for (const m of text.matchAll(/\bfunction\s+([A-Za-z_$][\w$]*)\s*\(/g))
              found.push({ name: m[1]!, file: child, line: i + 1 });
          });
      }
    }
  };
  walk('');
  return found;
}

function itemLines(graph: GraphJson): Set<string> {
  const lines = new Set<string>();
  for (const app of graph.apps)
    for (const route of app.routes)
      for (const item of [...route.chain, ...route.errorChain]) {
        if (item.definedAt) lines.add(`${item.definedAt.file}:${item.definedAt.line}`);
        if (item.wraps) lines.add(`${item.wraps.file}:${item.wraps.line}`);
      }
  return lines;
}

for (const name of cleanFixtures) {
  const dir = fixture(name);
  const expected = CLEAN[name];

  test(`${name}: the graph has the expected routes, and every named function is in a chain`, () => {
    assert.ok(expected, `${name} is not listed in CLEAN`);
    const graph = graphJson(dir);
    assert.deepEqual(graph.skipped, [], `${name}: files skipped`);
    assert.equal(graph.apps.length, 1, `${name}: apps ${graph.apps.map((a) => a.id).join(', ')}`);
    const app = graph.apps[0]!;
    assert.equal(app.framework, 'express');
    assert.match(app.frameworkVersion ?? 'null', expected.express, `${name}: frameworkVersion`);
    const routes = new Set(app.routes.map((r) => `${r.method} ${r.path}`));
    for (const r of expected.routes)
      assert.ok(routes.has(r), `${name}: no route ${r}; has ${[...routes].join(', ')}`);
    for (const r of app.routes)
      assert.ok(r.errorChain.length > 0, `${name}: ${r.method} ${r.path} reaches no error handler`);

    const lines = itemLines(graph);
    const functions = namedFunctions(dir);
    assert.ok(functions.length >= 5, `${name}: only ${functions.length} named functions`);
    const missing = functions.filter(
      (f) => !(expected.notItems ?? []).includes(f.name) && !lines.has(`${f.file}:${f.line}`),
    );
    assert.deepEqual(
      missing.map((f) => `${f.name} (${f.file}:${f.line})`),
      [],
      `${name}: named functions that are in no chain, so lint would not see them`,
    );
  });

  test(`${name}: lint reports nothing and exits 0`, () => {
    const { result, lint } = lintJson(dir);
    assert.equal(lint.schemaVersion, 1);
    assert.deepEqual(
      lint.findings,
      [],
      `${name}: false positives (each is a bug in a rule, or a defect in the fixture):\n${describeFindings(lint.findings)}`,
    );
    assert.deepEqual(lint.skipped, [], `${name}: files skipped`);
    assert.equal(result.code, 0, `${name}: exit ${result.code}; stderr: ${result.stderr}`);
  });
}
