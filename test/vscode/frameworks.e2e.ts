// The extension in a real VS Code (code-server) on Koa, Fastify and Hono apps: one workspace folder,
// test/fixtures/frameworks-workspace, holding five packages (copies of koa-lint-defects,
// koa-router-nested, fastify-lint-defects, fastify-plugins-prefix and hono-api-routes), which the
// analysis finds side by side. For each framework: the Chains tree lists the app, its routes and each
// chain in order; Koa's `unawaited-next` and Fastify's `double-response` are in the Problems panel and
// their quick fixes, applied through the code action API, make them go away; the graph webview draws
// the app, in the sidebar and in an editor panel. Screenshots in test-results/vscode/:
// frameworks-<koa|fastify|hono>.png (tree and graph), frameworks-<koa|fastify>-problems.png.
// Run: node scripts/vscode-e2e/run.mjs --workspace test/fixtures/frameworks-workspace --tests test/vscode/frameworks.e2e.ts --screenshot frameworks
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { AppGraph } from '../../src/analysis/model';
import { appFlowchartWithNodes } from '../../src/render/mermaid';
import { eventually, log, screenshot, suite } from './harness';

const EXTENSION_ID = 'mwchain.mwchain';
type RenderStatus = { nodes: number; clickable?: number; error?: string };
type GraphStatus = { view?: RenderStatus; panel?: RenderStatus };
type TreeRow = { id: string; kind: string; label: string; description?: string; problems: number };

const KOA = 'koa/src/app.js:4';
const KOA_ROUTER = 'koa-router/src/app.js:6';
const FASTIFY = 'fastify/server.js:1';
const FASTIFY_PLUGINS = 'fastify-plugins/src/server.js:6';
const HONO = 'hono/src/index.ts:9';
const CONNECT = 'connect/server.js:9';
const NEST = 'nest/src/main.ts:8';

const folder = () => vscode.workspace.workspaceFolders![0]!;
const root = () => folder().uri.fsPath;
const fileUri = (file: string) => vscode.Uri.joinPath(folder().uri, ...file.split('/'));
const tree = async () => (await vscode.commands.executeCommand<TreeRow[]>('mwchain._tree')) ?? [];
const codeOf = (d: vscode.Diagnostic) => (typeof d.code === 'object' ? String(d.code.value) : String(d.code));

/** The rows of an app: its route labels, in the tree's order. */
function routesOf(rows: TreeRow[], app: string): string[] {
  const prefix = `${root()}|${app}|`;
  return rows.filter((r) => r.kind === 'route' && r.id.startsWith(prefix)).map((r) => r.label);
}

/** A route's chain (or its "On error" chain) as the tree shows it, `1. name (kind)` per row, in order. */
function chainOf(rows: TreeRow[], app: string, route: string, which: 'chain' | 'errors' = 'chain'): string[] {
  const prefix = `${root()}|${app}|${route}|`;
  const item = which === 'chain' ? /^\d+$/ : /^e\d+$/;
  return rows
    .filter((r) => r.kind === 'item' && r.id.startsWith(prefix) && item.test(r.id.slice(prefix.length)))
    .map((r) => `${r.label} (${r.description?.split(' · ')[0]})`);
}

function row(rows: TreeRow[], id: string): TreeRow {
  const found = rows.find((r) => r.id === id);
  assert.ok(found, `no tree row ${id}`);
  return found;
}

/**
 * Draws an app's graph in the sidebar view and in an editor panel, and waits until both have drawn
 * exactly that app's flowchart: as many nodes as its Mermaid text defines, every one with a location
 * clickable, no error. First the tree is collapsed and one route of the app revealed (expanded), so
 * that the screenshot taken next shows that app's chain. Returns what the sidebar view reported.
 */
