// Runtime findings (CONTRACT.md §4): one `finding` line per kind and request, flushed at once
// (the process may be about to die), one stderr line when no extension is listening, and a
// pause when the user asked to break on this kind.
import type { FindingKind } from '../protocol/agent-messages';
import { breakOn } from './breaks';
import type { MiddlewareInfo } from './middleware-info';
import { messageOf, type RequestTrace } from './request-trace';
import { emit, flush, sink } from './sink';

const BITS: Record<FindingKind, number> = {
  'unterminated-middleware': 1,
  'double-response': 2,
  'unhandled-async-error': 4,
  'unawaited-next': 8,
  'escaping-async-throw': 16,
};

/** Errors already reported, so the same error is not also reported as escaping. */
const reportedErrors = new WeakSet<object>();

export function wasReported(error: unknown): boolean {
  return typeof error === 'object' && error !== null && reportedErrors.has(error);
}

export function report(
  kind: FindingKind,
  trace: RequestTrace | undefined,
  middleware: MiddlewareInfo,
  message: string,
  error?: unknown,
): void {
  if (trace && !trace.firstReport(BITS[kind])) return;
  if (typeof error === 'object' && error !== null) reportedErrors.add(error);
  const finding = {
    type: 'finding',
    t: Date.now(),
    rid: trace?.rid ?? null,
    kind,
    method: trace?.method ?? '',
    url: trace?.url ?? '',
    middleware: middleware.json,
    message,
    ...(error !== undefined ? { error: errorJson(error) } : {}),
  };
  if (sink.on) {
    emit(`${JSON.stringify(finding)}\n`);
    flush();
  }
  if (!sink.control) {
    const at = finding.middleware.definedAt;
    const where = at.line ? ` (${at.file}:${at.line}:${at.column})` : '';
    const request = trace ? ` on ${trace.method} ${trace.url}` : '';
    try {
      process.stderr.write(`mwchain: ${kind}${request}: ${message}${where}\n`);
    } catch {
      // stderr closed: the trace and the control socket still have it
    }
  }
  breakOn(kind, trace, middleware, error);
}

function errorJson(error: unknown): { message: string; stack: string } {
  if (error instanceof Error) return { message: error.message, stack: error.stack ?? '' };
  return { message: messageOf(error), stack: '' };
}
