// One request's walk through the chain: which middleware entered, how each left (next,
// response, error, or still pending), who responded first, and the error in flight between a
// middleware and the handler that will get it. Front ends (frameworks/*) drive it; it writes
// the trace events and keeps the in-flight set the hang watch reads.
import type { ExitOutcome } from '../protocol/agent-messages';
import type { MiddlewareInfo } from './middleware-info';
import { breakKinds, breakOn } from './breaks';
import { doubleResponse } from './response-hooks';
import { emit, emitEvent, emitRequest, FINISH_HEAD, LineShape, sink, stamp, stampedMs } from './sink';
import { clock, watch, unwatch } from './hang-watch';

let nextRid = 1;
const NO_FRAMES: Frame[] = [];
/** The `finish` line of each status, made once: Node allows 100-999, so at most 901 with 0. */
const finishLines = new Map<number, LineShape>();

export class Frame {
  outcome: ExitOutcome | undefined;
  constructor(
    readonly trace: RequestTrace,
    readonly info: MiddlewareInfo,
  ) {}
}

export interface Responder {
  /** True once the status line and headers are out. */
  readonly headersSent: boolean;
  /** True when the connection went away. */
  readonly destroyed: boolean;
  statusCode: number;
}

export class RequestTrace {
  readonly rid = nextRid++;
  lastEntered: Frame | undefined;
  lastActivity = clock.now;
  /** The frame that started the response. */
  responder: Frame | undefined;
  /** True once the status line and headers went out (writeHead). */
  responded = false;
  /** True once the app's `res.end()` returned: another `end` is a second response. */
  endReturned = false;
  /** True once the request is over: answered, or the client went away. */
  ended = false;
  reported = 0;
  pendingError: { from: Frame; message: string } | undefined;
  /** Every invocation of the request so far, in order: the chain as it ran. */
  frames: Frame[] = [];

  constructor(
    readonly method: string,
    readonly url: string,
    /** Null once the request is over, so a finished request holds nothing of the app's. */
    public res: Responder | null,
    /** Who answers an error no handler took, for the `error` event's `to`. */
    readonly fallbackHandler: string,
  ) {}

  /** True the first time `bit` is set: each finding kind is reported once per request. */
  firstReport(bit: number): boolean {
    if (this.reported & bit) return false;
    this.reported |= bit;
    return true;
  }

  /** The invocation running now for this request, else the last one that entered. */
  frameNow(store: Frame | undefined): Frame | undefined {
    return store && store.trace === this ? store : this.lastEntered;
  }

  /** Invocations that have not left yet (no next, error or response). */
  openFrames(): Frame[] {
    return this.frames.filter((frame) => frame.outcome === undefined);
  }
}

export function startRequest(
  method: string,
  url: string,
  res: Responder,
  fallbackHandler: string,
): RequestTrace {
  const trace = new RequestTrace(method, url, res, fallbackHandler);
  if (sink.on) emitRequest(trace.rid, method, url);
  watch(trace);
  return trace;
}

/**
 * `info` starts on `trace`. `followsLine`: the front end knows no app code ran since the agent's
 * last line (this request's `request` line, or the `exit` of the middleware that called next), so
 * this `enter` takes that line's `t` rather than reading the clock again (sink.stampedMs).
 */
export function enter(trace: RequestTrace, info: MiddlewareInfo, followsLine = false): Frame {
  if (trace.pendingError) errorReached(trace, info.name);
  const frame = new Frame(trace, info);
  trace.lastEntered = frame;
  trace.frames.push(frame);
  if (sink.on) {
    const t = followsLine ? stampedMs() : stamp();
    emitEvent(info.enterLine, trace.rid, t);
    trace.lastActivity = t;
  } else trace.lastActivity = clock.now;
  return frame;
}

export function exit(frame: Frame, outcome: ExitOutcome): void {
  if (frame.outcome !== undefined) return;
  frame.outcome = outcome;
  if (sink.on) emitExit(frame, outcome);
}

/**
 * An error leaves `frame` (passed to next, thrown, or a rejection the framework forwards).
 * `crossing` breaks pause here, before the framework moves on.
 */
export function crossing(frame: Frame, error: unknown): void {
  exit(frame, 'error');
  const trace = frame.trace;
  if ((error as { code?: unknown } | null)?.code === 'ERR_HTTP_HEADERS_SENT' && trace.responded) {
    doubleResponse(trace, 'a header write', frame);
  }
  trace.pendingError = { from: frame, message: messageOf(error) };
  breakOn('crossing', trace, frame.info, error);
}

/** The error in flight reached `to`: the next error handler, or the framework's fallback. */
export function errorReached(trace: RequestTrace, to: string): void {
  const pending = trace.pendingError;
  if (!pending) return;
  trace.pendingError = undefined;
  if (sink.on) {
    emit(
      `{"type":"error","t":${stamp()},"rid":${trace.rid},"from":${pending.from.info.nameJson},"to":${JSON.stringify(to)},"message":${JSON.stringify(pending.message)}}\n`,
    );
  }
}

/** The status line and headers are going out (the first write of the response). */
export function responseStarted(trace: RequestTrace, store: Frame | undefined): void {
  if (trace.responded) return;
  trace.responded = true;
  trace.responder = trace.frameNow(store);
}

/** The response is complete (`end`, `answered`), or the client went away first. */
export function finishRequest(trace: RequestTrace, answered: boolean): void {
  if (trace.ended) return;
  // read only for the finish line: reads on the app's response miss the inline caches (response-hooks)
  const status = answered && sink.on ? (trace.res?.statusCode ?? 0) : 0;
  trace.ended = true;
  trace.res = null;
  unwatch(trace);
  if (trace.pendingError) errorReached(trace, trace.fallbackHandler);
  const responder = trace.responder;
  // the open frames' exits and the finish line: one moment, one read of the clock
  const t = sink.on ? stamp() : 0;
  for (const frame of trace.frames) {
    if (frame.outcome !== undefined) continue;
    frame.outcome = answered && frame === responder ? 'response' : 'pending';
    if (sink.on) emitEvent(frame.info.exitLine(frame.outcome), trace.rid, t);
  }
  if (sink.on) emitEvent(finishLine(status), trace.rid, t);
  // Work the request's middleware scheduled keeps their frames, and with them this trace: a
  // keep-alive socket's timer, re-armed after each response, holds the last one for seconds.
  // Only a pause shows the whole chain again, so without break kinds it is let go here.
  if (breakKinds.enabled.size === 0) trace.frames = NO_FRAMES;
}

/** Marks frames that are still open as `pending` (the hang watch gave up on them). */
export function markPending(trace: RequestTrace): void {
  for (const frame of trace.openFrames()) {
    frame.outcome = 'pending';
    if (sink.on) emitExit(frame, 'pending');
  }
}

function emitExit(frame: Frame, outcome: ExitOutcome): void {
  emitEvent(frame.info.exitLine(outcome), frame.trace.rid, stamp());
}

function finishLine(status: number): LineShape {
  return finishLines.get(status) ?? newFinishLine(status);
}

function newFinishLine(status: number): LineShape {
  const line = new LineShape(FINISH_HEAD, `,"status":${status}}\n`);
  if (finishLines.size < 1024) finishLines.set(status, line);
  return line;
}

export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'string') return error;
  try {
    return String(error);
  } catch {
    return '(unprintable value)';
  }
}
