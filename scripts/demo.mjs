// `npm run demo`: the product on the bundled example workspace. Prints the chains and lint of
// examples/shop-api as the CLI shows them, then starts VS Code (code-server, installed on first
// use) with the extension on that workspace and prints the URL to open. Ctrl-C stops it.
// MWCHAIN_DEMO_PORT picks the port (default 8321).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CODE_SERVER_BIN, codeServerArgs, ROOT } from './vscode-e2e/paths.mjs';

const run = (cmd, args, opts = {}) => {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: ROOT, ...opts });
  if (r.status !== 0) process.exit(r.status || 1);
};

if (!existsSync(path.join(ROOT, 'node_modules/.package-lock.json'))) run('npm', ['ci']);
run(process.execPath, ['scripts/package.mjs']);
const example = path.join(ROOT, 'examples/shop-api');
console.log(`\n$ mwchain graph examples/shop-api --route "POST /api/orders" --format text\n`);
run(process.execPath, ['dist/cli.js', 'graph', example, '--route', 'POST /api/orders', '--format', 'text']);
console.log(`$ mwchain lint examples/shop-api\n`);
spawnSync(process.execPath, ['dist/cli.js', 'lint', example], { stdio: 'inherit' });

run(process.execPath, ['scripts/vscode-e2e/install.mjs']);
const home = mkdtempSync(path.join(os.tmpdir(), 'mwchain-demo-'));
const dirs = ['--user-data-dir', path.join(home, 'user'), '--extensions-dir', path.join(home, 'extensions')];
run(process.execPath, [CODE_SERVER_BIN, ...dirs, '--install-extension', path.join(ROOT, 'mwchain.vsix')], {
  env: { ...process.env, HOME: home },
  stdio: ['ignore', 'ignore', 'inherit'],
});
const port = Number(process.env.MWCHAIN_DEMO_PORT ?? 8321);
const server = spawn(process.execPath, [CODE_SERVER_BIN, ...dirs, ...codeServerArgs(port), example], {
  env: { ...process.env, HOME: home },
  stdio: ['ignore', 'ignore', 'inherit'],
});
for (let i = 0; i < 100; i++) {
  try {
    if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) break;
  } catch {
    // not up yet
  }
  await new Promise((r) => setTimeout(r, 200));
}
console.log(
  `\nVS Code with the Middleware Chains extension on examples/shop-api:\n\n  http://127.0.0.1:${port}/?folder=${encodeURIComponent(example)}\n`,
);
console.log('Open the "Middleware Chains" view in the activity bar. Ctrl-C stops the server.');
const stop = () => {
  server.kill();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
server.on('exit', (code) => process.exit(code ?? 0));
