// What the live overlay knows of the running app, as plain data: built by LiveStats from the
// agent's events, read by LiveOverlay (which relates it to the static model) and by the views.
// No `vscode` here.
import type { ExitOutcome, FindingKind, RuntimeLoc } from '../protocol/agent-messages';

/** Why a request stopped at a middleware: it was left pending, or a finding names it. */
export type StopReason = 'pending' | FindingKind;

/** A recent request that stopped at a middleware. */
export interface LiveStop {
  method: string;
  url: string;
  reason: StopReason;
  /** the finding's message, for findings. */
  message?: string;
  /** when it stopped (ms since epoch). */
  t: number;
}

/** One middleware function as it ran, keyed by where it is defined. */
export interface LiveMiddleware {
  /** `file:line:column` of `definedAt`. */
  key: string;
  name: string;
  /** absolute file, 1-based line and column, as V8 reports the function (source-mapped). */
  definedAt: RuntimeLoc;
  /** invocations since the session started (every session, summed). */
  count: number;
  /** enter to exit of the last invocation that left, in ms; null while none has left. */
  lastMs: number | null;
  /** when the last invocation left (ms since epoch); 0 while none has. */
  lastAt: number;
  outcomes: Record<ExitOutcome, number>;
  /** recent requests that stopped here, newest first. */
  stops: LiveStop[];
}

/** One invocation in a request's walk. */
export interface LiveStep {
  key: string;
  name: string;
  /** how it left; absent while it runs. */
  outcome?: ExitOutcome;
  ms?: number;
}

/** One recent request: its walk through the chain and how it ended. */
export interface LiveRequest {
  session: string;
  rid: number;
  method: string;
  url: string;
  /** when it arrived (ms since epoch). */
  t: number;
  /** the response status; 0 when the client gave up; null while it runs. */
  status: number | null;
  /** arrival to finish, in ms; null while it runs. */
  ms: number | null;
  /** the middleware it ran, in order (bounded; `more` counts what was left out). */
  steps: LiveStep[];
  more: number;
  /** where it stopped: the middleware a finding names, or the last one left pending. */
  stoppedAt?: { key: string; name: string; reason: StopReason; message?: string };
  /** errors crossing middleware boundaries. */
  errors: { from: string; to: string; message: string }[];
}

/** Everything the views show, across the debug sessions that run now. */
export interface LiveSnapshot {
  sessions: number;
  middleware: LiveMiddleware[];
  /** newest first. */
  requests: LiveRequest[];
  /** events the agent dropped (its queue was full): the counts may be short by that much. */
  dropped: number;
}

export const EMPTY_SNAPSHOT: LiveSnapshot = { sessions: 0, middleware: [], requests: [], dropped: 0 };

export function keyOf(loc: RuntimeLoc): string {
  return `${loc.file}:${loc.line}:${loc.column}`;
}
