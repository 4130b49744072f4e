// MWCHAIN_BREAK: pauses in `mwchainBreak`, whose parameter `info` is what the user inspects.
// A `debugger` statement pauses only while a debugger is attached; without one it is a no-op,
// so the cost of an enabled break kind with no debugger is one call per event.
import type { BreakInfo, BreakKind } from '../protocol/agent-messages';
import type { MiddlewareInfo } from './middleware-info';
import type { RequestTrace } from './request-trace';
import { throwSiteOf } from './throw-site';

export const breakKinds = { enabled: new Set<BreakKind>() };

/**
 * The request each error object last paused a `crossing` for. An error handler that passes on the
 * error it was given (`next(err)` in Express's logErrors -> errorHandler pattern, a rethrow in a
 * Fastify error handler) moves the same error one handler further: that is one crossing, where it
 * left the middleware that made it, not one pause per handler (Koa's front end already treats an
 * error passing up through a middleware this way).
 */
const crossed = new WeakMap<object, RequestTrace>();

export function setBreakKinds(kinds: Set<BreakKind>): void {
  breakKinds.enabled = kinds;
}

export function breakOn(
  kind: BreakKind,
  trace: RequestTrace | undefined,
  middleware: MiddlewareInfo,
  error?: unknown,
): void {
  if (!breakKinds.enabled.has(kind)) return;
  if (kind === 'crossing' && trace && typeof error === 'object' && error !== null) {
    if (crossed.get(error) === trace) return;
    crossed.set(error, trace);
  }
  const info: BreakInfo = {
    kind,
    method: trace?.method ?? '',
    url: trace?.url ?? '',
    middleware: middleware.json,
    chain: (trace?.frames ?? []).map((frame) => ({
      ...frame.info.json,
      ...(frame.outcome ? { outcome: frame.outcome } : {}),
    })),
  };
  if (error !== undefined) {
    info.error = error;
    const site = throwSiteOf(error);
    if (site) info.throwSite = site;
  }
  mwchainBreak(info);
}

// The name is the contract: the extension and users look for this frame.
function mwchainBreak(info: BreakInfo): BreakInfo {
  // eslint-disable-next-line no-debugger
  debugger;
  return info;
}
