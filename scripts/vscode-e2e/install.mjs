// Installs what the VS Code e2e run needs, idempotently: Debian's chromium (the browser that shows the
// workbench), and code-server (a full VS Code with a Node extension host) cached under
// .vscode-test/code-server/. A second run finds everything and returns in well under a second.
// Recipe and reasons: shared/VSCODE-E2E.md. Usage: node scripts/vscode-e2e/install.mjs
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { CACHE_DIR, CODE_SERVER_BIN, CODE_SERVER_VERSION, ROOT } from './paths.mjs';

const RIPGREP_CACHE = 'vscode-ripgrep-cache-1.15.11'; // @vscode/ripgrep version code-server 4.100.3 pins
const RIPGREP_ASSET = 'ripgrep-v13.0.0-10'; // the rg release that @vscode/ripgrep 1.15.11 downloads
const MARKER = path.join(CACHE_DIR, '.installed');

const t0 = Date.now();
const step = (name, fn) => {
  const start = Date.now();
  const note = fn();
  console.log(`[vscode-e2e install] ${name}: ${note} (${((Date.now() - start) / 1000).toFixed(1)}s)`);
};
const fail = (message) => {
  console.error(`[vscode-e2e install] FAILED: ${message}`);
  process.exit(1);
};
const lastLine = (text) =>
  String(text ?? '')
    .trim()
    .split('\n')
    .filter((l) => l.trim())
    .pop() ?? '';
const sh = (cmd, args, opts = {}) => spawnSync(cmd, args, { encoding: 'utf8', ...opts });

const codeServerCached = () => {
  try {
    return readFileSync(MARKER, 'utf8').trim() === CODE_SERVER_VERSION && existsSync(CODE_SERVER_BIN);
  } catch {
    return false;
  }
};
const dpkgInstalled = (pkg) =>
  sh('dpkg-query', ['-W', '-f=${Status}', pkg]).stdout?.includes('install ok installed') ?? false;

