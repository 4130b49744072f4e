// Runs extension tests inside a real VS Code: code-server (installed by install.mjs) on a free loopback
// port, its workbench opened in Debian's headless chromium through playwright-core, the tests passed as
// extensionTestsPath in the workbench URL's payload. Recipe: shared/VSCODE-E2E.md.
//
// usage: node scripts/vscode-e2e/run.mjs --workspace <dir> --tests <module> [--screenshot <name>]
//                                        [--timeout <seconds>] [--keep]
//   --tests      a tests module exporting run(): Promise<void>; a .ts file is bundled with esbuild first
//   --workspace  the folder the workbench opens
//   --screenshot name of test-results/vscode/<name>.png, taken after the tests (default: the module name)
//   --timeout    seconds to wait for the tests to finish (default 120)
//   --extension  the extension under development (default: this repository, built by scripts/build.mjs)
//   --verbose    print every workbench/browser console message (else only when a suite fails)
//   --keep       keep the temp dir (code-server log, user data) and print where it is
// Repeat --tests (and --workspace) to run several suites in one code-server start, one browser page each:
// a --tests uses the latest --workspace before it (or the first one after it), a --screenshot names the
// latest --tests before it. The exit code is 0 when every suite passed, else the first failing one's.
import { spawn } from 'node:child_process';
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { CHROMIUM, CHROMIUM_ARGS, CODE_SERVER_BIN, codeServerArgs, ROOT } from './paths.mjs';

const t0 = Date.now();
const secs = (since) => `${((Date.now() - since) / 1000).toFixed(1)}s`;
const say = (line) => console.log(`[vscode-e2e] ${line}`);
const usage = (why) => {
  console.error(`run.mjs: ${why}`);
  console.error(
    'usage: node scripts/vscode-e2e/run.mjs --workspace <dir> --tests <module> [--screenshot <name>] [--timeout <s>] [--extension <dir>] [--keep] [--verbose]',
  );
  process.exit(2);
};

// ---- arguments ------------------------------------------------------------------------------------
const suites = [];
let workspace;
let timeoutSec = 120;
let keep = false;
let verbose = false;
let extensionDir = ROOT;
{
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    const key = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) usage(`${key} needs a value`);
      return argv[++i];
    };
    if (key === '--tests') suites.push({ tests: path.resolve(value()), workspace });
    else if (key === '--workspace') {
      workspace = path.resolve(value());
      for (const s of suites) s.workspace ??= workspace;
    } else if (key === '--screenshot') {
      const last = suites.at(-1);
      if (!last || last.screenshot) usage('--screenshot must follow the --tests it names');
      last.screenshot = value();
    } else if (key === '--timeout') timeoutSec = Number(value());
    else if (key === '--keep') keep = true;
    else if (key === '--verbose') verbose = true;
    else if (key === '--extension') extensionDir = path.resolve(value());
    else usage(`unknown argument ${key}`);
  }
  if (suites.length === 0) usage('--tests is required');
  if (!(timeoutSec > 0)) usage('--timeout must be a positive number of seconds');
  for (const s of suites) {
    if (!s.workspace) usage(`no --workspace for ${s.tests}`);
    if (!existsSync(s.workspace)) usage(`workspace ${s.workspace} does not exist`);
    if (!existsSync(s.tests)) usage(`tests module ${s.tests} does not exist`);
    s.name ??=
      s.screenshot ??
      path
        .basename(s.tests)
        .replace(/\.[cm]?[jt]s$/, '')
        .replace(/\.e2e$/, '');
  }
}
if (!existsSync(CODE_SERVER_BIN)) {
  console.error('run.mjs: code-server is not installed: run node scripts/vscode-e2e/install.mjs');
  process.exit(1);
}
const manifest = JSON.parse(readFileSync(path.join(extensionDir, 'package.json'), 'utf8'));
if (!existsSync(path.join(extensionDir, manifest.main))) {
  console.error(
    `run.mjs: ${path.join(extensionDir, manifest.main)} is missing: run node scripts/build.mjs first`,
  );
  process.exit(1);
}

