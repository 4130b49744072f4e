import type { Registration } from '../analysis/lint-model';
import { mountCovers, pathText } from '../analysis/paths';
import { subtreeOf } from './containers';
import { routeLabel, type Rule } from './rule';
import { routesText } from './wording';

export const errorHandlerOrder: Rule = {
  meta: {
    id: 'error-handler-order',
    severity: 'warning',
    summary: 'An error handler registered where the errors it should catch cannot reach it.',
  },
  check(ctx) {
    for (const app of ctx.apps) {
      const order = app.order;
      // the scope's handler takes its errors wherever it was registered: no order to get wrong
      if (app.errorFlow === 'scoped') continue;
      if (app.errorFlow === 'unwind') {
        // A boundary only catches what runs after it (downstream of its await next()).
        order.forEach((r, i) => {
          if (r.role !== 'errorHandler' || i === 0) return;
          // what runs on its requests before it, and that no earlier boundary already catches
          const before = order
            .slice(0, i)
            .filter(
              (x, k) =>
                x.role !== 'errorHandler' &&
                x.role !== 'param' &&
                overlaps(r, x) &&
                !order.slice(0, k).some((b) => b.role === 'errorHandler' && overlaps(b, x)),
            );
          if (before.length === 0) return;
          ctx.report({
            node: r.entry.node,
            message: `\`${r.entry.name}\` catches errors only from what runs after it, but ${before.map((x) => `\`${x.entry.name}\``).join(', ')} ${before.length === 1 ? 'is' : 'are'} registered before it, so their errors escape it; register it first.`,
            related: [{ message: 'registered before the error boundary', node: before[0]!.entry.node }],
          });
        });
        continue;
      }
      order.forEach((handler, i) => {
        if (handler.role !== 'errorHandler' || handler.exact) return;
        const scope = subtreeOf(handler.container);
        const could = (r: Registration) =>
          r.role !== 'errorHandler' && r.role !== 'param' && scope.has(r.container) && overlaps(handler, r);
        if (order.slice(0, i).some(could)) return;
        const missed = order.slice(i + 1).filter((r) => could(r) && r.exact && r.role === 'handler');
        if (missed.length === 0) return;
        const labels = [...new Set(missed.map((r) => routeLabel(r.method, pathText(r.path))))];
        ctx.report({
          node: handler.entry.node,
          message: `\`${handler.entry.name}\` is registered before every route and middleware it could catch errors from, so errors from ${routesText(labels)} never reach it; register it after them.`,
          related: [{ message: `the first of them, ${labels[0]}`, location: missed[0]!.entry.registeredAt }],
          routes: labels,
        });
      });
    }
  },
};

function overlaps(handler: Registration, r: Registration): boolean {
  return mountCovers(handler.path, r.path) || (!r.exact && mountCovers(r.path, handler.path));
}