// 1. Debian packages. libkrb5-dev and ripgrep are needed only to build code-server, so they are skipped
//    once it is cached; when every binary is there apt is not touched at all.
step('apt', () => {
  const needed = [{ pkg: 'chromium', present: () => existsSync('/usr/bin/chromium') }];
  if (!codeServerCached()) {
    needed.push(
      { pkg: 'ripgrep', present: () => existsSync('/usr/bin/rg') },
      { pkg: 'libkrb5-dev', present: () => dpkgInstalled('libkrb5-dev') },
    );
  }
  const missing = needed.filter((n) => !n.present()).map((n) => n.pkg);
  if (missing.length === 0) return `${needed.map((n) => n.pkg).join(', ')} present, apt skipped`;
  if (process.getuid?.() !== 0) {
    fail(
      `missing Debian packages ${missing.join(' ')}; as root run: apt-get install -y ${missing.join(' ')}`,
    );
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const aptInstall = () =>
    sh('apt-get', ['install', '-y', '--no-install-recommends', ...missing], { env, stdio: 'pipe' });
  let r = aptInstall();
  if (r.status !== 0) {
    // Usually "Unable to locate package": the package lists were never fetched on this machine.
    const u = sh('apt-get', ['update'], { env });
    if (u.status !== 0) fail(`apt-get update failed: ${lastLine(u.stderr || u.stdout)}`);
    r = aptInstall();
  }
  if (r.status !== 0) fail(`apt-get install ${missing.join(' ')} failed: ${lastLine(r.stderr || r.stdout)}`);
  const still = needed.filter((n) => !n.present()).map((n) => n.pkg);
  if (still.length) fail(`apt-get reported success but ${still.join(', ')} still missing`);
  return `installed ${missing.join(', ')}`;
});

// 2. playwright-core is a devDependency of the repository (never downloads a browser: we use Debian's).
step('playwright-core', () => {
  try {
    const req = createRequire(path.join(ROOT, 'package.json'));
    const version = JSON.parse(readFileSync(req.resolve('playwright-core/package.json'), 'utf8')).version;
    return `${version} in node_modules`;
  } catch {
    return fail('playwright-core is not installed in the repository: run `npm ci` first');
  }
});

// 3. code-server, cached in its own little npm project. The marker is written last, so an interrupted
//    install is redone rather than trusted.
step(`code-server ${CODE_SERVER_VERSION}`, () => {
  if (codeServerCached()) return `cached in ${path.relative(ROOT, CACHE_DIR)}`;
  rmSync(MARKER, { force: true });
  mkdirSync(CACHE_DIR, { recursive: true });
  writeFileSync(
    path.join(CACHE_DIR, 'package.json'),
    JSON.stringify(
      {
        name: 'mwchain-vscode-e2e-code-server',
        private: true,
        description: 'Cache of code-server for scripts/vscode-e2e; written by install.mjs',
        dependencies: { 'code-server': CODE_SERVER_VERSION },
      },
      null,
      2,
    ) + '\n',
  );
  // @vscode/ripgrep's postinstall downloads rg from GitHub, which is unreachable here; it skips the
  // download when its cache in $TMPDIR already holds the release tarball, so put Debian's rg there.
  const tmp = path.join(CACHE_DIR, '.tmp');
  const rgCache = path.join(tmp, RIPGREP_CACHE);
  mkdirSync(rgCache, { recursive: true });
  const arch = { x64: 'x86_64', arm64: 'aarch64' }[process.arch] ?? process.arch;
  const tarball = path.join(rgCache, `${RIPGREP_ASSET}-${arch}-unknown-linux-musl.tar.gz`);
  if (!existsSync(tarball)) {
    if (!existsSync('/usr/bin/rg')) fail('/usr/bin/rg missing (Debian package ripgrep)');
    const r = sh('tar', ['-czf', tarball, '-C', '/usr/bin', 'rg']);
    if (r.status !== 0) fail(`could not pack /usr/bin/rg for @vscode/ripgrep: ${lastLine(r.stderr)}`);
  }
  const log = path.join(CACHE_DIR, 'npm-install.log');
  const r = sh('npm', ['install', '--no-audit', '--no-fund', '--no-save', '--loglevel', 'error'], {
    cwd: CACHE_DIR,
    env: {
      ...process.env,
      TMPDIR: tmp,
      npm_config_unsafe_perm: 'true', // --unsafe-perm alone is not enough on npm 11 as root
      npm_config_yes: 'true', // node-pty's build runs `npx node-gyp`, which would otherwise prompt
      npm_config_update_notifier: 'false',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  });
  writeFileSync(log, `${r.stdout ?? ''}\n${r.stderr ?? ''}`);
  if (r.status !== 0 || !existsSync(CODE_SERVER_BIN)) {
    const why = lastLine(
      (r.stderr ?? '')
        .split('\n')
        .filter((l) => /ERR|error/i.test(l))
        .join('\n'),
    );
    fail(`npm install code-server@${CODE_SERVER_VERSION} failed (exit ${r.status}): ${why || 'see ' + log}`);
  }
  // A first start writes a default config.yaml under $XDG_CONFIG_HOME (and says so on stdout): keep it
  // out of the real home.
  const home = path.join(tmp, 'home');
  const v = sh(process.execPath, [CODE_SERVER_BIN, '--version'], {
    env: {
      ...process.env,
      HOME: home,
      XDG_CONFIG_HOME: path.join(home, '.config'),
      XDG_DATA_HOME: path.join(home, '.local/share'),
    },
  });
  const versionLine = (v.stdout ?? '').split('\n').find((l) => l.startsWith(CODE_SERVER_VERSION + ' '));
  if (v.status !== 0 || !versionLine) {
    fail(
      `installed code-server does not start (exit ${v.status ?? v.signal}): ${lastLine(v.stderr || v.stdout)}`,
    );
  }
  writeFileSync(MARKER, CODE_SERVER_VERSION + '\n');
  return `installed into ${path.relative(ROOT, CACHE_DIR)} (${versionLine})`;
});

console.log(`[vscode-e2e install] ready (${((Date.now() - t0) / 1000).toFixed(1)}s)`);