// ---- cleanup, whatever happens ----------------------------------------------------------------------
const tmp = mkdtempSync(path.join(os.tmpdir(), 'mwchain-vscode-e2e-'));
let server; // code-server's child process (its own process group)
let browser;
let cleanedUp = false;
async function cleanup() {
  if (cleanedUp) return;
  cleanedUp = true;
  await browser?.close().catch(() => {});
  await stopServer();
  if (keep) say(`kept ${tmp}`);
  else rmSync(tmp, { recursive: true, force: true });
}
async function stopServer() {
  if (!server || server.exitCode !== null || server.signalCode !== null) return;
  const exited = new Promise((r) => server.once('exit', r));
  // code-server forks a server process, which starts extension hosts, a pty host and file watchers: they
  // all share the process group of the one we spawned (detached), so signal the group by its id.
  const killGroup = (sig) => {
    try {
      process.kill(-server.pid, sig);
    } catch {
      // already gone
    }
  };
  killGroup('SIGTERM');
  const timer = setTimeout(() => killGroup('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
  killGroup('SIGKILL'); // stragglers that ignored SIGTERM after the leader exited
}
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.once(sig, () => {
    say(`${sig}: stopping`);
    void cleanup().finally(() => process.exit(130));
  });
}
// A bug in this script must not leave code-server (a detached process group) running.
for (const ev of ['uncaughtException', 'unhandledRejection']) {
  process.once(ev, (e) => {
    console.error(`[vscode-e2e] FAILED (${ev}): ${e instanceof Error ? e.stack : e}`);
    void cleanup().finally(() => process.exit(1));
  });
}

try {
  process.exitCode = await main();
} catch (e) {
  console.error(`[vscode-e2e] FAILED: ${e instanceof Error ? e.message : e}`);
  process.exitCode = 1;
} finally {
  await cleanup();
  say(`done in ${secs(t0)}, exit ${process.exitCode}`);
}

// ---- the run ---------------------------------------------------------------------------------------
async function main() {
  // Bundle .ts test modules (vscode stays external: the extension host provides it).
  let start = Date.now();
  const outDir = path.join(tmp, 'tests');
  const toBundle = suites.filter((s) => /\.[cm]?ts$/.test(s.tests));
  if (toBundle.length) {
    const { build } = await import('esbuild');
    for (const [i, s] of toBundle.entries()) {
      const outfile = path.join(outDir, `${i}-${s.name}.js`);
      await build({
        entryPoints: [s.tests],
        outfile,
        bundle: true,
        platform: 'node',
        format: 'cjs',
        target: 'node20',
        external: ['vscode'],
        sourcemap: 'inline',
        logLevel: 'warning',
      });
      s.module = outfile;
    }
    say(`bundled ${toBundle.length} tests module(s) (${secs(start)})`);
  }
  for (const s of suites) s.module ??= s.tests;

  // A throwaway home, user data and extensions dir: nothing of the machine's VS Code state leaks in.
  const dirs = {};
  for (const d of [
    'home',
    'tmp',
    'xdg-config',
    'xdg-data',
    'xdg-cache',
    'xdg-state',
    'user-data',
    'extensions',
  ]) {
    dirs[d] = path.join(tmp, d);
    mkdirSync(dirs[d], { recursive: true });
  }
  mkdirSync(path.join(dirs['user-data'], 'User'), { recursive: true });
  writeFileSync(
    path.join(dirs['user-data'], 'User', 'settings.json'),
    JSON.stringify(
      {
        // The fixtures live inside this repository: the git extension must not run git in it (an
        // index.lock taken by a background `git status` would break a developer's own git command).
        'git.enabled': false,
        'git.autoRepositoryDetection': false,
        'workbench.startupEditor': 'none',
        'workbench.tips.enabled': false,
        'workbench.enableExperiments': false,
        'extensions.autoCheckUpdates': false,
        'extensions.autoUpdate': false,
        'extensions.ignoreRecommendations': true,
        'telemetry.telemetryLevel': 'off',
        'update.mode': 'none',
        'npm.autoDetect': 'off',
        'typescript.disableAutomaticTypeAcquisition': true,
      },
      null,
      2,
    ),
  );
  const env = {
    ...process.env,
    HOME: dirs.home,
    XDG_CONFIG_HOME: dirs['xdg-config'],
    XDG_DATA_HOME: dirs['xdg-data'],
    XDG_CACHE_HOME: dirs['xdg-cache'],
    XDG_STATE_HOME: dirs['xdg-state'],
    TMPDIR: dirs.tmp, // code-server's IPC sockets (vscode-ipc-*.sock) go here and are removed with it
    MWCHAIN_E2E_LOG: path.join(tmp, 'tests.log'), // the harness appends its lines here (test/vscode/harness.ts)
    MWCHAIN_E2E_CONTROL: path.join(tmp, 'control'), // and asks for screenshots here
  };
  mkdirSync(env.MWCHAIN_E2E_CONTROL);
  delete env.NODE_OPTIONS; // e.g. --import tsx from a parent test runner: not for code-server
  writeFileSync(env.MWCHAIN_E2E_LOG, '');

  start = Date.now();
  const port = await startServer(env);
  say(`code-server on 127.0.0.1:${port} (${secs(start)})`);

  start = Date.now();
  const { chromium } = await import('playwright-core');
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    env,
    args: CHROMIUM_ARGS,
  });
  say(`chromium ${browser.version()} (${secs(start)})`);

  let exitCode = 0;
  for (const s of suites) {
    const code = await runSuite(s, port, env);
    if (code !== 0 && exitCode === 0) exitCode = code;
  }
  return exitCode;
}

