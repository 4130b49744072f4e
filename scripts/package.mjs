// `npm run package`: a .vsix with @vscode/vsce, offline. Builds first; the bundles in dist/ carry
// everything (no node_modules in the package). Prints the size.
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';

const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status || 1);
};

run(process.execPath, ['scripts/build.mjs']);
const out = 'mwchain.vsix';
run(process.execPath, [
  'node_modules/@vscode/vsce/vsce',
  'package',
  '--no-dependencies',
  '--allow-missing-repository',
  '--skip-license',
  '--no-rewrite-relative-links',
  '--out',
  out,
]);
const mb = statSync(out).size / 1024 / 1024;
console.log(`\n${out}: ${mb.toFixed(2)} MB (target: under 5 MB)`);
