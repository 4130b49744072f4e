// Paths shared by the VS Code e2e scripts.
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CODE_SERVER_VERSION = '4.100.3'; // newest code-server whose engines.node is 20
// MWCHAIN_CODE_SERVER_DIR moves the cache (e.g. to a CI cache volume); default .vscode-test/code-server.
export const CACHE_DIR = process.env.MWCHAIN_CODE_SERVER_DIR
  ? path.resolve(process.env.MWCHAIN_CODE_SERVER_DIR)
  : path.join(ROOT, '.vscode-test', 'code-server');
export const CODE_SERVER_BIN = path.join(CACHE_DIR, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
export const CHROMIUM = '/usr/bin/chromium';

/** Chromium on this machine kind: headless, and nothing that reaches for the network. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** code-server on loopback, quiet, trusting the folder it opens. */
export const codeServerArgs = (port) => [
  '--bind-addr',
  `127.0.0.1:${port}`,
  '--auth',
  'none',
  '--disable-telemetry',
  '--disable-update-check',
  '--disable-workspace-trust',
];
