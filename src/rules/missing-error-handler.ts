import type { Rule } from './rule';

export const missingErrorHandler: Rule = {
  meta: {
    id: 'missing-error-handler',
    severity: 'warning',
    summary: 'An app with no error handler of its own: errors reach the framework default, with no context.',
  },
  check(ctx) {
    for (const app of ctx.apps) {
      if (app.routes.length === 0 || app.order.some((r) => r.role === 'errorHandler')) continue;
      ctx.report({
        node: app.container.node,
        message: `This app has no error handler of its own: an error from any of its ${app.routes.length} route${app.routes.length === 1 ? '' : 's'} reaches the framework's default handler, which answers with a bare 500 (a stack trace in development) and logs no request context.`,
      });
    }
  },
};
