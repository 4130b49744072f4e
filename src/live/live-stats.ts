// The live overlay's memory: the agent's events (FromAgent, per debug session) folded into
// per-middleware counts and durations and a bounded window of recent requests. Pure: no
// `vscode`, no I/O; the extension feeds it from the control socket and the views read
// `snapshot()` when `onDidChange` fires, at most every `throttleMs`.
import type { ExitOutcome, FromAgent, RuntimeLoc, TraceEvent } from '../protocol/agent-messages';
import {
  EMPTY_SNAPSHOT,
  keyOf,
  type LiveMiddleware,
  type LiveRequest,
  type LiveSnapshot,
  type LiveStep,
  type LiveStop,
  type StopReason,
} from './live-model';

export interface LiveStatsOptions {
  /** recent requests kept per session (default 200). */
  maxRequests?: number;
  /** invocations kept per request (default 100; the rest are counted, not listed). */
  maxSteps?: number;
  /** distinct middleware kept per session (default 5000). */
  maxMiddleware?: number;
  /** recent stops listed per middleware (default 5). */
  maxStops?: number;
  /** at most one change notification per this many ms (default 250). */
  throttleMs?: number;
}

export interface Disposable {
  dispose(): void;
}

interface StepState {
  key: string;
  name: string;
  enteredAt: number;
  outcome?: ExitOutcome;
  ms?: number;
}

interface FindingState {
  key: string;
  name: string;
  reason: StopReason;
  message: string;
  t: number;
}

interface RequestState {
  rid: number;
  method: string;
  url: string;
  t: number;
  status: number | null;
  finishedAt: number | null;
  steps: StepState[];
  /** invocations that have not left, listed or not. */
  open: StepState[];
  more: number;
  findings: FindingState[];
  errors: { from: string; to: string; message: string }[];
}

interface MiddlewareState {
  name: string;
  definedAt: RuntimeLoc;
  count: number;
  lastMs: number | null;
  lastAt: number;
  outcomes: Record<ExitOutcome, number>;
}

interface SessionState {
  /** by rid, oldest first: the first key is the next to go. */
  requests: Map<number, RequestState>;
  middleware: Map<string, MiddlewareState>;
  /** findings of no request (or of one no longer kept), newest last. */
  orphans: (FindingState & { method: string; url: string })[];
  dropped: number;
}

const noOutcomes = (): Record<ExitOutcome, number> => ({ next: 0, response: 0, error: 0, pending: 0 });

export class LiveStats implements Disposable {
  private readonly sessions = new Map<string, SessionState>();
  private readonly listeners = new Set<() => void>();
  private readonly maxRequests: number;
  private readonly maxSteps: number;
  private readonly maxMiddleware: number;
  private readonly maxStops: number;
  private readonly throttleMs: number;
  private cached: LiveSnapshot | undefined = EMPTY_SNAPSHOT;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastFired = 0;

  constructor(options: LiveStatsOptions = {}) {
    this.maxRequests = options.maxRequests ?? 200;
    this.maxSteps = options.maxSteps ?? 100;
    this.maxMiddleware = options.maxMiddleware ?? 5000;
    this.maxStops = options.maxStops ?? 5;
    this.throttleMs = options.throttleMs ?? 250;
  }

  /** One message from the agent of debug session `session`. */
  accept(session: string, msg: FromAgent): void {
    if (!msg || typeof msg !== 'object') return;
    let s = this.sessions.get(session);
    switch (msg.type) {
      case 'hello':
      case 'instrumented':
      case 'breakModes':
        if (!s) {
          this.sessions.set(session, newSession());
          this.changed();
        }
        return;
      case 'dropped':
        s ??= this.session(session);
        s.dropped += msg.count;
        this.changed();
        return;
      default:
        if (this.event(this.session(session), msg)) this.changed();
    }
  }

  /**
   * The session ended: what it ran leaves the overlay. Also ends `<session>#<anything>`: key
   * each agent process of a debug session as `${debugSession.id}#${pid}` (rids restart per
   * process) and end them all with the debug session's id.
   */
  endSession(session: string): void {
    let ended = this.sessions.delete(session);
    for (const key of [...this.sessions.keys()]) {
      if (key.startsWith(`${session}#`)) ended = this.sessions.delete(key) || ended;
    }
    if (ended) this.changed();
  }

