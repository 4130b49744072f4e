import { ts } from 'ts-morph';
import { describe, type Rule } from './rule';

export const unawaitedNext: Rule = {
  meta: {
    id: 'unawaited-next',
    severity: 'warning',
    summary: 'Koa/Hono: next() called without await or return, so downstream errors and timing escape.',
  },
  check(ctx) {
    for (const f of ctx.functions) {
      if (!f.convention.nextReturnsPromise || f.convention.next === undefined) continue;
      const param = f.fn.node.parameters[f.convention.next];
      if (!param || !ts.isIdentifier(param.name) || !f.fn.node.body) continue;
      const next = param.name.text;
      const visit = (n: ts.Node): void => {
        if (ts.isFunctionLike(n) && n !== f.fn.node) return;
        if (
          ts.isCallExpression(n) &&
          ts.isIdentifier(n.expression) &&
          n.expression.text === next &&
          !awaited(n)
        ) {
          ctx.report({
            node: n,
            message: `${describe(f)} calls next() without await or return: errors thrown downstream escape it and it finishes before the rest of the chain does.`,
            routes: f.routes,
          });
        }
        ts.forEachChild(n, visit);
      };
      visit(f.fn.node.body);
    }
  },
};

function awaited(call: ts.CallExpression): boolean {
  let p: ts.Node = call.parent;
  while (ts.isParenthesizedExpression(p)) p = p.parent;
  if (ts.isAwaitExpression(p) || ts.isReturnStatement(p) || ts.isArrowFunction(p)) return true;
  // next().then(...) handles it too
  return ts.isPropertyAccessExpression(p) && (p.name.text === 'then' || p.name.text === 'catch');
}
