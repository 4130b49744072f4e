// For the MWCHAIN_BREAK tests (breaks*.test.ts): an inspector (the shared CDP client) that either
// hands out each pause (`nextPause`) or records every pause with the `info` of `mwchainBreak`
// and resumes it at once (`recording`), so requests go on to their responses; and scenarios: a request, the pauses it must cause with every break mode on, and
// the trace events that show the event happened even when its mode is off.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import type { BreakKind, RuntimeLoc, TraceEvent } from '../../src/protocol/agent-messages';
import { BREAK_KINDS } from '../../src/agent/config';
import { FIXTURES, findings, ridOf, RunningApp, walk } from '../support/agent-app';
import { CdpClient, type Paused } from '../support/cdp-client';

export type { Paused };

/** `info` of a pause in mwchainBreak, as plain JSON; `error` reduced to what the tests compare. */
export interface BreakSnapshot {
  kind: string;
  method: string;
  url: string;
  middleware: { name: string; definedAt: RuntimeLoc };
  error?: { message: string; isError: boolean };
  throwSite?: RuntimeLoc;
  chain: { name: string; definedAt: RuntimeLoc; outcome?: string }[];
}

/** One pause the recorder saw (and resumed). */
export interface RecordedPause {
  functionName: string;
  reason: string;
  /** Names of the top frame's local scope, as the Variables view lists them. */
  locals: string[];
  info?: BreakSnapshot;
}

const SNAPSHOT = `JSON.stringify({
  kind: info.kind, method: info.method, url: info.url, middleware: info.middleware,
  error: info.error === undefined ? undefined
    : { message: String(info.error && info.error.message), isError: info.error instanceof Error },
  throwSite: info.throwSite, chain: info.chain })`;

/**
 * The CDP client of the break tests. With `recording`, every pause is recorded (with the `info`
 * of mwchainBreak and the locals) and resumed at once; else pauses queue for `nextPause`.
 */
export class Inspector {
  /** Every pause so far, in recording mode. */
  readonly recorded: RecordedPause[] = [];
  private recordings = Promise.resolve();
  private client!: CdpClient;

  static async attach(stderr: () => string, { recording = false } = {}): Promise<Inspector> {
    const inspector = new Inspector();
    inspector.client = await CdpClient.attach(
      stderr,
      recording
        ? (paused) => (inspector.recordings = inspector.recordings.then(() => inspector.record(paused)))
        : undefined,
    );
    return inspector;
  }

  send(method: string, params: object = {}): Promise<unknown> {
    return this.client.send(method, params);
  }

  nextPause(timeoutMs = 4000): Promise<Paused> {
    return this.client.nextPause(timeoutMs);
  }

  get pausedCount(): number {
    return this.client.queuedPauses;
  }

  evaluate(paused: Paused, expression: string): Promise<unknown> {
    return this.client.evaluate(paused, expression);
  }

  /** The recorded pauses from index `from` on, once the ones under way are recorded. */
  async pausesSince(from: number): Promise<RecordedPause[]> {
    await this.recordings;
    return this.recorded.slice(from);
  }

  /** Waits until `count` pauses are recorded (or `timeoutMs` passed); the pauses from `from` on. */
  async waitForPauses(from: number, count: number, timeoutMs = 3000): Promise<RecordedPause[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.recorded.length - from < count && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 10));
    }
    return this.pausesSince(from);
  }

  private async record(paused: Paused): Promise<void> {
    const top = paused.callFrames[0];
    const pause: RecordedPause = { functionName: top?.functionName ?? '', reason: paused.reason, locals: [] };
    try {
      const local = top?.scopeChain.find((s) => s.type === 'local');
      if (local) pause.locals = await this.client.scopeNames(local);
      if (pause.functionName === 'mwchainBreak') {
        pause.info = JSON.parse(String(await this.evaluate(paused, SNAPSHOT))) as BreakSnapshot;
      }
    } finally {
      this.recorded.push(pause);
      await this.send('Debugger.resume').catch(() => undefined);
    }
  }

  close(): void {
    this.client.close();
  }
}

/** A recorded pause in short: `kind name` for mwchainBreak, else the function and the reason. */
export function describePause(p: RecordedPause): string {
  return p.info
    ? `${p.info.kind} ${p.info.middleware.name} (${p.info.method} ${p.info.url})`
    : `${p.functionName || '(anonymous)'}: ${p.reason}`;
}

