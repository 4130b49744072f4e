// The `debug` section of bench/run.mjs: what the break modes (MWCHAIN_BREAK) cost an app that runs
// under a debugger, and that requests crossing no middleware boundary never pause it.
//
// The Express 4 app of the `agent` section (10 middleware, every request answered by its handler,
// so no error crosses a boundary) runs with the agent as three servers on 127.0.0.1: without a
// debugger, and twice with `--inspect=127.0.0.1:0` and this process attached over the Chrome
// DevTools Protocol (Runtime.enable, Debugger.enable, as js-debug does): break modes off
// (MWCHAIN_BREAK unset), and every break mode on (MWCHAIN_BREAK=all). Every Debugger.paused is
// counted and resumed; any pause fails the section. Server CPU per request is measured as in the
// `agent` section (server-cpu.mjs).
import { existsSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import {
  AGENT,
  alternatingRounds,
  busyOutside,
  CONNECTIONS,
  costText,
  efficiency,
  expressAppDir,
  LOAD_CPU,
  machineLines,
  pin,
  ROOT,
  ROUND_SECONDS,
  ROUNDS,
  startServer,
  WARMUP_SECONDS,
  warmUpInTurn,
} from '../server-cpu.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const APP = path.join(HERE, '..', 'agent-overhead', 'app.cjs');
const TARGET = 0.9;

/** @param {{line: (s: string) => void, fail: (msg: string) => void}} ctx */
export async function debugOverhead(ctx) {
  if (!existsSync('/proc/self/stat'))
    return ctx.fail('needs /proc/<pid>/stat (Linux) to read server CPU time');
  if (!existsSync(AGENT))
    return ctx.fail(`${path.relative(ROOT, AGENT)} is missing: run \`node scripts/build.mjs\``);

  const dir = expressAppDir(APP, 'mwchain-bench-debug-');
  const inspect = ['--require', AGENT, '--inspect=127.0.0.1:0'];
  const noDebugger = { name: 'agent, no debugger', args: ['--require', AGENT] };
  const modesOff = { name: 'agent + debugger attached, break modes off', args: inspect, attach: true };
  const modesOn = {
    name: 'agent + debugger attached, every break mode on (MWCHAIN_BREAK=all)',
    args: inspect,
    env: { MWCHAIN_BREAK: 'all' },
    attach: true,
  };
  const variants = [noDebugger, modesOff, modesOn];
  try {
    for (const v of variants) {
      v.server = await startServer(dir, v).catch((e) => ctx.fail(e.message));
      if (!v.server) return;
      if (!v.attach) continue;
      v.debugger = await PauseCounter.attach(v.server.stderr).catch((e) =>
        ctx.fail(`${v.name}: ${e.message}`),
      );
      if (!v.debugger) return;
      // The counter must see a pause when there is one: a `debugger` statement evaluated in the app.
      const seen = await v.debugger.checkPauses();
      if (seen !== 1) return ctx.fail(`${v.name}: a \`debugger\` statement caused ${seen} pauses, not 1`);
    }
    // in slices taken in turn: warmed one after the other, the first would idle before the rounds
    const coldProblem = await warmUpInTurn(variants, WARMUP_SECONDS);
    if (coldProblem) return ctx.fail(coldProblem);

    const pinned = pin(process.pid, LOAD_CPU);
    const pids = variants.map((v) => v.server.child.pid);
    const busyBefore = busyOutside(pids);
    const problem = await alternatingRounds(variants);
    if (problem) return ctx.fail(problem);
    const busy = busyOutside(pids, busyBefore);

    ctx.line(
      `Express 4 app, 10 middleware, 127.0.0.1, no request crossing a middleware boundary; debugger: a CDP client with Runtime.enable + Debugger.enable + async stacks (depth 32, as js-debug); server CPU per request, median of ${ROUNDS} alternating rounds of ${ROUND_SECONDS} s, autocannon ${CONNECTIONS} connections`,
    );
    ctx.line(costText(noDebugger));
    ctx.line(costText(modesOff));
    const on = efficiency(modesOff, modesOn);
    ctx.line(
      `${costText(modesOn)}; efficiency ${on.median.toFixed(2)} (modes off / on, median of per-round ratios; middle half of the rounds ${on.spread}; target >= ${TARGET})`,
    );
    for (const v of [modesOff, modesOn]) {
      const requests = v.warmupRequests + v.requests;
      ctx.line(
        `pauses ${v === modesOn ? 'with every break mode on' : 'with the modes off'}: ${v.debugger.pauses.length} in ${requests} requests (must be 0)`,
      );
      if (v.debugger.pauses.length) {
        ctx.fail(
          `${v.name}: ${v.debugger.pauses.length} pauses for requests that cross no boundary, the first: ${JSON.stringify(v.debugger.pauses[0])}`,
        );
      }
    }
    const attached = efficiency(noDebugger, modesOff);
    ctx.line(
      `  for information, a debugger attached at all (modes off) against none: efficiency ${attached.median.toFixed(2)} (middle half ${attached.spread}; ${(1 / attached.median).toFixed(2)}x the CPU)`,
    );
    for (const line of machineLines(pinned, busy)) ctx.line(line);
  } finally {
    for (const v of variants) {
      v.debugger?.close();
      v.server?.child.kill();
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A CDP client attached to a server's inspector that counts every Debugger.paused and resumes
 * it at once; a pause in mwchainBreak records the `info` kind and middleware.
 */
class PauseCounter {
  /** Pauses since the check: `{ functionName, reason, kind?, middleware?, url? }`. */
  pauses = [];
  #ws;
  #nextId = 1;
  #pending = new Map();

  constructor(ws) {
    this.#ws = ws;
    ws.on('message', (data) => {
      const message = JSON.parse(String(data));
      if (message.id !== undefined) {
        this.#pending.get(message.id)?.(message);
        this.#pending.delete(message.id);
      } else if (message.method === 'Debugger.paused') this.#paused(message.params);
    });
  }

  /** Attaches to the inspector whose `ws://` URL the server printed on stderr. */
  static async attach(stderr) {
    const deadline = Date.now() + 5000;
    let url;
    while (!(url = /ws:\/\/127\.0\.0\.1:\d+\/\S+/.exec(stderr())?.[0])) {
      if (Date.now() > deadline) throw new Error(`no inspector URL on stderr:\n${stderr()}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    const ws = new WebSocket(url);
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const counter = new PauseCounter(ws);
    await counter.send('Runtime.enable');
    await counter.send('Debugger.enable');
    // js-debug turns on async call stacks too, which makes V8 record every async hop
    await counter.send('Debugger.setAsyncCallStackDepth', { maxDepth: 32 });
    return counter;
  }

  async send(method, params = {}) {
    const id = this.#nextId++;
    const reply = new Promise((resolve) => this.#pending.set(id, resolve));
    this.#ws.send(JSON.stringify({ id, method, params }));
    const message = await reply;
    if (message.error) throw new Error(`${method}: ${JSON.stringify(message.error)}`);
    return message.result;
  }

  /** Evaluates a `debugger` statement in the app; the pauses it caused (1 when counting works). */
  async checkPauses() {
    await this.send('Runtime.evaluate', { expression: 'debugger; 1' });
    const seen = this.pauses.length;
    this.pauses = [];
    return seen;
  }

  async #paused(params) {
    const top = params.callFrames[0];
    const pause = { functionName: top?.functionName ?? '', reason: params.reason };
    this.pauses.push(pause);
    try {
      if (pause.functionName === 'mwchainBreak') {
        const { result } = await this.send('Debugger.evaluateOnCallFrame', {
          callFrameId: top.callFrameId,
          expression: 'JSON.stringify({ kind: info.kind, middleware: info.middleware.name, url: info.url })',
          returnByValue: true,
        });
        Object.assign(pause, JSON.parse(result.value));
      }
    } catch {
      // what the pause was is a detail; that it happened is what counts
    } finally {
      await this.send('Debugger.resume').catch(() => {});
    }
  }

  close() {
    this.#ws.close();
  }
}
