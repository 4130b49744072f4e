// The VS Code suites, from `npm test`: installs code-server and Chromium when missing (cached in
// .vscode-test/), then runs the extension's tests inside a real VS Code. MWCHAIN_SKIP_VSCODE=1
// skips them (and says so); CI runs them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const skip = process.env.MWCHAIN_SKIP_VSCODE === '1' ? 'MWCHAIN_SKIP_VSCODE=1' : false;

const node = (args: string[], timeout: number) =>
  spawnSync(process.execPath, args, {
    cwd: ROOT,
    encoding: 'utf8',
    timeout,
    stdio: ['ignore', 'pipe', 'pipe'],
  });

test(
  'the extension in code-server: tree, problems, quick fix, graph, debugger stops',
  { skip, timeout: 600_000 },
  () => {
    // dist/ is what code-server loads: build it here too, so this file alone (node --test) is not stale.
    const build = node(['scripts/build.mjs'], 120_000);
    assert.equal(build.status, 0, `build failed:\n${build.stdout}\n${build.stderr}`);
    const install = node(['scripts/vscode-e2e/install.mjs'], 480_000);
    assert.equal(install.status, 0, `install failed:\n${install.stdout}\n${install.stderr}`);
    const r = node(
      [
        'scripts/vscode-e2e/run.mjs',
        '--workspace',
        'test/fixtures/lint-defects',
        '--tests',
        'test/vscode/extension.e2e.ts',
        '--screenshot',
        'extension',
        '--workspace',
        'test/fixtures/debug-crossing',
        '--tests',
        'test/vscode/debug.e2e.ts',
        '--screenshot',
        'debug',
        '--workspace',
        'test/fixtures/frameworks-workspace',
        '--tests',
        'test/vscode/frameworks.e2e.ts',
        '--screenshot',
        'frameworks',
      ],
      300_000,
    );
    const out = `${r.stdout}\n${r.stderr}`;
    const results = out.split('\n').filter((l) => /^(ok|not ok) \d+ |^\d+ passed, \d+ failed$/.test(l));
    assert.equal(r.status, 0, `the VS Code suite failed:\n${results.join('\n')}\n\n${out.slice(-4000)}`);
    // every suite ran to its end with all its tests passed, in order: the extension's (6), the
    // debugger's (6), and Koa, Fastify and Hono on frameworks-workspace (9)
    assert.deepEqual(
      results.filter((l) => /^\d+ passed, \d+ failed$/.test(l)),
      ['6 passed, 0 failed', '6 passed, 0 failed', '11 passed, 0 failed'],
      results.join('\n'),
    );
  },
);