  clear(): void {
    if (this.sessions.size === 0) return;
    this.sessions.clear();
    this.changed();
  }

  /** True while some session runs (even before its first request). */
  get active(): boolean {
    return this.sessions.size > 0;
  }

  /** Every session's stats, merged; the same object until something changes. */
  snapshot(): LiveSnapshot {
    return (this.cached ??= this.build());
  }

  /** `listener` runs after changes, at most once per `throttleMs`. */
  onDidChange(listener: () => void): Disposable {
    this.listeners.add(listener);
    return { dispose: () => void this.listeners.delete(listener) };
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.listeners.clear();
  }

  private session(id: string): SessionState {
    let s = this.sessions.get(id);
    if (!s) this.sessions.set(id, (s = newSession()));
    return s;
  }

  /** Folds one trace event in; false when it changed nothing. */
  private event(s: SessionState, e: TraceEvent): boolean {
    switch (e.type) {
      case 'request': {
        s.requests.delete(e.rid); // a restarted app counts rids from 1 again
        s.requests.set(e.rid, {
          rid: e.rid,
          method: String(e.method),
          url: String(e.url),
          t: e.t,
          status: null,
          finishedAt: null,
          steps: [],
          open: [],
          more: 0,
          findings: [],
          errors: [],
        });
        while (s.requests.size > this.maxRequests) s.requests.delete(s.requests.keys().next().value!);
        return true;
      }
      case 'enter': {
        const m = this.middleware(s, e.name, e.definedAt);
        if (!m) return false;
        m.state.count++;
        const r = s.requests.get(e.rid);
        if (r) {
          const step: StepState = { key: m.key, name: String(e.name), enteredAt: e.t };
          if (r.steps.length < this.maxSteps) r.steps.push(step);
          else r.more++;
          if (r.open.length < this.maxSteps) r.open.push(step);
        }
        return true;
      }
      case 'exit': {
        const r = s.requests.get(e.rid);
        if (!r) return false;
        let i = r.open.length - 1;
        while (i >= 0 && r.open[i]!.name !== e.name) i--;
        if (i < 0) return false;
        const step = r.open[i]!;
        r.open.splice(i, 1);
        step.outcome = e.outcome;
        step.ms = Math.max(0, e.t - step.enteredAt);
        const m = s.middleware.get(step.key);
        if (m) {
          if (e.outcome in m.outcomes) m.outcomes[e.outcome]++;
          m.lastMs = step.ms;
          m.lastAt = e.t;
        }
        return true;
      }
      case 'error': {
        const r = s.requests.get(e.rid);
        if (!r) return false;
        if (r.errors.length < this.maxSteps) r.errors.push({ from: e.from, to: e.to, message: e.message });
        return true;
      }
      case 'finish': {
        const r = s.requests.get(e.rid);
        if (!r) return false;
        r.status = e.status;
        r.finishedAt = e.t;
        return true;
      }
      case 'finding': {
        const m = this.middleware(s, e.middleware?.name, e.middleware?.definedAt);
        if (!m) return false;
        const f: FindingState = {
          key: m.key,
          name: m.state.name,
          reason: e.kind,
          message: String(e.message ?? ''),
          t: e.t,
        };
        const r = e.rid === null ? undefined : s.requests.get(e.rid);
        if (r) {
          if (r.findings.length < this.maxSteps) r.findings.push(f);
        } else {
          s.orphans.push({ ...f, method: String(e.method ?? ''), url: String(e.url ?? '') });
          if (s.orphans.length > this.maxRequests) s.orphans.shift();
        }
        return true;
      }
      default:
        return false;
    }
  }

  private middleware(
    s: SessionState,
    name: unknown,
    definedAt: RuntimeLoc | undefined,
  ): { key: string; state: MiddlewareState } | undefined {
    if (!definedAt || typeof definedAt.file !== 'string') return undefined;
    const key = keyOf(definedAt);
    let state = s.middleware.get(key);
    if (!state) {
      if (s.middleware.size >= this.maxMiddleware) return undefined;
      state = {
        name: typeof name === 'string' && name ? name : '<anonymous>',
        definedAt: { file: definedAt.file, line: definedAt.line, column: definedAt.column },
        count: 0,
        lastMs: null,
        lastAt: 0,
        outcomes: noOutcomes(),
      };
      s.middleware.set(key, state);
    }
    return { key, state };
  }

