// What the runtime agent (src/agent/, preloaded into the user's app) reports, and the control
// channel between it and the extension. Trace lines (MWCHAIN_TRACE) and the events streamed
// over the control socket have the same shapes; CONTRACT.md §4 fixes them. Every message names
// its sender.

/** Where a middleware function is defined: absolute file, 1-based line and column. */
export interface RuntimeLoc {
  file: string;
  line: number;
  column: number;
}

export interface RuntimeMiddleware {
  name: string;
  definedAt: RuntimeLoc;
}

export type FindingKind =
  | 'unterminated-middleware'
  | 'double-response'
  | 'unhandled-async-error'
  | 'unawaited-next'
  | 'escaping-async-throw';

export type ExitOutcome = 'next' | 'response' | 'error' | 'pending';

/** Sent by the agent: one line of the trace file, or one event on the control socket. */
export type TraceEvent =
  | { type: 'request'; t: number; rid: number; method: string; url: string }
  | { type: 'enter'; t: number; rid: number; name: string; definedAt: RuntimeLoc }
  | { type: 'exit'; t: number; rid: number; name: string; outcome: ExitOutcome }
  /** An error crossing a middleware boundary; `to` is the next error handler or the framework. */
  | { type: 'error'; t: number; rid: number; from: string; to: string; message: string }
  | { type: 'finish'; t: number; rid: number; status: number }
  | {
      type: 'finding';
      t: number;
      rid: number | null;
      kind: FindingKind;
      method: string;
      url: string;
      middleware: RuntimeMiddleware;
      message: string;
      error?: { message: string; stack: string };
    };

/** Break kinds of MWCHAIN_BREAK and of `setBreak`. */
export type BreakKind = 'crossing' | FindingKind;

/** The local `info` of `mwchainBreak`, where the agent pauses for the debugger. */
export interface BreakInfo {
  kind: BreakKind;
  method: string;
  url: string;
  middleware: RuntimeMiddleware;
  error?: unknown;
  throwSite?: RuntimeLoc;
  /** The request's invocations so far, in order, with how each left (none yet: still running). */
  chain: { name: string; definedAt: RuntimeLoc; outcome?: ExitOutcome }[];
}

/**
 * Sent by the agent over the control socket, one JSON object per line. `hello` comes first and
 * carries the token the extension handed out; `dropped` follows a gap in the event stream.
 */
export type FromAgent =
  | { type: 'hello'; token: string; pid: number; agentVersion: string }
  | { type: 'instrumented'; framework: string; version: string | null }
  | { type: 'dropped'; count: number }
  | { type: 'breakModes'; kinds: BreakKind[] }
  | TraceEvent;

/** Sent by the extension (or a test standing in for it) to the agent over the control socket. */
export type ToAgent = { type: 'setBreak'; kinds: BreakKind[] };

/** Environment the agent reads. */
export const AGENT_ENV = {
  off: 'MWCHAIN_AGENT',
  trace: 'MWCHAIN_TRACE',
  hangMs: 'MWCHAIN_HANG_MS',
  break: 'MWCHAIN_BREAK',
  /** Path of the extension's control socket; its directory must be private (0700). */
  control: 'MWCHAIN_CONTROL',
  controlToken: 'MWCHAIN_CONTROL_TOKEN',
} as const;
