import { ts } from 'ts-morph';
import type { FunctionFacts } from '../analysis/flow/facts';
import { describe, fitsConvention, type LintFunction, type Rule } from './rule';
import { routesText } from './wording';

/** A swallow the rule reports: the catch (a catch clause, a `.catch` callback or an err-first parameter), its function, and the node the finding points at. */
export interface Swallow {
  f: LintFunction;
  node: ts.Node;
  reported: ts.Node;
}

/** Every swallow in the functions, in the order the rule reports them (the debugger's breakpoints use this too). */
export function* swallowsOf(
  functions: readonly LintFunction[],
  facts: (f: LintFunction) => FunctionFacts,
): Generator<Swallow> {
  for (const f of functions) {
    if (!fitsConvention(f)) continue;
    for (const node of facts(f).paths.swallows)
      yield { f, node, reported: ts.isCatchClause(node) ? node.getFirstToken()! : node };
  }
}

export const swallowedError: Rule = {
  meta: {
    id: 'swallowed-error',
    severity: 'warning',
    summary: 'A catch inside a middleware neither passes the error on nor responds: the error disappears.',
  },
  check(ctx) {
    for (const { f, node, reported } of swallowsOf(ctx.functions, (f) => ctx.facts(f))) {
      const what = ts.isCatchClause(node)
        ? 'The error caught here'
        : ts.isParameter(node)
          ? `The \`${node.getText()}\` this callback receives`
          : 'The rejection this .catch() handles';
      ctx.report({
        node: reported,
        message: `${what} in ${describe(f)} is neither passed to next(err), rethrown nor answered, so it disappears and ${routesText(f.routes)} never finishes properly.`,
        routes: f.routes,
      });
    }
  },
};
