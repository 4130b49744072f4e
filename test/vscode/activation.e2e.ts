// In a real VS Code (code-server) on test/fixtures/cjs-basic: the extension is there, activates, and its
// command shows the chains of the small Express app in the "Middleware Chains" output channel.
// Run: node scripts/vscode-e2e/run.mjs --workspace test/fixtures/cjs-basic --tests test/vscode/activation.e2e.ts
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { eventually, log, suite } from './harness';

const EXTENSION_ID = 'mwchain.mwchain';
const COMMAND = 'mwchain.showGraphText';

export const run = suite('activation on cjs-basic', [
  {
    name: 'the workbench opened the fixture folder',
    fn: () => {
      const folders = vscode.workspace.workspaceFolders ?? [];
      assert.equal(folders.length, 1);
      assert.match(folders[0].uri.path, /\/test\/fixtures\/cjs-basic$/);
      log(`  # ${vscode.env.appName} ${vscode.version}, uiKind ${vscode.UIKind[vscode.env.uiKind]}`);
    },
  },
  {
    name: `the extension ${EXTENSION_ID} is present`,
    fn: () => {
      const ext = vscode.extensions.getExtension(EXTENSION_ID);
      assert.ok(ext, `${EXTENSION_ID} not among ${vscode.extensions.all.length} extensions`);
      assert.equal(ext.packageJSON.name, 'mwchain');
    },
  },
  {
    name: 'it activates',
    fn: async () => {
      const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
      // workspaceContains:**/package.json may already have activated it; activate() is idempotent.
      await ext.activate();
      assert.equal(ext.isActive, true);
    },
  },
  {
    name: `the command ${COMMAND} is registered`,
    fn: async () => {
      const commands = await vscode.commands.getCommands(true);
      const ours = commands.filter((c) => c.startsWith('mwchain.'));
      assert.ok(ours.includes(COMMAND), `${COMMAND} is not registered; mwchain commands: ${ours.join(', ')}`);
    },
  },
  {
    name: 'running it shows the chains in the "Middleware Chains" output channel',
    timeout: 60_000,
    fn: async () => {
      await vscode.commands.executeCommand(COMMAND);
      // An output channel the workbench shows is a text document with the scheme "output", its name in
      // the URI (output:extension-output-mwchain.mwchain-%231-Middleware%20Chains in VS Code 1.100).
      const isChannel = (d: vscode.TextDocument) =>
        d.uri.scheme === 'output' && decodeURIComponent(d.uri.path).endsWith('Middleware Chains');
      const doc = await eventually(
        'the "Middleware Chains" output with GET /api/users/:id',
        () =>
          vscode.workspace.textDocuments.find(
            (d) => isChannel(d) && d.getText().includes('GET /api/users/:id'),
          ),
        15_000,
      ).catch((e: Error) => {
        const seen = vscode.workspace.textDocuments.map(
          (d) => `${d.uri.toString()} (${d.getText().length} chars)`,
        );
        throw new Error(`${e.message}; open documents: ${seen.join(', ') || 'none'}`);
      });
      log(`  # ${doc.uri.toString()}: ${doc.lineCount} lines`);
      // The route's chain as the analyzer sees it: the app-level middleware, then the router's handler.
      const route = doc
        .getText()
        .split('GET /api/users/:id')[1]
        .split(/\n\s{0,3}(?:GET|POST|PUT|DELETE|ALL) /)[0];
      for (const name of ['requestId', 'requireAuth', 'getUser'])
        assert.match(route, new RegExp(`\\b${name}\\b`));
    },
  },
]);
