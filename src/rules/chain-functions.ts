// The workspace functions a route chain runs, in order, as lint functions (with their convention).
import type { AppModel } from '../analysis/analyzer';
import type { Entry } from '../analysis/values';
import type { LintFunction, RuleContext } from './rule';

const cache = new WeakMap<readonly LintFunction[], Map<unknown, LintFunction>>();

export function chainFunctions(ctx: RuleContext, app: AppModel, chain: Entry[]): LintFunction[] {
  let byNode = cache.get(ctx.functions);
  if (!byNode) {
    byNode = new Map();
    for (const f of ctx.functions)
      if (f.role !== 'errorHandler' && !byNode.has(f.fn.node)) byNode.set(f.fn.node, f);
    cache.set(ctx.functions, byNode);
  }
  const out: LintFunction[] = [];
  for (const e of chain) {
    for (const fn of [e.fn, e.wraps]) {
      const f = fn && byNode.get(fn.node);
      if (f && f.app === app) out.push(f);
    }
  }
  return out;
}
