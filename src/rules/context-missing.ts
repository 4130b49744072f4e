import type { ContextAccess } from '../analysis/flow/context-access';
import { routeLabel, type LintFunction, type Rule } from './rule';
import { chainFunctions } from './chain-functions';
import { routesText } from './wording';

export const contextMissing: Rule = {
  meta: {
    id: 'context-missing',
    severity: 'warning',
    summary:
      'A handler reads req.X / res.locals.X / ctx.state.X that nothing earlier on its chain writes, while another chain does.',
  },
  check(ctx) {
    const found = new Map<
      ContextAccess,
      { f: LintFunction; routes: string[]; writers: { f: LintFunction; w: ContextAccess }[] }
    >();
    for (const app of ctx.apps) {
      // who writes what anywhere in the app
      const writersOf = new Map<string, { f: LintFunction; w: ContextAccess }[]>();
      for (const f of ctx.functions) {
        if (f.app !== app) continue;
        for (const w of ctx.facts(f).context.writes) {
          const key = `${w.store}.${w.key}`;
          const list = writersOf.get(key) ?? [];
          if (!list.some((x) => x.f.fn.node === f.fn.node)) list.push({ f, w });
          writersOf.set(key, list);
        }
      }
      for (const route of app.routes) {
        const label = routeLabel(route.json.method, route.json.path);
        const written = new Set<string>();
        for (const e of route.chain) if (e.module) for (const key of setByPackage(e.module)) written.add(key);
        for (const f of chainFunctions(ctx, app, route.chain)) {
          const facts = ctx.facts(f).context;
          for (const r of facts.reads) {
            const key = `${r.store}.${r.key}`;
            const writers = writersOf.get(key);
            if (written.has(key) || !writers) continue;
            const hit = found.get(r) ?? { f, routes: [], writers };
            if (!hit.routes.includes(label)) hit.routes.push(label);
            found.set(r, hit);
          }
          for (const w of facts.writes) written.add(`${w.store}.${w.key}`);
        }
      }
    }
    for (const [r, { f, routes, writers }] of found) {
      ctx.report({
        node: r.node,
        message: `\`${f.name}\` reads ${r.store}.${r.key}, but nothing before it on ${routesText(routes)} sets it (\`${writers[0]!.f.name}\` does, on other chains).`,
        related: writers
          .slice(0, 3)
          .map((x) => ({ message: `\`${x.f.name}\` sets ${r.store}.${r.key} here`, node: x.w.node })),
        routes,
      });
    }
  },
};

/**
 * What middleware from a package sets on the request, when it is known: authentication
 * packages (passport and its strategies, express-jwt, ...) set req.user / req.auth.
 */
function setByPackage(module: string): string[] {
  return /passport|jwt|auth|session|oauth|openid|clerk|firebase/i.test(module)
    ? ['req.user', 'req.auth', 'req.authInfo']
    : [];
}