/**
 * Where `function name(` is written in `file`: line and column (1-based) of the parameter list,
 * which is where V8 places a function, so what `definedAt` must say.
 */
export function functionAt(file: string, name: string): RuntimeLoc {
  return positionOf(file, `function ${name}(`, `function ${name}`.length);
}

/** Line and column (1-based) of `needle` in `file`, plus `offset` characters; it must occur once. */
export function positionOf(file: string, needle: string, offset = 0): RuntimeLoc {
  const lines = readFileSync(file, 'utf8').split('\n');
  const hits = lines.flatMap((text, i) => (text.includes(needle) ? [i] : []));
  if (hits.length !== 1) throw new Error(`${needle} occurs ${hits.length} times in ${file}`);
  return { file, line: hits[0] + 1, column: lines[hits[0]].indexOf(needle) + offset + 1 };
}

// ---- scenarios ---------------------------------------------------------------------------------

export const FINDING_KINDS: readonly BreakKind[] = [
  'unterminated-middleware',
  'double-response',
  'unhandled-async-error',
  'unawaited-next',
  'escaping-async-throw',
];

/** The hang watch's limit in these tests: a request stopped this long is `unterminated-middleware`. */
export const HANG_MS = 300;

export interface ExpectedPause {
  kind: BreakKind;
  /** The middleware `info` names, defined as `function <name>(` in the app's file. */
  middleware: string;
  /** `info.chain` as `name:outcome`, `name:running` for invocations that have not left. */
  chain: string[];
  /** `info.error.message`; absent: `info` has no error. */
  error?: string;
  /** Where the error was made: this text in the app's file, else a file path matching this. */
  throwAt?: string | RegExp;
}

export interface Scenario {
  path: string;
  /** The status of the answer; absent: no answer comes, and the client gives up. */
  status?: number;
  /** The process dies of it (after its pause, if one is due). */
  dies?: boolean;
  /** The pauses with every break mode on, in order; with fewer modes, those of their kinds. */
  pauses: ExpectedPause[];
  /** The request's `error` events in the trace, as `from->to`: every hop of the error, paused for or not. */
  errors: string[];
}

/** A request that crosses no middleware boundary; it must never pause, whatever the modes. */
export interface QuietRequest {
  path: string;
  status: number;
  body?: RegExp;
  /** How middleware left, as `walk` shows them (`name:outcome`), all in the trace of the request. */
  steps: string[];
  /** Middleware that must not have run. */
  skipped?: string[];
}

/** The sets of break modes each app runs with: every kind, and each half of them off. */
export const MODES: { label: string; env: string; kinds: readonly BreakKind[] }[] = [
  { label: 'all', env: 'all', kinds: BREAK_KINDS },
  { label: 'crossing (finding kinds off)', env: 'crossing', kinds: ['crossing'] },
  { label: 'finding kinds (crossing off)', env: FINDING_KINDS.join(','), kinds: FINDING_KINDS },
];

/** One framework (version) the app runs on, with what it must do there. */
export interface Variant {
  framework: string;
  /** The environment that picks the framework package. */
  env: Record<string, string>;
  quiet: QuietRequest[];
  scenarios: Scenario[];
}

/**
 * A suite per variant and set of MODES, each with its own app (`app`, relative to test/fixtures)
 * under a debugger: with every mode on, the quiet requests never pause; in every set, each
 * scenario pauses for exactly its expected pauses of the kinds turned on. The apps run side by
 * side; each suite's tests run in order (the scenario that kills the process last).
 */