async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function startServer(env) {
  const log = path.join(tmp, 'code-server.log');
  // The port is free when asked but could be taken before code-server binds it: then try another.
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    appendFileSync(log, `--- attempt ${attempt}, port ${port}\n`);
    server = spawn(
      process.execPath,
      [
        CODE_SERVER_BIN,
        ...codeServerArgs(port),
        '--disable-getting-started-override',
        '--user-data-dir',
        path.join(tmp, 'user-data'),
        '--extensions-dir',
        path.join(tmp, 'extensions'),
      ],
      { env, cwd: tmp, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    server.stdout.on('data', (d) => appendFileSync(log, d));
    server.stderr.on('data', (d) => appendFileSync(log, d));
    const exited = new Promise((r) => server.once('exit', (code, sig) => r(`exited (${code ?? sig})`)));
    const healthy = (async () => {
      const end = Date.now() + 30_000;
      while (Date.now() < end) {
        try {
          const res = await fetch(`http://127.0.0.1:${port}/healthz`);
          if (res.ok) return 'ok';
        } catch {
          // not listening yet
        }
        await new Promise((r) => setTimeout(r, 200));
      }
      return 'no answer on /healthz within 30 s';
    })();
    const outcome = await Promise.race([healthy, exited]);
    if (outcome === 'ok') return port;
    await stopServer();
    const tail = readFileSync(log, 'utf8').trim().split('\n').slice(-15).join('\n');
    if (attempt >= 3) throw new Error(`code-server did not start: ${outcome}\n${tail}`);
    say(`code-server ${outcome} on port ${port}, retrying`);
  }
}

async function runSuite(s, port, env) {
  const start = Date.now();
  const logFile = env.MWCHAIN_E2E_LOG;
  const logOffset = readFileSync(logFile).length;
  const remote = (p) => `vscode-remote://127.0.0.1:${port}${p}`;
  const payload = [
    ['extensionDevelopmentPath', remote(extensionDir)],
    ['extensionTestsPath', remote(s.module)],
    ['skipWelcome', 'true'],
    ['skipReleaseNotes', 'true'],
  ];
  const url =
    `http://127.0.0.1:${port}/?folder=${encodeURIComponent(s.workspace)}` +
    `&payload=${encodeURIComponent(JSON.stringify(payload))}`;

  say(`suite ${s.name}: ${path.relative(ROOT, s.tests)} on ${path.relative(ROOT, s.workspace) || '.'}`);
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  // What the workbench logs (its own log service) and what the page prints: shown only when a suite
  // fails or times out (or with --verbose), as they are noisy (open-vsx lookups and the like).
  const noise = [];
  await page.exposeFunction('codeAutomationLog', (type, message) =>
    noise.push(`[workbench ${type}] ${message}`),
  );
  page.on('console', (m) => noise.push(`[console ${m.type()}] ${m.text()}`));
  page.on('pageerror', (e) => noise.push(`[page error] ${e.message}`));

  // Screenshots. Once run() settles the workbench stops the extension host, which takes the extension's
  // views and output channels away, so the harness asks for them while the tests still run: it writes
  // <control>/<id>.json ({ name }) and waits for <id>.json.done (test/vscode/harness.ts).
  const shotsDir = path.join(ROOT, 'test-results', 'vscode');
  mkdirSync(shotsDir, { recursive: true });
  const shots = [];
  const takeShot = async (file) => {
    await new Promise((r) => setTimeout(r, 300)); // let the last render land
    await page.screenshot({ path: file }).then(
      () => shots.push(path.relative(ROOT, file)),
      (e) => say(`no screenshot ${path.relative(ROOT, file)}: ${e.message}`),
    );
  };
  // Requests left by an earlier suite's extension host are not this suite's.
  rmSync(env.MWCHAIN_E2E_CONTROL, { recursive: true, force: true });
  mkdirSync(env.MWCHAIN_E2E_CONTROL);
  const handled = new Set();
  let polling = false;
  const poll = async () => {
    if (polling) return;
    polling = true;
    try {
      for (const f of readdirSync(env.MWCHAIN_E2E_CONTROL).filter((f) => f.endsWith('.json'))) {
        if (handled.has(f)) continue;
        handled.add(f);
        const request = path.join(env.MWCHAIN_E2E_CONTROL, f);
        let name, showing;
        try {
          ({ name, showing } = JSON.parse(readFileSync(request, 'utf8')));
        } catch {
          handled.delete(f); // still being written
          continue;
        }
        const file = name ? String(name).replace(/[^\w.-]+/g, '-') : (s.screenshot ?? s.name);
        // the workbench renders a view some time after its data changed: the shot waits for it
        const shown =
          typeof showing === 'string'
            ? await page
                .waitForFunction((text) => globalThis.document.body.innerText.includes(text), showing, {
                  timeout: 10_000,
                })
                .then(
                  () => 'shown',
                  () => 'not shown',
                )
            : '';
        await takeShot(path.join(shotsDir, `${file}.png`));
        writeFileSync(request + '.done', shown);
      }
    } finally {
      polling = false;
    }
  };
  const poller = setInterval(
    () => void poll().catch((e) => say(`screenshot request failed: ${e.message}`)),
    150,
  );

  let timer;
  const result = await new Promise((resolve) => {
    timer = setTimeout(() => resolve({ timedOut: true }), timeoutSec * 1000);
    void page
      .exposeFunction('codeAutomationExit', (code) => {
        resolve({ code: Number(code) });
      })
      .then(() => page.goto(url, { waitUntil: 'domcontentloaded' }))
      .catch((e) => resolve({ error: e }));
  });
  clearTimeout(timer);
  clearInterval(poller);
  while (polling) await new Promise((r) => setTimeout(r, 50));

  const lines = readFileSync(logFile).subarray(logOffset).toString('utf8').trimEnd();
  if (lines) console.log(lines);
  let code;
  if (result.timedOut) {
    console.log(`[vscode-e2e] suite ${s.name}: TIMED OUT after ${timeoutSec} s`);
    code = 1;
  } else if (result.error) {
    console.log(`[vscode-e2e] suite ${s.name}: could not open the workbench: ${result.error.message}`);
    code = 1;
  } else {
    code = result.code;
    if (!lines) console.log(`[vscode-e2e] suite ${s.name}: the tests module logged nothing`);
  }
  if (verbose) {
    console.log(`[vscode-e2e] workbench/browser messages:`);
    console.log(noise.join('\n'));
  } else if (code !== 0 && noise.length) {
    console.log(`[vscode-e2e] last workbench/browser messages (all with --verbose):`);
    console.log(noise.slice(-40).join('\n'));
  }

  // A module that did not ask for its screenshot (not written with the harness, or timed out) gets
  // one now, of whatever the workbench shows after the tests.
  const main = path.join(shotsDir, `${s.screenshot ?? s.name}.png`);
  if (!shots.includes(path.relative(ROOT, main))) await takeShot(main);
  for (const shot of shots) say(`screenshot ${shot}`);
  await page.close().catch(() => {});
  say(`suite ${s.name}: exit ${code} (${secs(start)})`);
  return code;
}