  private changed(): void {
    this.cached = undefined;
    if (this.timer || this.listeners.size === 0) return;
    const wait = Math.max(0, this.lastFired + this.throttleMs - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.lastFired = Date.now();
      for (const listener of [...this.listeners]) {
        try {
          listener();
        } catch {
          // a view that fails to draw must not stop the others
        }
      }
    }, wait);
  }

  private build(): LiveSnapshot {
    if (this.sessions.size === 0) return EMPTY_SNAPSHOT;
    const middleware = new Map<string, LiveMiddleware>();
    const requests: LiveRequest[] = [];
    const stops: { key: string; stop: LiveStop }[] = [];
    let dropped = 0;
    for (const [session, s] of this.sessions) {
      dropped += s.dropped;
      for (const [key, m] of s.middleware) {
        const into = middleware.get(key);
        if (!into) {
          middleware.set(key, {
            key,
            name: m.name,
            definedAt: m.definedAt,
            count: m.count,
            lastMs: m.lastMs,
            lastAt: m.lastAt,
            outcomes: { ...m.outcomes },
            stops: [],
          });
          continue;
        }
        into.count += m.count;
        for (const o of Object.keys(m.outcomes) as ExitOutcome[]) into.outcomes[o] += m.outcomes[o];
        if (m.lastMs !== null && m.lastAt >= into.lastAt) {
          into.lastMs = m.lastMs;
          into.lastAt = m.lastAt;
        }
      }
      for (const r of s.requests.values()) {
        const request = requestOf(session, r);
        requests.push(request);
        for (const f of r.findings) {
          stops.push({
            key: f.key,
            stop: { method: r.method, url: r.url, reason: f.reason, message: f.message, t: f.t },
          });
        }
        if (request.stoppedAt?.reason === 'pending') {
          const t = r.finishedAt ?? r.steps.at(-1)?.enteredAt ?? r.t;
          stops.push({
            key: request.stoppedAt.key,
            stop: { method: r.method, url: r.url, reason: 'pending', t },
          });
        }
      }
      for (const o of s.orphans) {
        stops.push({
          key: o.key,
          stop: { method: o.method, url: o.url, reason: o.reason, message: o.message, t: o.t },
        });
      }
    }
    stops.sort((a, b) => b.stop.t - a.stop.t);
    for (const { key, stop } of stops) {
      const m = middleware.get(key);
      if (m && m.stops.length < this.maxStops) m.stops.push(stop);
    }
    requests.sort((a, b) => b.t - a.t || b.rid - a.rid);
    return {
      sessions: this.sessions.size,
      middleware: [...middleware.values()],
      requests,
      dropped,
    };
  }
}

function newSession(): SessionState {
  return { requests: new Map(), middleware: new Map(), orphans: [], dropped: 0 };
}

function requestOf(session: string, r: RequestState): LiveRequest {
  const steps: LiveStep[] = r.steps.map((s) =>
    s.outcome === undefined
      ? { key: s.key, name: s.name }
      : { key: s.key, name: s.name, outcome: s.outcome, ms: s.ms },
  );
  return {
    session,
    rid: r.rid,
    method: r.method,
    url: r.url,
    t: r.t,
    status: r.status,
    ms: r.finishedAt === null ? null : Math.max(0, r.finishedAt - r.t),
    steps,
    more: r.more,
    stoppedAt: stoppedAt(r),
    errors: r.errors.slice(),
  };
}

/**
 * Where a request stopped: the middleware its first finding names; else, when nothing
 * responded, the last middleware left pending (the hang watch gave up, or the client did).
 */
function stoppedAt(r: RequestState): LiveRequest['stoppedAt'] {
  const f = r.findings[0];
  if (f) return { key: f.key, name: f.name, reason: f.reason, message: f.message };
  if (r.steps.some((s) => s.outcome === 'response')) return undefined;
  for (let i = r.steps.length - 1; i >= 0; i--) {
    const s = r.steps[i]!;
    if (s.outcome === 'pending') return { key: s.key, name: s.name, reason: 'pending' };
  }
  return undefined;
}
