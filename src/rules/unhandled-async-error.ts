import { ts } from 'ts-morph';
import { factsOf } from '../analysis/flow/facts';
import { describe, type LintFunction, type Rule } from './rule';
import { routesText } from './wording';

/** Packages whose wrapper passes a rejected promise on to next(err). */
const ASYNC_WRAPPERS = new Set([
  'express-async-handler',
  'express-async-wrap',
  '@awaitjs/express',
  'express-asyncify',
  'async-handler',
]);

export const unhandledAsyncError: Rule = {
  meta: {
    id: 'unhandled-async-error',
    severity: 'error',
    summary:
      'A rejection the framework never sees: an unguarded async Express 4 handler, or a floating promise.',
  },
  check(ctx) {
    for (const f of ctx.functions) {
      const facts = ctx.facts(f).async;
      if (
        f.app.forwardsRejections === false &&
        facts.isAsync &&
        facts.uncovered.length > 0 &&
        !handledByWrapper(f)
      ) {
        const first = facts.uncovered[0]!;
        const what = ts.isThrowStatement(first) ? 'this throw runs' : 'this await rejects';
        ctx.report({
          node: first,
          message: `${describe(f)} is async and Express 4 does not catch its rejections: if ${what}, ${routesText(f.routes)} hangs and Node reports an unhandled rejection; catch it and call next(err), or wrap the handler (express-async-handler).`,
          routes: f.routes,
        });
      }
      for (const node of facts.floating) {
        ctx.report({
          node,
          message: `This promise in ${describe(f)} is neither awaited, returned nor given a rejection handler: if it rejects, no middleware or error handler sees it.`,
          routes: f.routes,
        });
      }
    }
  },
};

function handledByWrapper(f: LintFunction): boolean {
  const entry = f.wrappedBy?.entry;
  if (!entry) return false;
  if (entry.module && ASYNC_WRAPPERS.has(entry.module)) return true;
  return !!entry.fn && factsOf(entry.fn.node, f.convention).async.forwardsErrors;
}
