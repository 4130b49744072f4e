import { ts } from 'ts-morph';
import { describe, fitsConvention, type Rule } from './rule';
import { routesText } from './wording';

export const swallowedError: Rule = {
  meta: {
    id: 'swallowed-error',
    severity: 'warning',
    summary: 'A catch inside a middleware neither passes the error on nor responds: the error disappears.',
  },
  check(ctx) {
    for (const f of ctx.functions) {
      if (!fitsConvention(f)) continue;
      for (const node of ctx.facts(f).paths.swallows) {
        const what = ts.isCatchClause(node)
          ? 'The error caught here'
          : ts.isParameter(node)
            ? `The \`${node.getText()}\` this callback receives`
            : 'The rejection this .catch() handles';
        ctx.report({
          node: ts.isCatchClause(node) ? node.getFirstToken()! : node,
          message: `${what} in ${describe(f)} is neither passed to next(err), rethrown nor answered, so it disappears and ${routesText(f.routes)} never finishes properly.`,
          routes: f.routes,
        });
      }
    }
  },
};
