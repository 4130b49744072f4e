// Runs a fixture app in a child process, with or without the runtime agent (dist/agent.js,
// built by `npm test` before the suites), and talks to it over real HTTP on 127.0.0.1. The app
// prints `PORT <n>` once it listens. Trace lines are read back from the MWCHAIN_TRACE file.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import type { TraceEvent } from '../../src/protocol/agent-messages';

export const ROOT = path.resolve(__dirname, '../..');
export const AGENT = path.join(ROOT, 'dist', 'agent.js');
export const FIXTURES = path.join(ROOT, 'test', 'fixtures');
const START_TIMEOUT_MS = 10_000;

export interface AppOptions {
  /** Path of the app relative to test/fixtures. */
  app: string;
  /** Preload the agent (default true). */
  agent?: boolean;
  /** Write a trace file (default true when the agent is on). */
  trace?: boolean;
  env?: Record<string, string>;
  /** Extra node arguments before the app (e.g. `--import tsx`). */
  nodeArgs?: string[];
}

export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export class RunningApp {
  stdout = '';
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private constructor(
    readonly child: ChildProcess,
    readonly port: number,
    readonly traceFile: string | undefined,
    private readonly tempDir: string,
  ) {
    this.exited = new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) {
        resolve({ code: child.exitCode, signal: child.signalCode });
      } else child.once('exit', (code, signal) => resolve({ code, signal }));
    });
  }

  static async start(options: AppOptions): Promise<RunningApp> {
    if (options.agent !== false && !existsSync(AGENT)) {
      throw new Error(`${AGENT} is missing: run \`node scripts/build.mjs\` first`);
    }
    const tempDir = mkdtempSync(path.join(os.tmpdir(), 'mwchain-agent-test-'));
    const useAgent = options.agent !== false;
    const traceFile = useAgent && options.trace !== false ? path.join(tempDir, 'trace.jsonl') : undefined;
    // the test runner's own NODE_OPTIONS (tsx) is not the app's
    const env: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: '', NODE_ENV: 'test', ...options.env };
    if (traceFile) env.MWCHAIN_TRACE = traceFile;
    const args = [
      ...(useAgent ? ['--require', AGENT] : []),
      ...(options.nodeArgs ?? []),
      path.join(FIXTURES, options.app),
    ];
    const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(child);
    child.once('exit', () => running.delete(child));
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8');
    child.stderr!.setEncoding('utf8');
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${options.app} did not start:\n${stderr}`)),
        START_TIMEOUT_MS,
      );
      child.stdout!.on('data', (chunk: string) => {
        stdout += chunk;
        const match = /PORT (\d+)/.exec(stdout);
        if (match) {
          clearTimeout(timer);
          resolve(Number(match[1]));
        }
      });
      child.stderr!.on('data', (chunk: string) => (stderr += chunk));
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${options.app} exited (${code}) before listening:\n${stderr}`));
      });
    });
    const app = new RunningApp(child, port, traceFile, tempDir);
    app.stdout = stdout;
    app.stderr = stderr;
    child.stdout!.on('data', (chunk: string) => (app.stdout += chunk));
    child.stderr!.on('data', (chunk: string) => (app.stderr += chunk));
    return app;
  }

  request(
    method: string,
    urlPath: string,
    options: { timeoutMs?: number; headers?: http.OutgoingHttpHeaders; body?: string } = {},
  ): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const req = http.request(
        { host: '127.0.0.1', port: this.port, method, path: urlPath, headers: options.headers, agent: false },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (body += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
          res.on('error', reject);
        },
      );
      req.setTimeout(options.timeoutMs ?? 3000, () =>
        req.destroy(new Error(`timeout: ${method} ${urlPath}`)),
      );
      req.on('error', reject);
      req.end(options.body);
    });
  }

  get(urlPath: string, options?: { timeoutMs?: number }): Promise<Reply> {
    return this.request('GET', urlPath, options);
  }

  /** Sends a request and gives up on it after `ms` (the client aborts). */
  abandon(urlPath: string, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const req = http.get({ host: '127.0.0.1', port: this.port, path: urlPath, agent: false });
      req.on('error', () => resolve());
      setTimeout(() => {
        req.destroy();
        resolve();
      }, ms);
    });
  }

  /** The trace so far; the agent writes each turn of the event loop, so wait for `until`. */
  async events(until?: (events: TraceEvent[]) => boolean, timeoutMs = 4000): Promise<TraceEvent[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const events = this.readTrace();
      if (!until || until(events) || Date.now() > deadline) return events;
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  readTrace(): TraceEvent[] {
    if (!this.traceFile || !existsSync(this.traceFile)) return [];
    const text = readFileSync(this.traceFile, 'utf8');
    // a write may be under way: only whole lines count
    return text
      .slice(0, text.lastIndexOf('\n') + 1)
      .split('\n')
      .filter((line) => line.trim())
      .map((line) => JSON.parse(line) as TraceEvent);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    await this.exited;
    rmSync(this.tempDir, { recursive: true, force: true });
  }
}

export function findings(events: TraceEvent[]): Extract<TraceEvent, { type: 'finding' }>[] {
  return events.filter((e): e is Extract<TraceEvent, { type: 'finding' }> => e.type === 'finding');
}

/** `enter`/`exit` lines of one request as `name:outcome` steps, `>name` for entries. */
export function walk(events: TraceEvent[], rid: number): string[] {
  const steps: string[] = [];
  for (const e of events) {
    if (!('rid' in e) || e.rid !== rid) continue;
    if (e.type === 'enter') steps.push(`>${e.name}`);
    else if (e.type === 'exit') steps.push(`${e.name}:${e.outcome}`);
    else if (e.type === 'error') steps.push(`error ${e.from}->${e.to}`);
    else if (e.type === 'finish') steps.push(`finish ${e.status}`);
  }
  return steps;
}

/** The rid of the request to `url` (the first one, unless `nth`). */
export function ridOf(events: TraceEvent[], method: string, url: string, nth = 0): number {
  const requests = events.filter(
    (e): e is Extract<TraceEvent, { type: 'request' }> =>
      e.type === 'request' && e.method === method && e.url === url,
  );
  const request = requests[nth];
  if (!request) throw new Error(`no request ${method} ${url} in the trace`);
  return request.rid;
}

/**
 * Runs an app whose GET /timer-throws answers 'scheduled' and then throws 'cleanup failed' from
 * a timer, and checks that Node dies of it as it always does (code 1, the error on stderr).
 * Returns the findings the trace kept and the app's stderr.
 */
export async function dieOfTimerThrow(
  options: AppOptions,
): Promise<{ found: ReturnType<typeof findings>; stderr: string }> {
  const app = await RunningApp.start(options);
  try {
    assert.equal((await app.get('/timer-throws')).body, 'scheduled');
    const { code, signal } = await app.exited;
    assert.deepEqual({ code, signal }, { code: 1, signal: null });
    assert.match(app.stderr, /Error: cleanup failed/);
    return { found: findings(app.readTrace()), stderr: app.stderr };
  } finally {
    await app.stop();
  }
}

/** The `enter` event of `name` in request `rid`; fails when there is none. */
export function entered(
  events: TraceEvent[],
  rid: number,
  name: string,
): Extract<TraceEvent, { type: 'enter' }> {
  const enter = events.find(
    (e): e is Extract<TraceEvent, { type: 'enter' }> =>
      e.type === 'enter' && e.rid === rid && e.name === name,
  );
  assert.ok(enter, `${name} entered in request ${rid}`);
  return enter;
}
