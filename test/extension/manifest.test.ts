// The extension manifest as VS Code's own packaging tool sees it: valid, and shipping the bundles.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

test('vsce accepts the manifest and packages the bundles, not node_modules', () => {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/@vscode/vsce/vsce'), 'ls'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  const files = r.stdout.trim().split('\n');
  for (const f of [
    'package.json',
    'dist/extension.js',
    'dist/analysis-worker.js',
    'dist/agent.js',
    'dist/agent-when-debugged.js',
    'media/vendor/mermaid.min.js',
    'media/graph.js',
    'docs/rules/swallowed-error.md',
    'README.md',
    'CHANGELOG.md',
  ]) {
    assert.ok(files.includes(f), `${f} missing from the package: ${files.join(', ')}`);
  }
  assert.ok(
    !files.some((f) => f.startsWith('node_modules/') || f.startsWith('src/') || f.startsWith('test/')),
  );
});

test('the manifest declares what the contract and the extension need', () => {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  assert.equal(pkg.name, 'mwchain');
  assert.equal(pkg.displayName, 'Middleware Chain Debugger');
  assert.equal(pkg.engines.vscode, '^1.90.0');
  assert.equal(pkg.main, 'dist/extension.js');
  assert.deepEqual(pkg.bin, { mwchain: 'dist/cli.js' });
  const commands = pkg.contributes.commands.map((c: { command: string }) => c.command);
  for (const c of [
    'mwchain.refresh',
    'mwchain.showChainAtCursor',
    'mwchain.openGraph',
    'mwchain.exportMermaid',
  ])
    assert.ok(commands.includes(c), c);
  assert.deepEqual(
    pkg.contributes.views.mwchain.map((v: { id: string }) => v.id),
    ['mwchain.chains', 'mwchain.graph'],
  );
});
