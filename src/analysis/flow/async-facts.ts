// Facts about asynchronous work in a function: awaits no try covers, promise chains left
// floating, throws that escape into a timer or listener, and whether it catches rejections
// into `next` (what makes a local async wrapper safe).
import { ts } from 'ts-morph';
import type { Convention } from './convention';
import { ERROR_PARAM } from './flow-walker';

export interface AsyncFacts {
  isAsync: boolean;
  /** awaits and throws of an async function with no try/catch around them. */
  uncovered: ts.Node[];
  /** `p.then(...)` statements with no rejection handler, neither awaited nor returned. */
  floating: ts.Node[];
  /** a throw inside a callback that runs later, outside every middleware's reach. */
  escapingThrows: { thrown: ts.Node; via: ts.Node }[];
  /** it passes rejections or caught errors to `next` (`.catch(next)`, `catch (e) { next(e) }`). */
  forwardsErrors: boolean;
}

const SCHEDULERS = new Set(['setTimeout', 'setInterval', 'setImmediate', 'queueMicrotask']);
const LISTENERS = new Set(['on', 'once', 'addListener', 'prependListener', 'prependOnceListener']);

export function asyncFacts(fn: ts.FunctionLikeDeclaration, conv: Convention): AsyncFacts {
  const isAsync = !!ts.getModifiers(fn)?.some((m) => m.kind === ts.SyntaxKind.AsyncKeyword);
  const params = fn.parameters.filter((p) => !(ts.isIdentifier(p.name) && p.name.text === 'this'));
  const nextParam = conv.next === undefined ? undefined : params[conv.next];
  const next = nextParam && ts.isIdentifier(nextParam.name) ? nextParam.name.text : undefined;
  const facts: AsyncFacts = {
    isAsync,
    uncovered: [],
    floating: [],
    escapingThrows: [],
    forwardsErrors: false,
  };

  // Awaits and throws of the function itself (not of callbacks inside it).
  const own = (n: ts.Node, covered: boolean): void => {
    if (ts.isFunctionLike(n)) return;
    if (ts.isTryStatement(n)) {
      own(n.tryBlock, covered || !!n.catchClause);
      if (n.catchClause) own(n.catchClause.block, covered);
      if (n.finallyBlock) own(n.finallyBlock, covered);
      return;
    }
    if (isAsync && !covered && (ts.isAwaitExpression(n) || ts.isThrowStatement(n))) facts.uncovered.push(n);
    if (ts.isExpressionStatement(n) && (isFloatingChain(n.expression) || callsAsyncInScope(n.expression))) {
      facts.floating.push(n.expression);
    }
    ts.forEachChild(n, (c) => own(c, covered));
  };
  if (fn.body) own(fn.body, false);

  const visit = (n: ts.Node): void => {
    if (ts.isCallExpression(n)) {
      const scheduler = schedulerOf(n);
      for (const a of n.arguments) {
        if (!ts.isArrowFunction(a) && !ts.isFunctionExpression(a)) continue;
        const first = a.parameters[0];
        const errFirst =
          !!first &&
          ts.isIdentifier(first.name) &&
          ERROR_PARAM.test(first.name.text) &&
          a === n.arguments[n.arguments.length - 1];
        if (scheduler || errFirst)
          for (const t of throwsOf(a)) facts.escapingThrows.push({ thrown: t, via: n });
      }
      if (next && isCatchTo(n, next)) facts.forwardsErrors = true;
    }
    if (next && ts.isCatchClause(n) && callsWithArgument(n.block, next)) facts.forwardsErrors = true;
    ts.forEachChild(n, visit);
  };
  if (fn.body) visit(fn.body);
  return facts;
}

function schedulerOf(c: ts.CallExpression): boolean {
  const e = c.expression;
  if (ts.isIdentifier(e)) return SCHEDULERS.has(e.text);
  if (ts.isPropertyAccessExpression(e)) {
    if (LISTENERS.has(e.name.text)) return true;
    if (e.name.text === 'nextTick' && ts.isIdentifier(e.expression) && e.expression.text === 'process')
      return true;
  }
  return false;
}

/** Throws in a callback's own body, not caught there. */
function throwsOf(fn: ts.FunctionLikeDeclaration): ts.Node[] {
  const out: ts.Node[] = [];
  const visit = (n: ts.Node, caught: boolean): void => {
    if (ts.isFunctionLike(n) && n !== fn) return;
    if (ts.isTryStatement(n)) {
      visit(n.tryBlock, caught || !!n.catchClause);
      if (n.catchClause) visit(n.catchClause.block, caught);
      if (n.finallyBlock) visit(n.finallyBlock, caught);
      return;
    }
    if (ts.isThrowStatement(n) && !caught) out.push(n);
    ts.forEachChild(n, (c) => visit(c, caught));
  };
  if (fn.body) visit(fn.body, false);
  return out;
}

/** `x.then(a)`, `x.then(a).finally(b)`: a chain that starts work and handles no rejection. */
function isFloatingChain(e: ts.Expression): boolean {
  let sawThen = false;
  while (ts.isCallExpression(e) && ts.isPropertyAccessExpression(e.expression)) {
    const m = e.expression.name.text;
    if (m === 'catch' || (m === 'then' && e.arguments.length > 1)) return false;
    if (m === 'then') sawThen = true;
    else if (m !== 'finally') return false;
    e = e.expression.expression;
  }
  return sawThen;
}

/** `p.catch(next)`, `p.catch(err => next(err))`, `p.then(ok, next)`. */
function isCatchTo(c: ts.CallExpression, next: string): boolean {
  if (!ts.isPropertyAccessExpression(c.expression)) return false;
  const m = c.expression.name.text;
  const handler = m === 'catch' ? c.arguments[0] : m === 'then' ? c.arguments[1] : undefined;
  if (!handler) return false;
  if (ts.isIdentifier(handler)) return handler.text === next;
  return (
    (ts.isArrowFunction(handler) || ts.isFunctionExpression(handler)) && callsWithArgument(handler.body, next)
  );
}

function callsWithArgument(body: ts.Node, next: string): boolean {
  let found = false;
  const visit = (n: ts.Node): void => {
    if (found) return;
    if (
      ts.isCallExpression(n) &&
      ts.isIdentifier(n.expression) &&
      n.expression.text === next &&
      n.arguments.length > 0
    )
      found = true;
    else ts.forEachChild(n, visit);
  };
  visit(body);
  return found;
}

/** `audit(req);` where `audit` is an async function declared in an enclosing scope: its promise is dropped. */
function callsAsyncInScope(e: ts.Expression): boolean {
  if (!ts.isCallExpression(e) || !ts.isIdentifier(e.expression)) return false;
  const name = e.expression.text;
  for (let scope: ts.Node | undefined = e.parent; scope; scope = scope.parent) {
    const statements = ts.isBlock(scope) || ts.isSourceFile(scope) ? scope.statements : undefined;
    for (const st of statements ?? []) {
      if (ts.isFunctionDeclaration(st) && st.name?.text === name) return isAsyncFn(st);
      if (ts.isVariableStatement(st)) {
        for (const d of st.declarationList.declarations) {
          if (ts.isIdentifier(d.name) && d.name.text === name) {
            return (
              !!d.initializer &&
              (ts.isArrowFunction(d.initializer) || ts.isFunctionExpression(d.initializer)) &&
              isAsyncFn(d.initializer)
            );
          }
        }
      }
    }
  }
  return false;
}

function isAsyncFn(fn: ts.FunctionLikeDeclaration): boolean {
  return !!ts.getModifiers(fn)?.some((m) => m.kind === ts.SyntaxKind.AsyncKeyword);
}
