import { factsOf } from '../analysis/flow/facts';
import type { Registration } from '../analysis/lint-model';
import { mountCovers, pathText } from '../analysis/paths';
import { routeLabel, type Rule } from './rule';

export const unreachableMiddleware: Rule = {
  meta: {
    id: 'unreachable-middleware',
    severity: 'warning',
    summary: 'A registration no request can reach: an earlier catch-all always responds.',
  },
  check(ctx) {
    for (const app of ctx.apps) {
      const shadows: Registration[] = [];
      for (const r of app.order) {
        const by =
          r.role === 'errorHandler' || r.role === 'param'
            ? undefined
            : shadows.find((s) => mountCovers(s.path, r.path));
        if (by) {
          const what = r.exact
            ? `${routeLabel(r.method, pathText(r.path))} (\`${r.entry.name}\`)`
            : `\`${r.entry.name}\``;
          ctx.report({
            node: r.entry.node,
            message: `No request reaches ${what}: \`${by.entry.name}\`, registered earlier, answers every request under ${pathText(by.path)} without calling next().`,
            related: [{ message: 'the catch-all that answers first', node: by.entry.node }],
            routes: r.exact ? [routeLabel(r.method, pathText(r.path))] : [],
          });
          continue;
        }
        if (!r.exact && (r.role === 'catchAll' || r.role === 'middleware') && alwaysResponds(r))
          shadows.push(r);
      }
    }
  },
};

/** Every path responds or throws; none goes on to next or hands the request over. */
function alwaysResponds(r: Registration): boolean {
  const fn = r.entry.fn;
  if (!fn || r.entry.wraps) return false;
  const ends = factsOf(fn.node, r.convention).paths.ends;
  return (
    ends.length > 0 &&
    ends.every((e) => e.state.nexts.length === 0 && e.state.errors.length === 0 && !e.state.delegated) &&
    ends.some((e) => e.state.responses.length > 0)
  );
}