async function drawApp(appId: string, reveal: string): Promise<RenderStatus> {
  const analysis = (await vscode.commands.executeCommand<{ graph: { apps: AppGraph[] } }>(
    'mwchain._analysis',
    root(),
  ))!;
  const app = analysis.graph.apps.find((a) => a.id === appId);
  assert.ok(app, `no app ${appId} in ${analysis.graph.apps.map((a) => a.id).join(', ')}`);
  const chart = appFlowchartWithNodes(app);
  const defined = new Set(
    chart.text
      .split('\n')
      .filter((l) => !/^\s*subgraph /.test(l))
      .map((l) => /^\s*(n\d+)[[({>]/.exec(l)?.[1])
      .filter(Boolean),
  );
  // a subgraph (a router, a plugin) has a location too, but is no node of its own
  const expected = {
    nodes: defined.size,
    clickable: Object.keys(chart.nodes).filter((id) => defined.has(id)).length,
  };
  assert.ok(expected.nodes > 0);
  await vscode.commands.executeCommand('workbench.actions.treeView.mwchain.chains.collapseAll');
  const [method, ...rest] = reveal.split(' ');
  await vscode.commands.executeCommand('mwchain.showChain', {
    root: root(),
    app: appId,
    method,
    path: rest.join(' '),
  });
  // the panel fits the chart to its size when it first draws it: give it the whole editor area
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  await vscode.commands.executeCommand('workbench.action.closePanel');
  await vscode.commands.executeCommand('mwchain.openGraph');
  await vscode.commands.executeCommand('mwchain.showChain', { root: root(), app: appId });
  const drawn: GraphStatus = {};
  for (const where of ['view', 'panel'] as const) {
    let last: RenderStatus | undefined;
    drawn[where] = await eventually(
      `the graph of ${appId} drawn in the ${where}`,
      async () => {
        last = (await vscode.commands.executeCommand<GraphStatus>('mwchain._graphStatus'))?.[where];
        if (last?.error) throw new Error(`the graph ${where} failed to draw ${appId}: ${last.error}`);
        return last && last.nodes === expected.nodes && last.clickable === expected.clickable
          ? last
          : undefined;
      },
      30_000,
    ).catch((e: Error) => {
      throw new Error(
        `${e.message}; expected ${JSON.stringify(expected)}, last drawn ${JSON.stringify(last)}`,
      );
    });
  }
  log(
    `  # ${appId}: ${drawn.view!.nodes} nodes, ${drawn.view!.clickable} clickable, in the view and the panel`,
  );
  return drawn.view!;
}

/** The graph view focused, and the framework's screenshot: the tree, the graph view and panel. */
async function shoot(name: string): Promise<void> {
  await vscode.commands.executeCommand('mwchain.graph.focus');
  await screenshot(name);
}

/**
 * Applies the named quick fix of the finding `rule` at `line` (1-based) of `file` through the code
 * action API (after a screenshot of the finding in the editor and the Problems panel), checks the edited line and that the finding goes while `stays` (another finding of the
 * file, on another line) does not, then puts the text back and waits for the finding to return.
 */
async function quickFix(opts: {
  file: string;
  rule: string;
  line: number;
  title: string;
  fixedLine: number;
  fixed: RegExp;
  stays: { rule: string; line: number };
  screenshot: string;
}): Promise<void> {
  const uri = fileUri(opts.file);
  const doc = await vscode.workspace.openTextDocument(uri);
  const original = doc.getText();
  const at = (rule: string, line: number) => (d: vscode.Diagnostic) =>
    codeOf(d) === rule && d.range.start.line === line - 1;
  const finding = vscode.languages.getDiagnostics(uri).find(at(opts.rule, opts.line));
  assert.ok(finding, `no ${opts.rule} at ${opts.file}:${opts.line}`);
  // the finding in the editor and the Problems panel, before the fix
  await vscode.window.showTextDocument(doc, { selection: finding.range });
  await vscode.commands.executeCommand('workbench.actions.view.problems');
  await screenshot(opts.screenshot);
  let offered: string[] = [];
  const asked = Date.now();
  const fix = await eventually(
    'the quick fix',
    async () => {
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
        'vscode.executeCodeActionProvider',
        uri,
        finding.range,
        'quickfix',
      );
      offered = actions.map((a) => a.title);
      return actions.find((a) => a.title === opts.title);
    },
    15_000,
  ).catch((e: Error) => {
    throw new Error(`${e.message}; offered: ${offered.join(', ')}`);
  });
  log(`  # offered in ${Date.now() - asked} ms: ${offered.join(', ')}`);
  assert.ok(fix.edit);
  assert.equal(fix.isPreferred, true);
  assert.ok(await vscode.workspace.applyEdit(fix.edit));
  const t0 = Date.now();
  log(`  # applied "${opts.title}": ${doc.lineAt(opts.fixedLine - 1).text.trim()}`);
  try {
    assert.match(doc.lineAt(opts.fixedLine - 1).text, opts.fixed);
    await eventually(
      `the ${opts.rule} finding at line ${opts.line} gone`,
      () => {
        const now = vscode.languages.getDiagnostics(uri);
        return now.some(at(opts.rule, opts.line)) ? undefined : now;
      },
      15_000,
    ).then((now) => {
      log(`  # the finding went in ${Date.now() - t0} ms`);
      assert.ok(
        now.some(at(opts.stays.rule, opts.stays.line)),
        `the ${opts.stays.rule} at line ${opts.stays.line} went too: ${now.map(codeOf).join(', ')}`,
      );
    });
  } finally {
    // leave the fixture as it was: the fix was never saved; put the text back too
    const restore = new vscode.WorkspaceEdit();
    restore.replace(uri, new vscode.Range(0, 0, doc.lineCount, 0), original);
    await vscode.workspace.applyEdit(restore);
  }
  assert.equal(doc.getText(), original);
  // the same text as on disk, yet dirty: revert, so that closing the editor asks nothing
  log(`  # restored; dirty: ${doc.isDirty}`);
  if (doc.isDirty) {
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('workbench.action.files.revert');
  }
  assert.equal(doc.isDirty, false);
  const restored = Date.now();
  await eventually(
    `the ${opts.rule} finding back after the text is restored`,
    () => (vscode.languages.getDiagnostics(uri).some(at(opts.rule, opts.line)) ? true : undefined),
    15_000,
  );
  log(`  # back in ${Date.now() - restored} ms`);
}

export const run = suite('the extension on Koa, Fastify and Hono apps (frameworks-workspace)', [
  {
    name: 'it activates, and the Chains tree lists the seven apps of the folder with their versions',
    timeout: 60_000,
    fn: async () => {
      const ext = vscode.extensions.getExtension(EXTENSION_ID);
      assert.ok(ext, `${EXTENSION_ID} is not installed`);
      await ext.activate();
      await vscode.commands.executeCommand('mwchain.chains.focus');
      const rows = await eventually(
        'the tree with its apps',
        async () => {
          const r = await tree();
          return r.filter((x) => x.kind === 'app').length >= 7 && r.some((x) => x.kind === 'route')
            ? r
            : undefined;
        },
        45_000,
      );
      const apps = rows
        .filter((r) => r.kind === 'app')
        .map((r) => `${r.label}: ${r.description}`)
        .sort();
      assert.deepEqual(apps, [
        `connect app: ${CONNECT} · connect ^3.7.0`,
        `fastify app: ${FASTIFY_PLUGINS} · fastify ^5.2.0`,
        `fastify app: ${FASTIFY} · fastify ^4.28.0`,
        `hono app: ${HONO} · hono ^4.6.0`,
        `koa app: ${KOA_ROUTER} · koa ^2.16.0`,
        `koa app: ${KOA} · koa ^2.16.0`,
        `nest app: ${NEST} · nest ^10.3.0`,
      ]);
    },
  },
  {
    name: 'Koa: the tree lists the routes, nested routers included, and each chain in order',
    fn: async () => {
      const rows = await tree();
      assert.deepEqual(routesOf(rows, KOA), ['GET /orders/:id']);
      assert.deepEqual(chainOf(rows, KOA, 'GET /orders/:id'), [
        '1. timing (middleware)',
        '2. session (middleware)',
        '3. errors (middleware)',
        '4. anonymous (param)',
        '5. getOrder (handler)',
      ]);
      assert.deepEqual(chainOf(rows, KOA, 'GET /orders/:id', 'errors'), ['1. errors (errorHandler)']);
      const orders = row(rows, `${root()}|${KOA}|GET /orders/:id`);
      assert.match(orders.description ?? '', /^5 items · 2 problems$/);
      // @koa/router nested through router.use('/x', sub.routes()), across files; allowedMethods() left out
      assert.deepEqual(routesOf(rows, KOA_ROUTER), [
        'GET /api/health',
        'GET /api/users',
        'GET /api/users/:id',
        'POST /api/users',
        'DELETE /api/users/:id',
        'GET /api/orgs/:orgId',
        'GET /api/orgs/:orgId/projects/:projectId',
      ]);
      assert.deepEqual(chainOf(rows, KOA_ROUTER, 'GET /api/orgs/:orgId/projects/:projectId'), [
        '1. errorHandler (middleware)',
        '2. requestId (middleware)',
        '3. requireAuth (middleware)',
        '4. loadOrg (param)',
        '5. audit (middleware)',
        '6. getProject (handler)',
      ]);
    },
  },
  {
    name: 'Koa: unawaited-next is in the Problems panel, and "Await next()" makes it go away',
    timeout: 60_000,
    fn: async () => {
      const uri = fileUri('koa/src/app.js');
      const diags = await eventually('diagnostics for koa/src/app.js', () => {
        const d = vscode.languages.getDiagnostics(uri);
        return d.length >= 3 ? d : undefined;
      });
      assert.deepEqual(
        diags.map((d) => `${d.range.start.line + 1}:${d.range.start.character + 1} ${codeOf(d)}`).sort(),
        ['30:3 unawaited-next', '39:9 error-handler-order', '9:3 unawaited-next'],
      );
      const timing = diags.find((d) => codeOf(d) === 'unawaited-next' && d.range.start.line === 8)!;
      assert.equal(timing.source, 'mwchain');
      assert.equal(timing.severity, vscode.DiagnosticSeverity.Warning);
      assert.match(timing.message, /^`timing` calls next\(\) without await or return/);
      await quickFix({
        file: 'koa/src/app.js',
        rule: 'unawaited-next',
        line: 9,
        title: 'Await next()',
        fixedLine: 9,
        fixed: /^ {2}await next\(\); \/\/ unawaited-next/,
        stays: { rule: 'unawaited-next', line: 30 },
        screenshot: 'frameworks-koa-problems',
      });
    },
  },
  {
    name: 'Koa: the graph webview draws the app',
    timeout: 60_000,
    fn: async () => {
      await drawApp(KOA, 'GET /orders/:id');
      await shoot('frameworks-koa');
    },
  },
  {
    name: 'Fastify: the tree lists the routes, plugin prefixes and hooks in lifecycle order',
    fn: async () => {
      const rows = await tree();
      assert.deepEqual(routesOf(rows, FASTIFY), ['GET /admin/reports', 'GET /ping']);
      assert.deepEqual(chainOf(rows, FASTIFY, 'GET /admin/reports'), [
        '1. requireApiKey (hook:preHandler)',
        '2. anonymous (handler)',
      ]);
      assert.deepEqual(chainOf(rows, FASTIFY, 'GET /ping'), [
        '1. stampRequest (hook:onRequest)',
        '2. anonymous (handler)',
      ]);
      assert.ok(row(rows, `${root()}|${FASTIFY}|GET /admin/reports`).problems >= 1);
      // register(plugin, { prefix }), nested plugins, encapsulated hooks and error handlers
      assert.deepEqual(routesOf(rows, FASTIFY_PLUGINS), [
        'GET /users',
        'GET /users/:id',
        'DELETE /users/admin/:id',
        'POST /orders',
        'GET /orders/:id',
        'ALL /orders/*',
        'GET /health',
      ]);
      assert.deepEqual(chainOf(rows, FASTIFY_PLUGINS, 'DELETE /users/admin/:id'), [
        '1. logRequest (hook:onRequest)',
        '2. requireUser (hook:preValidation)',
        '3. requireAdmin (hook:preHandler)',
        '4. anonymous (handler)',
        '5. recordTiming (hook:onResponse)',
      ]);
      assert.deepEqual(chainOf(rows, FASTIFY_PLUGINS, 'DELETE /users/admin/:id', 'errors'), [
        '1. userErrors (errorHandler)',
        '2. rootErrors (errorHandler)',
      ]);
      assert.deepEqual(chainOf(rows, FASTIFY_PLUGINS, 'POST /orders', 'errors'), [
        '1. rootErrors (errorHandler)',
      ]);
      assert.match(row(rows, `${root()}|${FASTIFY_PLUGINS}|ALL /orders/*`).description ?? '', /catch-all/);
      // the Koa app has GET /orders/:id too, with two findings of its own: none of them shows here
      assert.equal(row(rows, `${root()}|${FASTIFY_PLUGINS}|GET /orders/:id`).problems, 0);
      const unresolved = row(rows, `${root()}|${FASTIFY_PLUGINS}|unresolved`);
      assert.equal(unresolved.description, '1');
    },
  },
  {
    name: 'Fastify: double-response (an async hook sends without return) is fixed by "return reply.send(...)"',
    timeout: 60_000,
    fn: async () => {
      const uri = fileUri('fastify/server.js');
      const diags = await eventually('diagnostics for fastify/server.js', () => {
        const d = vscode.languages.getDiagnostics(uri);
        return d.length >= 3 ? d : undefined;
      });
      assert.deepEqual(
        diags.map((d) => `${d.range.start.line + 1}:${d.range.start.character + 1} ${codeOf(d)}`).sort(),
        ['1:17 missing-error-handler', '23:7 double-response', '4:16 double-response'],
      );
      const hook = diags.find((d) => codeOf(d) === 'double-response' && d.range.start.line === 3)!;
      assert.equal(hook.severity, vscode.DiagnosticSeverity.Error);
      assert.match(hook.message, /^`requireApiKey` sends at line 6 but does not return the reply/);
      await quickFix({
        file: 'fastify/server.js',
        rule: 'double-response',
        line: 4,
        title: 'Return the reply (return reply.send(...))',
        fixedLine: 6,
        fixed: /^ {4}return reply\.code\(401\)\.send\(\{ error: 'bad api key' \}\);$/,
        stays: { rule: 'double-response', line: 23 },
        screenshot: 'frameworks-fastify-problems',
      });
    },
  },
  {
    name: 'Fastify: the graph webview draws the apps',
    timeout: 90_000,
    fn: async () => {
      await drawApp(FASTIFY_PLUGINS, 'DELETE /users/admin/:id');
      await drawApp(FASTIFY, 'GET /admin/reports');
      await shoot('frameworks-fastify');
    },
  },
  {
    name: 'Hono: the tree lists the routes, use() patterns, route() sub-apps and onError, in order',
    fn: async () => {
      const rows = await tree();
      assert.deepEqual(routesOf(rows, HONO), [
        'GET /health',
        'GET /api/books',
        'GET /api/books/:id',
        'POST /api/books',
        'GET /api/admin/stats',
        'ALL *',
      ]);
      assert.deepEqual(chainOf(rows, HONO, 'GET /api/books/:id'), [
        '1. logger() (middleware)',
        '2. requestId (middleware)',
        "3. cors({ origin: 'https://shop.example' }) (middleware)",
        '4. secureHeaders() (middleware)',
        '5. loadBook (middleware)',
        '6. anonymous (handler)',
      ]);
      assert.deepEqual(chainOf(rows, HONO, 'GET /api/books/:id', 'errors'), [
        '1. anonymous (errorHandler)',
        '2. anonymous (errorHandler)',
      ]);
      assert.deepEqual(chainOf(rows, HONO, 'GET /health'), [
        '1. logger() (middleware)',
        '2. requestId (middleware)',
        '3. anonymous (handler)',
      ]);
      assert.match(row(rows, `${root()}|${HONO}|ALL *`).description ?? '', /^3 items · catch-all$/);
      // a clean app: nothing on its routes, nothing in the Problems panel for its files
      assert.deepEqual(
        rows.filter((r) => r.id.startsWith(`${root()}|${HONO}|`) && r.problems > 0).map((r) => r.label),
        [],
      );
      for (const file of ['hono/src/index.ts', 'hono/src/routes/books.ts', 'hono/src/middleware.ts'])
        assert.deepEqual(
          vscode.languages.getDiagnostics(fileUri(file)).filter((d) => d.source === 'mwchain'),
          [],
          file,
        );
    },
  },
  {
    name: 'Hono: the graph webview draws the app',
    timeout: 60_000,
    fn: async () => {
      await drawApp(HONO, 'GET /api/books/:id');
      await shoot('frameworks-hono');
    },
  },
  {
    name: 'Connect: each endpoint with its chain, a mounted Express app included, and the graph',
    timeout: 60_000,
    fn: async () => {
      const rows = await tree();
      assert.deepEqual(routesOf(rows, CONNECT), [
        'ALL /admin/stats',
        'GET /api/users/:id',
        'ALL /health',
        'ALL /',
      ]);
      assert.deepEqual(chainOf(rows, CONNECT, 'ALL /admin/stats'), [
        '1. requestLog (middleware)',
        '2. compression() (middleware)',
        '3. requireToken (middleware)',
        '4. stats (handler)',
      ]);
      assert.deepEqual(chainOf(rows, CONNECT, 'ALL /admin/stats', 'errors'), [
        '1. adminError (errorHandler)',
        '2. onError (errorHandler)',
      ]);
      assert.deepEqual(chainOf(rows, CONNECT, 'GET /api/users/:id'), [
        '1. requestLog (middleware)',
        '2. compression() (middleware)',
        '3. express.json() (middleware)',
        '4. getUser (handler)',
      ]);
      await drawApp(CONNECT, 'ALL /admin/stats');
      await shoot('frameworks-connect');
    },
  },
  {
    name: "NestJS: guards, interceptors, pipes and the handler in Nest's order, filters on error, and the graph",
    timeout: 60_000,
    fn: async () => {
      const rows = await tree();
      assert.deepEqual(routesOf(rows, NEST), [
        'GET /api/users',
        'GET /api/users/:id',
        'POST /api/users',
        'PATCH /api/users/:id/roles',
      ]);
      assert.deepEqual(chainOf(rows, NEST, 'GET /api/users/:id'), [
        '1. ThrottleGuard (guard)',
        '2. JwtAuthGuard (guard)',
        '3. new LoggingInterceptor() (interceptor)',
        '4. new ClassSerializerInterceptor(app.get(Reflector)) (interceptor)',
        '5. new ValidationPipe({ whitelist: true }) (pipe)',
        '6. TrimPipe (pipe)',
        "7. new ParseUUIDPipe({ version: '4' }) (pipe)",
        '8. UsersController.findOne (handler)',
      ]);
      assert.deepEqual(chainOf(rows, NEST, 'GET /api/users', 'errors'), [
        '1. new HttpErrorFilter() (filter)',
      ]);
      await drawApp(NEST, 'GET /api/users/:id');
      await shoot('frameworks-nest');
    },
  },
]);
