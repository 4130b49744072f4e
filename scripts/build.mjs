// Bundles into dist/ with esbuild: the extension (vscode external, no TypeScript in it), the
// analysis worker it starts, and the CLI. Copies Mermaid into media/ for the graph webview.
import { build } from 'esbuild';
import { chmodSync, copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { plainTypeScriptApi } from './plain-ts-plugin.mjs';

const { version } = JSON.parse(readFileSync('package.json', 'utf8'));

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  plugins: [plainTypeScriptApi],
};

await Promise.all([
  build({
    ...common,
    entryPoints: ['src/extension/extension.ts'],
    outfile: 'dist/extension.js',
    format: 'cjs',
    external: ['vscode'],
  }),
  // the extension's analysis runs here, off the extension host's thread
  build({
    ...common,
    entryPoints: ['src/worker/analysis-worker.ts'],
    outfile: 'dist/analysis-worker.js',
    format: 'cjs',
    minify: true,
  }),
  build({
    ...common,
    entryPoints: ['src/cli/main.ts'],
    outfile: 'dist/cli.js',
    format: 'cjs',
    banner: { js: '#!/usr/bin/env node' },
  }),
  // the runtime agent, preloaded into the user's app: Node built-ins only
  build({
    bundle: true,
    platform: 'node',
    target: 'node18',
    logLevel: 'warning',
    entryPoints: ['src/agent/index.ts'],
    outfile: 'dist/agent.js',
    format: 'cjs',
    define: { AGENT_VERSION: JSON.stringify(version) },
  }),
  // the terminals' gate: the agent only for processes with an inspector open
  build({
    bundle: true,
    platform: 'node',
    target: 'node18',
    logLevel: 'warning',
    entryPoints: ['src/agent/when-debugged.ts'],
    outfile: 'dist/agent-when-debugged.js',
    format: 'cjs',
  }),
]);
chmodSync('dist/cli.js', 0o755);
// Mermaid for the graph webview, served from media/ (no network)
mkdirSync('media/vendor', { recursive: true });
copyFileSync('node_modules/mermaid/dist/mermaid.min.js', 'media/vendor/mermaid.min.js');
