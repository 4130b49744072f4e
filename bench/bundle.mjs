// Bench scripts written in TypeScript run bundled the way dist/ is built (esbuild, CommonJS for
// Node 20, the TypeScript API kept as plain requires), so their numbers are what users run.
import { build as esbuild } from 'esbuild';
import { plainTypeScriptApi } from '../scripts/plain-ts-plugin.mjs';

/** Bundles `entry` (a .ts file) to `outfile`, a CommonJS script for `node`. */
export async function bundleForNode(entry, outfile) {
  await esbuild({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    logLevel: 'warning',
    plugins: [plainTypeScriptApi],
  });
}
