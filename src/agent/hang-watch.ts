// Requests in flight, looked at a few times a second by one unref'd timer rather than a timer
// per request: a request whose chain stopped (the last middleware neither called next nor
// responded) for MWCHAIN_HANG_MS, or whose client went away first, is reported once.
import { context } from './context';
import type { RequestTrace } from './request-trace';

type HangHandler = (trace: RequestTrace, reason: 'timeout' | 'aborted', idleMs: number) => void;

// A Set, so a finished request is let go at once rather than surviving into the old generation.
const inFlight = new Set<RequestTrace>();
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
  inFlight.add(trace);
  timer ??= startTimer();
}

export function unwatch(trace: RequestTrace): void {
  inFlight.delete(trace);
}

function startTimer(): NodeJS.Timeout {
  clock.now = Date.now();
  // outside any request's context, or the timer would carry the first request's middleware
  const t = context.exit(() => setInterval(sweep, period));
  t.unref();
  return t;
}

function sweep(): void {
  const now = (clock.now = Date.now());
  for (const trace of inFlight) {
    const res = trace.res;
    if (!res) {
      inFlight.delete(trace);
    } else if (res.destroyed) {
      inFlight.delete(trace);
      onHang(trace, 'aborted', now - trace.lastActivity);
    } else if (!trace.responded && now - trace.lastActivity >= hangMs + period) {
      onHang(trace, 'timeout', now - trace.lastActivity);
    }
  }
}
