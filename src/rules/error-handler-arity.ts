import { ts } from 'ts-morph';
import { ERROR_PARAM } from '../analysis/flow/flow-walker';
import { pathText } from '../analysis/paths';
import { routeLabel, type Rule } from './rule';

export const errorHandlerArity: Rule = {
  meta: {
    id: 'error-handler-arity',
    severity: 'error',
    summary:
      'A function written as an error handler without four parameters, or a four-parameter function used as normal middleware.',
  },
  check(ctx) {
    for (const app of ctx.apps) {
      // Connect has the same rule as Express (`fn.length === 4`): name the framework the app uses.
      const framework = app.json.framework === 'connect' ? 'Connect' : 'Express';
      for (const r of app.order) {
        const fn = r.entry.fn;
        if (!fn || r.role === 'param') continue;
        const params = fn.node.parameters.filter((p) => !(ts.isIdentifier(p.name) && p.name.text === 'this'));
        const first = params[0] && ts.isIdentifier(params[0].name) ? params[0].name.text : undefined;
        const arity = r.entry.arity ?? params.length;
        if (
          r.role !== 'errorHandler' &&
          first &&
          ERROR_PARAM.test(first) &&
          arity < 4 &&
          params.length >= 2
        ) {
          ctx.report({
            node: r.entry.node,
            message: `\`${r.entry.name}\` takes the error first but has ${arity} parameter${arity === 1 ? '' : 's'}, so ${framework} calls it as normal middleware with (req, res, next) and it never sees an error; declare all four: (err, req, res, next).`,
            related: fn.node.name ? [{ message: 'defined here', node: fn.node.name }] : [],
          });
        } else if (
          r.role === 'errorHandler' &&
          first &&
          !ERROR_PARAM.test(first) &&
          /^(req|request)$/.test(first)
        ) {
          const where = r.exact
            ? routeLabel(r.method, pathText(r.path))
            : `requests under ${pathText(r.path)}`;
          ctx.report({
            node: r.entry.node,
            message: `\`${r.entry.name}\` has four parameters, so ${framework} treats it as an error handler and skips it for normal requests: ${where} never runs it.`,
          });
        }
      }
    }
  },
};
