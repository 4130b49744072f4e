// How the live overlay reads in the views: `12× · 3 ms`, `GET /orders stopped here: pending`.
import type { LiveMiddleware, LiveRequest, LiveStop } from './live-model';

/** A duration in ms as the views show it. */
export function durationText(ms: number): string {
  if (ms < 1) return '<1 ms';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
}

/** `12× · 3 ms`: invocations, and how long the last one took. */
export function countText(m: LiveMiddleware): string {
  return m.lastMs === null ? `${m.count}×` : `${m.count}× · ${durationText(m.lastMs)}`;
}

/** `GET /orders stopped here: pending`. */
export function stopText(s: LiveStop): string {
  return `${s.method} ${s.url} stopped here: ${s.reason}${s.message ? ` (${s.message})` : ''}`;
}

/** The tooltip lines of a middleware: counts, outcomes, recent stops. */
export function middlewareLines(m: LiveMiddleware): string[] {
  const outcomes = (Object.entries(m.outcomes) as [string, number][])
    .filter(([, n]) => n > 0)
    .map(([o, n]) => `${o} ${n}`)
    .join(', ');
  return [
    `Live: ${m.count} call${m.count === 1 ? '' : 's'}${m.lastMs === null ? '' : `, last took ${durationText(m.lastMs)}`}${outcomes ? ` (${outcomes})` : ''}`,
    ...m.stops.map(stopText),
  ];
}

/** A request's status as a word: `200`, `running`, `no response`. */
export function statusText(r: LiveRequest): string {
  return r.status === null ? 'running' : r.status === 0 ? 'no response' : String(r.status);
}

/** The name to show for a runtime function: its static name when it has one. */
export type NameOf = (step: { key: string; name: string }) => string;
const runtimeName: NameOf = (step) => step.name;

/** `last: 200` / `last: no response, stopped at auth (pending)`: a route's last request. */
export function lastRequestText(r: LiveRequest, nameOf: NameOf = runtimeName): string {
  const stopped = r.stoppedAt ? `, stopped at ${nameOf(r.stoppedAt)} (${r.stoppedAt.reason})` : '';
  return `last: ${statusText(r)}${stopped}`;
}

/** `GET /orders/7 → 200 in 3 ms: requestId → auth → getOrder`. */
export function requestLine(r: LiveRequest, nameOf: NameOf = runtimeName): string {
  const took = r.ms === null ? '' : ` in ${durationText(r.ms)}`;
  const walk = r.steps.map(nameOf).join(' → ') + (r.more ? ` → … (${r.more} more)` : '');
  const stopped = r.stoppedAt ? `; stopped at ${nameOf(r.stoppedAt)}: ${r.stoppedAt.reason}` : '';
  return `${r.method} ${r.url} → ${statusText(r)}${took}${walk ? `: ${walk}` : ''}${stopped}`;
}
