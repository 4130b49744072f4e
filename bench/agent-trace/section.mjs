// The `agent-trace` section of bench/run.mjs: what the trace itself costs per request of the
// agent bench's app, measured in-process (trace-path.ts) rather than as the server's CPU time,
// where a cost this size is within the noise between runs. It is the part of `agent, trace to
// a file` that the trace's own code does; the rest of that variant's cost is the agent's with the
// trace off, and whatever the trace's code changes in the app's (inlining, caches).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleForNode } from '../bundle.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REQUESTS = 100_000;

/** @param {{line: (s: string) => void, fail: (msg: string) => void}} ctx */
export async function agentTrace(ctx) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mwchain-bench-trace-'));
  try {
    const bundle = path.join(dir, 'trace-path.cjs');
    await bundleForNode(path.join(HERE, 'trace-path.ts'), bundle);
    const r = spawnSync(process.execPath, [bundle, dir, String(REQUESTS)], { encoding: 'utf8' });
    let result;
    try {
      result = JSON.parse(r.stdout.trim().split('\n').pop() ?? '');
    } catch {
      return ctx.fail(
        `trace-path exited ${r.status ?? r.signal} without a result:\n${r.stderr.slice(-2000)}`,
      );
    }
    const us = (ns) => `${(ns / 1000).toFixed(2)} µs`;
    const cpu = (s) => `${us(s.user + s.system)} CPU (${us(s.user)} user, ${us(s.system)} system)`;
    ctx.line(
      `the trace's own work for one request of the agent section's app (24 lines, 2.3 kB), in a loop of ${result.requests} requests, median of ${result.repetitions} repetitions:`,
    );
    ctx.line(`  reading the clock for the lines' t (${result.clockReads} reads): ${cpu(result.clock)}`);
    // a sandbox may leave a regular file there: then the writes fill a RAM disk's page cache
    const nullDevice = statSync('/dev/null').isCharacterDevice()
      ? ''
      : ' (a regular file here, not the null device)';
    ctx.line(`  the whole trace (the clock too), written to /dev/null${nullDevice}: ${cpu(result.noted)}`);
    ctx.line(`  the whole trace, appended to a file as MWCHAIN_TRACE does: ${cpu(result.file)}`);
    ctx.line(
      `  the same, into page cache the system just had (the file filled, emptied, then appended to again): ${cpu(result.reused)}`,
    );
    // the difference is the kernel's (or a VM host's) cost of the pages a growing file first touches
    ctx.line(
      `  so pages new to the file cost ${us(result.file.system - result.reused.system)} of system time per request's 2.3 kB here`,
    );
    ctx.line(
      '  compare with the `agent` section: its bare app takes about 180 µs of CPU per request on a quiet machine here',
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
