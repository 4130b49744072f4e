// Requests in flight, looked at a few times a second by one unref'd timer rather than a timer
// per request: a request whose chain stopped (the last middleware neither called next nor
// responded) for MWCHAIN_HANG_MS, or whose client went away first, is reported once.
import { context } from './context';
import type { RequestTrace } from './request-trace';

type HangHandler = (trace: RequestTrace, reason: 'timeout' | 'aborted', idleMs: number) => void;

const inFlight = new Set<RequestTrace>();
let timer: NodeJS.Timeout | undefined;
let hangMs = 5000;
let onHang: HangHandler = () => {};

export function configureHangWatch(ms: number, handler: HangHandler): void {
  hangMs = ms;
  onHang = handler;
}

export function watch(trace: RequestTrace): void {
  inFlight.add(trace);
  timer ??= startTimer();
}

export function unwatch(trace: RequestTrace): void {
  inFlight.delete(trace);
}

function startTimer(): NodeJS.Timeout {
  const period = Math.max(20, Math.min(500, Math.floor(hangMs / 5)));
  // outside any request's context, or the timer would carry the first request's middleware
  const t = context.exit(() => setInterval(sweep, period));
  t.unref();
  return t;
}

function sweep(): void {
  const now = Date.now();
  for (const trace of inFlight) {
    const res = trace.res;
    if (!res) {
      inFlight.delete(trace);
      continue;
    }
    if (res.destroyed) {
      inFlight.delete(trace);
      onHang(trace, 'aborted', now - trace.lastActivity);
    } else if (!trace.responded && now - trace.lastActivity >= hangMs) {
      onHang(trace, 'timeout', now - trace.lastActivity);
    }
  }
}
