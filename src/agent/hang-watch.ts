// Requests in flight, looked at a few times a second by one unref'd timer rather than a timer
// per request: a request whose chain stopped (the last middleware neither called next nor
// responded) for MWCHAIN_HANG_MS, or whose client went away first, is reported once.
import { context } from './context';
import type { RequestTrace } from './request-trace';

type HangHandler = (trace: RequestTrace, reason: 'timeout' | 'aborted', idleMs: number) => void;

// An array, not a Set: adding is a push, and finished requests are dropped in bulk at the next
// sweep instead of one hash delete each.
let inFlight: RequestTrace[] = [];
let timer: NodeJS.Timeout | undefined;
let hangMs = 5000;
let period = 250;

/**
 * A clock the sweep advances. Middleware entries read it instead of Date.now(), which costs more
 * than the rest of an entry; it lags by at most one period, so a hang is reported between
 * MWCHAIN_HANG_MS and MWCHAIN_HANG_MS plus two periods after the chain stopped, never early.
 */
export const clock = { now: Date.now() };
let onHang: HangHandler = () => {};

export function configureHangWatch(ms: number, handler: HangHandler): void {
  hangMs = ms;
  onHang = handler;
  period = Math.max(10, Math.min(250, Math.floor(hangMs / 10)));
}

export function watch(trace: RequestTrace): void {
  inFlight.push(trace);
  timer ??= startTimer();
}

/** Finished requests have `res` null and leave at the next sweep. */
export function unwatch(_trace: RequestTrace): void {}

function startTimer(): NodeJS.Timeout {
  clock.now = Date.now();
  // outside any request's context, or the timer would carry the first request's middleware
  const t = context.exit(() => setInterval(sweep, period));
  t.unref();
  return t;
}

function sweep(): void {
  const now = (clock.now = Date.now());
  const still: RequestTrace[] = [];
  for (const trace of inFlight) {
    const res = trace.res;
    if (!res) continue;
    if (res.destroyed) {
      onHang(trace, 'aborted', now - trace.lastActivity);
    } else {
      still.push(trace);
      if (!trace.responded && now - trace.lastActivity >= hangMs + period) {
        onHang(trace, 'timeout', now - trace.lastActivity);
      }
    }
  }
  inFlight = still;
}
