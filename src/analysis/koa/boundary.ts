// A Koa error boundary: a middleware that awaits next() inside a try with a catch.
import { ts } from 'ts-morph';

export function isBoundary(fn: ts.FunctionLikeDeclaration): boolean {
  const next = fn.parameters[1];
  if (!next || !ts.isIdentifier(next.name) || !fn.body) return false;
  const name = next.name.text;
  let found = false;
  const visit = (n: ts.Node): void => {
    if (found || (ts.isFunctionLike(n) && n !== fn)) return;
    if (ts.isTryStatement(n) && n.catchClause && callsNext(n.tryBlock, name)) found = true;
    else ts.forEachChild(n, visit);
  };
  visit(fn.body);
  return found;
}

function callsNext(block: ts.Node, name: string): boolean {
  let found = false;
  const visit = (n: ts.Node): void => {
    if (found) return;
    if (ts.isCallExpression(n) && ts.isIdentifier(n.expression) && n.expression.text === name) found = true;
    else ts.forEachChild(n, visit);
  };
  visit(block);
  return found;
}
