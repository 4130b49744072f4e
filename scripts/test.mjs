// `npm test`: every suite, in the order that fails fastest. Installs what is missing first.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import * as path from 'node:path';

const run = (cmd, args, opts = {}) => {
  console.log(`\n> ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  if (r.status !== 0) {
    console.error(`\n${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
    process.exit(r.status || 1);
  }
};

if (!existsSync('node_modules/.package-lock.json')) run('npm', ['ci']);

const only = process.argv.slice(2);
const testFiles = (dir) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'fixtures' ? [] : testFiles(p);
    return e.name.endsWith('.test.ts') ? [p] : [];
  });

if (only.length === 0) {
  run('npx', ['tsc', '--noEmit', '-p', '.']);
  run('npx', ['eslint', '.']);
  run('npx', ['prettier', '--check', '.']);
}
run('node', ['scripts/build.mjs']);
const files = only.length ? only : testFiles('test').sort();
run('node', ['--import', 'tsx', '--test', ...files]);
