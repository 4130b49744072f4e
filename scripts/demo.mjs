// `npm run demo`: builds and shows the chains of the bundled example workspace, as text and as
// a Mermaid flowchart (paste it into any Mermaid viewer).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status || 1);
};

if (!existsSync('node_modules/.package-lock.json')) run('npm', ['ci']);
run('node', ['scripts/build.mjs']);
const example = 'examples/shop-api';
console.log(`\n$ mwchain graph ${example} --format text\n`);
run('node', ['dist/cli.js', 'graph', example, '--format', 'text']);
console.log(`$ mwchain graph ${example} --route "POST /api/orders" --format mermaid\n`);
run('node', ['dist/cli.js', 'graph', example, '--route', 'POST /api/orders', '--format', 'mermaid']);
console.log(`\nThe whole app as JSON: node dist/cli.js graph ${example} --format json`);
