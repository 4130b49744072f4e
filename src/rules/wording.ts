// Shared wording and locations for rule messages.
import { ts } from 'ts-morph';
import type { FuncValue } from '../analysis/values';

/** "GET /a", "GET /a and GET /b", "GET /a and 4 other routes"; `fallback` when none. */
export function routesText(routes: readonly string[], fallback = 'the request'): string {
  if (routes.length === 0) return fallback;
  if (routes.length === 1) return routes[0]!;
  if (routes.length === 2) return `${routes[0]} and ${routes[1]}`;
  return `${routes[0]} and ${routes.length - 1} other routes`;
}

export function lineOf(node: ts.Node): number {
  return node.getSourceFile().getLineAndCharacterOfPosition(node.getStart()).line + 1;
}

/** The node that names a function: its name, the variable it is assigned to, or the function. */
export function nameNode(fn: FuncValue): ts.Node {
  const n = fn.node;
  if (n.name) return n.name;
  const p = n.parent;
  if (p && (ts.isVariableDeclaration(p) || ts.isPropertyAssignment(p) || ts.isPropertyDeclaration(p)))
    return p.name;
  return n;
}
