// Requests in flight, looked at a few times a second by one unref'd timer rather than a timer
// per request: a request whose chain stopped (the last middleware neither called next nor
// responded) for MWCHAIN_HANG_MS, or whose client went away first, is reported once. The timer
// runs only while requests are in flight: a sweep that finds none stops it, and the next request
// starts it again. An idle app is not woken four times a second (in the agent bench, whose
// servers idle between slices of load, those wake-ups were part of the agent's cost).
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
 * than the rest of an entry; while requests are in flight it lags by at most one period, so a
 * hang is reported between MWCHAIN_HANG_MS and MWCHAIN_HANG_MS plus two periods after the chain
 * stopped, never early. While the timer is stopped it stands still: `watch` sets it anew.
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
  if (timer === undefined) {
    timer = startTimer();
    // made while the clock stood still: its activity is now, not when the last sweep ran
    trace.lastActivity = clock.now;
  }
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
  if (inFlight.size === 0) {
    // between requests, or idle: the next `watch` starts the timer again, with a fresh clock
    clearInterval(timer);
    timer = undefined;
    return;
  }
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
