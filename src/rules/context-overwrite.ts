import type { ContextAccess } from '../analysis/flow/context-access';
import { routeLabel, type LintFunction, type Rule } from './rule';
import { routesText } from './wording';
import { chainFunctions } from './chain-functions';

export const contextOverwrite: Rule = {
  meta: {
    id: 'context-overwrite',
    severity: 'warning',
    summary: 'Two middleware on one chain write the same req.X / res.locals.X / ctx.state.X.',
  },
  check(ctx) {
    const found = new Map<
      ContextAccess,
      { first: { f: LintFunction; w: ContextAccess }; second: LintFunction; routes: string[] }
    >();
    for (const app of ctx.apps) {
      for (const route of app.routes) {
        const label = routeLabel(route.json.method, route.json.path);
        const writers = new Map<string, { f: LintFunction; w: ContextAccess }>();
        for (const f of chainFunctions(ctx, app, route.chain)) {
          for (const w of ctx.facts(f).context.writes) {
            const key = `${w.store}.${w.key}`;
            const before = writers.get(key);
            if (before && before.f.fn.node !== f.fn.node && !w.additive) {
              const hit = found.get(w) ?? { first: before, second: f, routes: [] };
              if (!hit.routes.includes(label)) hit.routes.push(label);
              found.set(w, hit);
            } else if (!before) writers.set(key, { f, w });
          }
        }
      }
    }
    for (const [w, { first, second, routes }] of found) {
      ctx.report({
        node: w.node,
        message: `\`${second.name}\` overwrites ${w.store}.${w.key}, which \`${first.f.name}\` already set earlier on ${routesText(routes)}: the earlier value is lost.`,
        related: [{ message: `\`${first.f.name}\` sets it here`, node: first.w.node }],
        routes,
      });
    }
  },
};
