// The extension in a real VS Code (code-server with its own extension host) on the lint-defects
// fixture: it activates, the Chains tree shows the apps' routes and chains, a known defect is in
// the Problems panel, a quick fix repairs it, and the graph webview draws the chain.
// Run: node scripts/vscode-e2e/run.mjs --workspace test/fixtures/lint-defects --tests test/vscode/extension.e2e.ts
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { eventually, log, screenshot, suite } from './harness';

const EXTENSION_ID = 'mwchain.mwchain';
type RenderStatus = { nodes: number; clickable?: number; error?: string };
type GraphStatus = { view?: RenderStatus; panel?: RenderStatus };
type TreeRow = { id: string; kind: string; label: string; description?: string; problems: number };

const folder = () => vscode.workspace.workspaceFolders![0]!;
const appUri = () => vscode.Uri.joinPath(folder().uri, 'src', 'app.js');
const tree = async () => (await vscode.commands.executeCommand<TreeRow[]>('mwchain._tree')) ?? [];

export const run = suite('the extension on lint-defects', [
  {
    name: 'it activates, with its views and commands',
    fn: async () => {
      const ext = vscode.extensions.getExtension(EXTENSION_ID);
      assert.ok(ext, `${EXTENSION_ID} is not installed`);
      await ext.activate();
      const commands = await vscode.commands.getCommands(true);
      for (const c of [
        'mwchain.refresh',
        'mwchain.showChainAtCursor',
        'mwchain.openGraph',
        'mwchain.exportMermaid',
      ])
        assert.ok(commands.includes(c), c);
      log(`  # ${vscode.env.appName} ${vscode.version}`);
    },
  },
  {
    name: 'the Chains tree lists the routes and each chain in order',
    timeout: 60_000,
    fn: async () => {
      await vscode.commands.executeCommand('mwchain.chains.focus');
      const rows = await eventually(
        'the tree',
        async () => ((await tree()).some((r) => r.kind === 'route') ? tree() : undefined),
        45_000,
      );
      const labels = rows.map((r) => r.label);
      assert.ok(labels.includes('express app'), labels.join(', '));
      for (const route of ['PUT /tenants/settings', 'GET /profiles/:id', 'GET /dashboard', 'GET /late'])
        assert.ok(labels.includes(route), route);
      const dashboard = rows
        .filter((r) => r.id.includes('|GET /dashboard|') && r.kind === 'item')
        .map((r) => r.label);
      assert.deepEqual(dashboard, ['1. express.json()', '2. sessionUser', '3. tokenUser', '4. dashboard']);
      const settings = rows.find((r) => r.label === 'PUT /tenants/settings')!;
      assert.ok(settings.problems >= 2, `problems shown on the route: ${settings.description}`);
      await screenshot('extension-tree');
    },
  },
  {
    name: 'a known defect is a diagnostic with its rule as code and related information',
    timeout: 30_000,
    fn: async () => {
      const diags = await eventually('diagnostics for src/app.js', () => {
        const d = vscode.languages.getDiagnostics(appUri());
        return d.length >= 9 ? d : undefined;
      });
      const codeOf = (d: vscode.Diagnostic) =>
        typeof d.code === 'object' ? String(d.code.value) : String(d.code);
      const double = diags.find((d) => codeOf(d) === 'double-response');
      assert.ok(double, diags.map(codeOf).join(', '));
      assert.equal(double.source, 'mwchain');
      assert.equal(double.severity, vscode.DiagnosticSeverity.Error);
      assert.match(double.message, /`cacheHit` already responded/);
      assert.equal(double.relatedInformation?.[0]?.message, 'the first one');
      assert.match(
        String((double.code as { target: vscode.Uri }).target),
        /docs\/rules\/double-response\.md$/,
      );
    },
  },
  {
    name: 'the quick fix adds the missing return, and the finding goes away',
    timeout: 30_000,
    fn: async () => {
      const uri = appUri();
      const doc = await vscode.workspace.openTextDocument(uri);
      const original = doc.getText();
      const double = vscode.languages
        .getDiagnostics(uri)
        .find((d) => (d.code as { value: string }).value === 'double-response')!;
      // right after a document opens, its providers may not be asked yet: ask until they are
      let offered: string[] = [];
      const fix = await eventually(
        'the quick fix',
        async () => {
          const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
            'vscode.executeCodeActionProvider',
            uri,
            double.range,
            'quickfix',
          );
          offered = actions.map((a) => a.title);
          return actions.find((a) => a.title === 'Return here, so nothing runs after this');
        },
        15_000,
      ).catch((e: Error) => {
        throw new Error(`${e.message}; offered: ${offered.join(', ')}`);
      });
      assert.ok(fix.edit);
      assert.equal(fix.isPreferred, true);
      const firstLine = fix.edit.get(uri)[0]!.range.start.line;
      assert.ok(await vscode.workspace.applyEdit(fix.edit));
      log('  # applied');
      try {
        assert.match(doc.lineAt(firstLine).text, /if \(hit\) return res\.json\(hit\);/);
        await eventually(
          'the double-response finding gone',
          () =>
            vscode.languages
              .getDiagnostics(uri)
              .some((d) => (d.code as { value: string }).value === 'double-response')
              ? undefined
              : true,
          15_000,
        );
      } finally {
        // leave the fixture as it was: the fix was never saved; put the text back too
        const restore = new vscode.WorkspaceEdit();
        restore.replace(uri, new vscode.Range(0, 0, doc.lineCount, 0), original);
        await vscode.workspace.applyEdit(restore);
      }
    },
  },
  {
    name: 'a CodeLens and a hover on a route registration show its chain',
    timeout: 30_000,
    fn: async () => {
      const uri = appUri();
      const doc = await vscode.workspace.openTextDocument(uri);
      // `app.get(` stands on the line before `'/dashboard',`: the route is where its method is named
      const line =
        doc
          .getText()
          .split('\n')
          .findIndex((l) => l.trim() === "'/dashboard',") - 1;
      assert.ok(line >= 0);
      const lenses = await eventually(
        'the CodeLens on GET /dashboard',
        async () => {
          const all = await vscode.commands.executeCommand<vscode.CodeLens[]>(
            'vscode.executeCodeLensProvider',
            uri,
          );
          return all.find((l) => l.range.start.line === line && l.command?.command === 'mwchain.showChain');
        },
        15_000,
      );
      assert.equal(lenses.command!.title, '3 middleware · 2 problems — Show chain');
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
        'vscode.executeHoverProvider',
        uri,
        new vscode.Position(line, 4),
      );
      const text = hovers
        .flatMap((h) =>
          h.contents.map((c) => (typeof c === 'string' ? c : (c as vscode.MarkdownString).value)),
        )
        .join('\n');
      assert.match(text, /GET \/dashboard\*\* runs, in order:/);
      assert.match(text, /3\. `tokenUser`/);
    },
  },
  {
    name: 'the graph of a route renders in the webview, nodes clickable, no errors',
    timeout: 60_000,
    fn: async () => {
      const result = (await vscode.commands.executeCommand<unknown[]>('mwchain._analysis')) as {
        graph: { apps: { id: string }[] };
      }[];
      const app = result[0]!.graph.apps[0]!.id;
      await vscode.commands.executeCommand('mwchain.showChain', {
        root: folder().uri.fsPath,
        app,
        method: 'GET',
        path: '/dashboard',
      });
      const status = await eventually(
        'the graph webview to render',
        async () => {
          const s = (await vscode.commands.executeCommand<GraphStatus>('mwchain._graphStatus'))?.view;
          return s && (s.nodes > 0 || s.error) ? s : undefined;
        },
        45_000,
      );
      assert.equal(status.error, undefined);
      assert.ok(status.nodes >= 5, `nodes: ${status.nodes}`);
      assert.ok((status.clickable ?? 0) >= 5, `clickable: ${status.clickable}`);
      await vscode.commands.executeCommand('mwchain.graph.focus');
      await screenshot('extension-graph');
      await vscode.commands.executeCommand('mwchain.openGraph');
      await eventually(
        'the graph in an editor panel',
        async () => {
          const st = (await vscode.commands.executeCommand<GraphStatus>('mwchain._graphStatus'))?.panel;
          if (st?.error) throw new Error(`the editor panel failed to draw: ${st.error}`);
          return st && st.nodes > 0 ? st : undefined;
        },
        30_000,
      );
      await screenshot('extension-graph-panel');
      // the graph follows the colour theme: switch to high contrast, it draws again without error
      const before = (await vscode.commands.executeCommand<GraphStatus>('mwchain._graphStatus'))?.panel;
      await vscode.workspace
        .getConfiguration('workbench')
        .update('colorTheme', 'Default High Contrast', vscode.ConfigurationTarget.Global);
      try {
        await eventually(
          'the panel drawn again in high contrast',
          async () => {
            const st = (await vscode.commands.executeCommand<GraphStatus>('mwchain._graphStatus'))?.panel;
            if (st?.error) throw new Error(`the editor panel failed to draw: ${st.error}`);
            return st && st !== before && st.nodes > 0 ? st : undefined;
          },
          20_000,
        );
        await screenshot('extension-high-contrast');
      } finally {
        await vscode.workspace
          .getConfiguration('workbench')
          .update('colorTheme', undefined, vscode.ConfigurationTarget.Global);
      }
    },
  },
]);
