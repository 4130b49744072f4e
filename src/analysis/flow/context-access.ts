// Which request-scoped values a function writes and reads: `req.X`, `res.locals.X`, `ctx.state.X`.
import { ts } from 'ts-morph';
import type { Convention } from './convention';

export type Store = 'req' | 'res.locals' | 'ctx.state';

export interface ContextAccess {
  store: Store;
  key: string;
  node: ts.Node;
  /** a write that keeps the old value (`req.x = req.x || y`, `??=`, `{ ...req.x }`). */
  additive: boolean;
}

export interface ContextFacts {
  writes: ContextAccess[];
  reads: ContextAccess[];
}

/** Set by Express, Node or common packages: never reported as missing or overwritten. */
const PROVIDED_REQ = new Set(
  (
    'app baseUrl body cookies fresh host hostname ip ips method originalUrl params path protocol query route secure ' +
    'signedCookies stale subdomains xhr accepts acceptsCharsets acceptsEncodings acceptsLanguages get header is range ' +
    'param headers rawHeaders url httpVersion httpVersionMajor httpVersionMinor socket connection complete aborted ' +
    'trailers rawTrailers statusCode statusMessage on once off emit pipe unpipe read setEncoding destroy readable ' +
    'res next session sessionID file files flash csrfToken id log'
  ).split(' '),
);

export function contextFacts(fn: ts.FunctionLikeDeclaration, conv: Convention): ContextFacts {
  const params = fn.parameters.filter((p) => !(ts.isIdentifier(p.name) && p.name.text === 'this'));
  const nameAt = (i: number | undefined) => {
    const p = i === undefined ? undefined : params[i];
    return p && ts.isIdentifier(p.name) ? p.name.text : undefined;
  };
  const req = nameAt(conv.req);
  const res = nameAt(conv.res);
  const ctx = nameAt(conv.ctx);
  const writes: ContextAccess[] = [];
  const reads: ContextAccess[] = [];

  /** `req.X` / `res.locals.X` / `ctx.state.X`: the store and key, when `e` is one. */
  const access = (e: ts.Expression): { store: Store; key: string } | undefined => {
    if (!ts.isPropertyAccessExpression(e)) return undefined;
    const key = e.name.text;
    const base = e.expression;
    if (req && ts.isIdentifier(base) && base.text === req)
      return PROVIDED_REQ.has(key) ? undefined : { store: 'req', key };
    if (ts.isPropertyAccessExpression(base) && ts.isIdentifier(base.expression)) {
      if (res && base.expression.text === res && base.name.text === 'locals')
        return { store: 'res.locals', key };
      if (ctx && base.expression.text === ctx && base.name.text === 'state')
        return { store: 'ctx.state', key };
    }
    return undefined;
  };
  /** `res.locals` / `ctx.state` / `req` themselves, for destructuring and Object.assign. */
  const storeOf = (e: ts.Expression): Store | undefined => {
    if (req && ts.isIdentifier(e) && e.text === req) return 'req';
    if (ts.isPropertyAccessExpression(e) && ts.isIdentifier(e.expression)) {
      if (res && e.expression.text === res && e.name.text === 'locals') return 'res.locals';
      if (ctx && e.expression.text === ctx && e.name.text === 'state') return 'ctx.state';
    }
    return undefined;
  };

  const visit = (n: ts.Node): void => {
    if (ts.isBinaryExpression(n) && isAssignment(n.operatorToken.kind)) {
      const a = access(n.left as ts.Expression);
      if (a) {
        const text = (n.left as ts.Expression).getText();
        const additive =
          n.operatorToken.kind !== ts.SyntaxKind.EqualsToken ||
          mentions(n.right, text) ||
          guarded(n, text, fn);
        writes.push({ ...a, node: n.left, additive });
        visit(n.right);
        return;
      }
    }
    if (ts.isCallExpression(n) && isObjectAssign(n) && n.arguments[0]) {
      const store = storeOf(n.arguments[0]);
      if (store) {
        for (const src of n.arguments.slice(1)) {
          if (!ts.isObjectLiteralExpression(src)) continue;
          for (const p of src.properties) {
            const key =
              p.name && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) ? p.name.text : undefined;
            if (key && !(store === 'req' && PROVIDED_REQ.has(key)))
              writes.push({ store, key, node: p, additive: false });
          }
        }
      }
    }
    if (ts.isVariableDeclaration(n) && n.initializer && ts.isObjectBindingPattern(n.name)) {
      const store = storeOf(n.initializer);
      if (store) {
        for (const el of n.name.elements) {
          const key = (el.propertyName ?? el.name) as ts.Node;
          if (ts.isIdentifier(key) && !(store === 'req' && PROVIDED_REQ.has(key.text))) {
            reads.push({ store, key: key.text, node: el, additive: false });
          }
        }
      }
    }
    if (ts.isPropertyAccessExpression(n)) {
      const a = access(n);
      if (a) {
        reads.push({ ...a, node: n, additive: false });
        return;
      }
    }
    // A nested function that takes its own `req`/`res` is not about this request.
    if (
      ts.isFunctionLike(n) &&
      n !== fn &&
      n.parameters.some((p) => ts.isIdentifier(p.name) && [req, res, ctx].includes(p.name.text))
    ) {
      return;
    }
    ts.forEachChild(n, visit);
  };
  if (fn.body) visit(fn.body);
  // What a function writes itself it may read back.
  const own = new Set(writes.map((w) => `${w.store}.${w.key}`));
  return { writes, reads: reads.filter((r) => !own.has(`${r.store}.${r.key}`)) };
}

/** `if (!req.user) req.user = guest`: a write that only happens when the old value is absent. */
function guarded(n: ts.Node, text: string, fn: ts.Node): boolean {
  for (let p = n.parent; p && p !== fn; p = p.parent) {
    let cond: ts.Node | undefined;
    if (ts.isIfStatement(p)) cond = p.expression;
    else if (ts.isConditionalExpression(p)) cond = p.condition;
    else if (
      ts.isBinaryExpression(p) &&
      (p.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken ||
        p.operatorToken.kind === ts.SyntaxKind.BarBarToken)
    )
      cond = p.left;
    if (cond && mentions(cond, text)) return true;
  }
  return false;
}

function isAssignment(k: ts.SyntaxKind): boolean {
  return k >= ts.SyntaxKind.FirstAssignment && k <= ts.SyntaxKind.LastAssignment;
}

function isObjectAssign(c: ts.CallExpression): boolean {
  const e = c.expression;
  return (
    ts.isPropertyAccessExpression(e) &&
    ts.isIdentifier(e.expression) &&
    e.expression.text === 'Object' &&
    e.name.text === 'assign'
  );
}

function mentions(e: ts.Node, text: string): boolean {
  let found = false;
  const visit = (n: ts.Node): void => {
    if (found) return;
    if (ts.isPropertyAccessExpression(n) && n.getText() === text) found = true;
    else ts.forEachChild(n, visit);
  };
  visit(e);
  return found;
}