export function breakSuites(title: string, app: string, variants: Variant[]): void {
  const file = path.join(FIXTURES, app);
  describe(title, { concurrency: true }, () => {
    for (const variant of variants) {
      for (const mode of MODES) {
        describe(`${variant.framework}, MWCHAIN_BREAK=${mode.label}`, { concurrency: 1 }, () => {
          let running: RunningApp;
          let inspector: Inspector;
          before(async () => {
            ({ app: running, inspector } = await startWithDebugger(app, {
              ...variant.env,
              MWCHAIN_BREAK: mode.env,
            }));
          });
          after(async () => {
            inspector?.close();
            await running?.stop();
          });
          if (mode.env === 'all') {
            test('requests that cross no boundary never pause, whatever is thrown and caught on the way', () =>
              checkQuiet(running, inspector, variant.quiet));
          }
          const kinds = new Set(mode.kinds);
          for (const scenario of variant.scenarios) {
            const due = scenario.pauses.filter((p) => kinds.has(p.kind)).map((p) => p.kind);
            test(`GET ${scenario.path} pauses ${due.length ? `for ${due.join(', ')}` : 'never'}`, () =>
              checkScenario(running, inspector, file, scenario, kinds));
          }
        });
      }
    }
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Starts `app` (relative to test/fixtures) with --inspect and a recording inspector attached. */
export async function startWithDebugger(
  app: string,
  env: Record<string, string>,
): Promise<{ app: RunningApp; inspector: Inspector }> {
  const running = await RunningApp.start({
    app,
    nodeArgs: ['--inspect=127.0.0.1:0'],
    env: { MWCHAIN_HANG_MS: String(HANG_MS), ...env },
  });
  try {
    return { app: running, inspector: await Inspector.attach(() => running.stderr, { recording: true }) };
  } catch (error) {
    await running.stop();
    throw error;
  }
}

/**
 * Sends every quiet request and checks that none paused, that each was answered as expected and
 * that the agent traced it (so a silent agent cannot pass): its steps, no error crossing, no finding.
 */
export async function checkQuiet(
  app: RunningApp,
  inspector: Inspector,
  requests: QuietRequest[],
): Promise<void> {
  const from = inspector.recorded.length;
  for (const r of requests) {
    const reply = await app.get(r.path);
    assert.equal(reply.status, r.status, `${r.path}: ${reply.body}`);
    if (r.body) assert.match(reply.body, r.body, r.path);
  }
  const events = await app.events((es) =>
    requests.every((r) => es.some((e) => e.type === 'finish' && e.rid === ridOrNull(es, r.path))),
  );
  // timers the requests scheduled (and a hang watch sweep) have run by now
  await sleep(100);
  const pauses = await inspector.pausesSince(from);
  assert.deepEqual(pauses.map(describePause), [], 'requests that cross no boundary paused');
  for (const r of requests) {
    const rid = ridOf(events, 'GET', r.path);
    const steps = walk(events, rid);
    for (const step of r.steps) assert.ok(steps.includes(step), `${r.path}: ${step} in ${steps.join(', ')}`);
    for (const name of r.skipped ?? []) assert.ok(!steps.includes(`>${name}`), `${r.path}: ${name} ran`);
    assert.deepEqual(
      steps.filter((s) => s.startsWith('error ')),
      [],
      `${r.path}: the trace has an error crossing`,
    );
    assert.deepEqual(
      findings(events).filter((f) => f.rid === rid),
      [],
      `${r.path}: the trace has a finding`,
    );
    assert.ok(steps.includes(`finish ${r.status}`), `${r.path}: ${steps.join(', ')}`);
  }
}

function ridOrNull(events: TraceEvent[], url: string): number | null {
  try {
    return ridOf(events, 'GET', url);
  } catch {
    return null;
  }
}

/**
 * Runs `scenario` on an app started with the break modes `modes` and checks that it paused
 * exactly for the expected pauses of those kinds, in mwchainBreak with the `info` they describe,
 * and that the trace shows every expected event, paused for or not. `file` is the app's source.
 */
export async function checkScenario(
  app: RunningApp,
  inspector: Inspector,
  file: string,
  scenario: Scenario,
  modes: ReadonlySet<BreakKind>,
): Promise<void> {
  const from = inspector.recorded.length;
  const expected = scenario.pauses.filter((p) => modes.has(p.kind));
  // the trace shows each event before its pause, paused for or not
  const hops = (es: TraceEvent[], rid: number | null): string[] =>
    es.flatMap((e) => (e.type === 'error' && e.rid === rid ? [`${e.from}->${e.to}`] : []));
  const shown = (es: TraceEvent[]): boolean => {
    const rid = ridOrNull(es, scenario.path);
    return (
      rid !== null &&
      scenario.pauses.every((p) => inTrace(es, rid, p)) &&
      hops(es, rid).length >= scenario.errors.length &&
      (scenario.status === undefined || es.some((e) => e.type === 'finish' && e.rid === rid))
    );
  };
  let events: TraceEvent[];
  if (scenario.status !== undefined) {
    const reply = await app.get(scenario.path);
    assert.equal(reply.status, scenario.status, `${scenario.path}: ${reply.body}`);
    events = await app.events(shown);
  } else {
    // no answer comes: the client gives up once the trace shows the events
    const request = http.get({ host: '127.0.0.1', port: app.port, path: scenario.path, agent: false });
    request.on('error', () => {});
    events = await app.events(shown);
    request.destroy();
  }
  assert.ok(
    shown(events),
    `${scenario.path}: the trace lacks an expected event: ${walk(events, ridOrNull(events, scenario.path) ?? -1).join(', ')}`,
  );
  assert.deepEqual(
    hops(events, ridOf(events, 'GET', scenario.path)),
    scenario.errors,
    `${scenario.path}: the error's hops in the trace`,
  );
  await inspector.waitForPauses(from, expected.length, 2000);
  if (scenario.dies) {
    // the fatal exception is on its way; Node waits for the debugger to leave before it exits
    const deadline = Date.now() + 3000;
    while (!/Waiting for the debugger to disconnect/.test(app.stderr) && Date.now() < deadline)
      await sleep(10);
  } else await sleep(50);
  const pauses = await inspector.pausesSince(from);
  assert.deepEqual(
    pauses.map(describePause),
    expected.map((p) => `${p.kind} ${p.middleware} (GET ${scenario.path})`),
    `${scenario.path} with MWCHAIN_BREAK=${[...modes].join(',')}`,
  );
  pauses.forEach((pause, i) => checkPause(pause, expected[i], file, scenario.path));
  if (scenario.dies) {
    inspector.close();
    const { code } = await app.exited;
    assert.equal(code, 1, `${scenario.path}: the process dies as it would without the agent`);
  }
}

function inTrace(events: TraceEvent[], rid: number, p: ExpectedPause): boolean {
  if (p.kind === 'crossing')
    return events.some((e) => e.type === 'error' && e.rid === rid && e.from === p.middleware);
  return findings(events).some(
    (f) => f.rid === rid && f.kind === p.kind && f.middleware.name === p.middleware,
  );
}

/** A pause in mwchainBreak with a complete `info`: the request, the middleware, the error and its throw site, the chain. */
function checkPause(pause: RecordedPause, expected: ExpectedPause, file: string, url: string): void {
  const what = `${expected.kind} pause on ${url}`;
  assert.equal(pause.functionName, 'mwchainBreak', what);
  assert.equal(pause.reason, 'other', `${what}: a debugger statement, not an exception`);
  assert.ok(pause.locals.includes('info'), `${what}: locals ${pause.locals.join(', ')}`);
  const info = pause.info!;
  assert.equal(info.method, 'GET', what);
  assert.equal(info.url, url, what);
  assert.deepEqual(
    info.middleware,
    { name: expected.middleware, definedAt: functionAt(file, expected.middleware) },
    what,
  );
  assert.deepEqual(
    info.chain.map((c) => `${c.name}:${c.outcome ?? 'running'}`),
    expected.chain,
    `${what}: the chain so far`,
  );
  for (const c of info.chain) assertLocation(c.definedAt, `${what}: ${c.name} in the chain`);
  const own = info.chain.find((c) => c.name === expected.middleware);
  if (own) assert.deepEqual(own.definedAt, info.middleware.definedAt, what);
  if (expected.error === undefined) {
    assert.equal(info.error, undefined, `${what}: no error`);
    assert.equal(info.throwSite, undefined, `${what}: no throw site`);
    return;
  }
  assert.deepEqual(info.error, { message: expected.error, isError: true }, what);
  assert.ok(info.throwSite, `${what}: a throw site`);
  if (typeof expected.throwAt === 'string') {
    assert.deepEqual(info.throwSite, positionOf(file, expected.throwAt), `${what}: the throw site`);
  } else {
    assertLocation(info.throwSite, `${what}: the throw site`);
    if (expected.throwAt) assert.match(info.throwSite.file, expected.throwAt, what);
  }
}

function assertLocation(loc: RuntimeLoc, what: string): void {
  assert.ok(path.isAbsolute(loc.file), `${what}: ${loc.file} is absolute`);
  assert.ok(loc.line > 0 && loc.column > 0, `${what}: ${loc.file}:${loc.line}:${loc.column}`);
}
