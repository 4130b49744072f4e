// A tiny test runner for modules that run inside VS Code's extension host (scripts/vscode-e2e/run.mjs
// bundles them and passes them as extensionTestsPath). Each test is a named async function; they run in
// order, each result is logged as "ok N name" / "not ok N name", then "N passed, M failed". The returned
// run() rejects when any test failed, which makes the workbench report exit code 1.
import { appendFileSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

export interface E2ETest {
  name: string;
  fn: () => Promise<void> | void;
  /** Milliseconds before the test counts as failed; 30 s unless given. */
  timeout?: number;
}

// run.mjs points this at a file it prints after the run: the extension host's own console goes to the
// browser's console only in part, so the file is the dependable channel.
const LOG_FILE = process.env.MWCHAIN_E2E_LOG;
const CONTROL_DIR = process.env.MWCHAIN_E2E_CONTROL;
let shotCount = 0;

export function log(line: string): void {
  console.log(line);
  if (LOG_FILE) appendFileSync(LOG_FILE, line + '\n');
}

/**
 * Asks run.mjs for a screenshot of the workbench as it is now, and waits until it is taken (at most
 * 15 s, 25 with `showing`): test-results/vscode/<name>.png. Without a name it is the suite's own (run.mjs --screenshot,
 * else the module's name), which suite() takes after the last test, while the extension host still runs.
 * With `showing`, run.mjs first waits (at most 10 s) for that text to be on the page, outside
 * webviews: what the extension's API returned must also be what a user sees. Resolves to whether
 * it was shown, or undefined when not asked or not run by run.mjs (then it does nothing).
 */
export async function screenshot(name?: string, showing?: string): Promise<boolean | undefined> {
  if (!CONTROL_DIR) return undefined;
  const request = path.join(CONTROL_DIR, `${process.pid}-${++shotCount}.json`);
  writeFileSync(request + '.tmp', JSON.stringify({ name: name ?? null, showing: showing ?? null }));
  // rename() makes the request appear complete: run.mjs never reads a half-written file.
  renameSync(request + '.tmp', request);
  const waitS = showing === undefined ? 15 : 25;
  const end = Date.now() + waitS * 1000;
  while (!existsSync(request + '.done')) {
    if (Date.now() > end) {
      log(`  # screenshot ${name ?? ''} not taken within ${waitS} s`);
      return undefined;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  if (showing === undefined) return undefined;
  return readFileSync(request + '.done', 'utf8') === 'shown';
}

const indent = (text: string) =>
  text
    .split('\n')
    .map((l) => '  # ' + l)
    .join('\n');

async function withTimeout(test: E2ETest): Promise<void> {
  const ms = test.timeout ?? 30_000;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      Promise.resolve().then(test.fn),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Runs the tests in order; a failure does not stop the ones after it. */
export function suite(title: string, tests: E2ETest[]): () => Promise<void> {
  return async () => {
    log(`# ${title}`);
    let passed = 0;
    let failed = 0;
    for (const [i, test] of tests.entries()) {
      const start = Date.now();
      try {
        await withTimeout(test);
        passed++;
        log(`ok ${i + 1} ${test.name} (${Date.now() - start} ms)`);
      } catch (e) {
        failed++;
        log(`not ok ${i + 1} ${test.name} (${Date.now() - start} ms)`);
        log(indent(e instanceof Error ? (e.stack ?? e.message) : String(e)));
      }
    }
    await screenshot();
    log(`${passed} passed, ${failed} failed`);
    if (failed > 0) throw new Error(`${failed} of ${tests.length} tests failed`);
  };
}

/** Polls until check() returns a value other than undefined, or throws the last reason after timeout. */
export async function eventually<T>(
  what: string,
  check: () => T | undefined | Promise<T | undefined>,
  timeout = 10_000,
): Promise<T> {
  const end = Date.now() + timeout;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`${what}: not seen within ${timeout} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
