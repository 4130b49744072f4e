// One path through a function, as the flow analysis follows it: what it did so far.
import type { ts } from 'ts-morph';

export interface PathState {
  /** `next()` / `next('route')` calls, in order (at most two kept). */
  nexts: ts.Node[];
  /** `next(err)` calls: the error passed on. */
  errors: ts.Node[];
  /** calls that end the response (at most two kept). */
  responses: ts.Node[];
  /** `next` or the response handed to another function, which is trusted to finish the job. */
  delegated: boolean;
  /** branch conditions assumed on this path, by their text: prunes paths that cannot happen. */
  assumed: ReadonlyMap<string, boolean>;
  /** set on entering a catch: what the path had done by then. */
  inCatch?: { node: ts.Node; effects: number };
}

export type PathEndKind = 'fall' | 'return' | 'throw';

export interface PathEnd {
  state: PathState;
  how: PathEndKind;
  /** the return or throw statement, or the function for falling off its end. */
  at: ts.Node;
}

export const START: PathState = {
  nexts: [],
  errors: [],
  responses: [],
  delegated: false,
  assumed: new Map(),
};

export function effects(s: PathState): number {
  return s.nexts.length + s.errors.length + s.responses.length + (s.delegated ? 1 : 0);
}

/** The path ends with the request handled: passed on, answered, failed or handed over. */
export function terminated(end: PathEnd): boolean {
  const s = end.state;
  return (
    end.how === 'throw' || s.nexts.length > 0 || s.errors.length > 0 || s.responses.length > 0 || s.delegated
  );
}

export function signature(s: PathState): string {
  const a = [...s.assumed].map(([k, v]) => (v ? '+' : '-') + k).join('|');
  return `${Math.min(s.nexts.length, 2)}${Math.min(s.errors.length, 1)}${Math.min(s.responses.length, 2)}${s.delegated ? 1 : 0}${s.inCatch ? 'c' + s.inCatch.effects : ''}:${a}`;
}

const MAX_STATES = 48;

/** Keeps one state per distinct signature, and a bounded number overall. */
export function dedupe(states: PathState[]): PathState[] {
  const seen = new Map<string, PathState>();
  for (const s of states) {
    const key = signature(s);
    if (!seen.has(key)) seen.set(key, s);
  }
  const out = [...seen.values()];
  if (out.length <= MAX_STATES) return out;
  // Too many distinct paths: forget the assumed conditions, which is safe (less pruning).
  return dedupe(out.map((s) => ({ ...s, assumed: new Map() }))).slice(0, MAX_STATES);
}
