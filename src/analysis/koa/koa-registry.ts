// What the Koa front end learns while the app starts that the shared layers cannot hold: router
// prefixes, which containers stand for a koa-mount call, how much of a router or sub-app a
// nesting copied, and which entries are a router's allowedMethods().
import { ts } from 'ts-morph';
import type { Convention } from '../flow/convention';
import type { Container, Entry, PathSpec } from '../values';

/** `router.param(name, (value, ctx, next) => ...)` */
export const KOA_PARAM: Convention = { ctx: 1, next: 2, nextReturnsPromise: true, settleAnswers: true };

/** The `module` of the value `router.allowedMethods()` gives: it is no item of any chain. */
export const ALLOWED_METHODS = '@koa/router#allowedMethods';

export class KoaRegistry {
  /** `new Router({ prefix })`, `router.prefix(p)`. */
  readonly prefixes = new WeakMap<Container, PathSpec>();
  /** containers that stand for `mount(path?, target)`: one `use` layer with the path. */
  readonly mounts = new WeakSet<Container>();
  /**
   * `router.use(path, sub.routes())` copies the layers `sub` has at that moment, and
   * `mount(subApp)` composes the middleware the sub-app has then: later ones never run.
   */
  readonly snapshots = new WeakMap<Entry, number>();

  isAllowedMethods(e: Entry): boolean {
    return e.module === ALLOWED_METHODS && !e.fn && !e.container;
  }

  /** How many of a nested router's or mounted app's layers run, or all of them. */
  layersOf(c: Container, via?: Entry): Container['layers'] {
    const n = via ? this.snapshots.get(via) : undefined;
    return n === undefined ? c.layers : c.layers.slice(0, n);
  }
}

/** A Koa middleware that cannot call next (one parameter): it ends every request it gets. */
export function cannotCallNext(e: Entry): boolean {
  const fn = e.fn;
  return (
    fn !== undefined &&
    !e.wraps &&
    (e.arity ?? 2) < 2 &&
    fn.node.parameters.length < 2 &&
    !fn.node.parameters.some((p) => p.dotDotDotToken) &&
    !usesArguments(fn.node)
  );
}

function usesArguments(fn: ts.FunctionLikeDeclaration): boolean {
  let found = false;
  const visit = (n: ts.Node): void => {
    if (found) return;
    if (ts.isIdentifier(n) && n.text === 'arguments') found = true;
    else if (!(ts.isFunctionLike(n) && !ts.isArrowFunction(n) && n !== fn)) ts.forEachChild(n, visit);
  };
  if (fn.body) visit(fn.body);
  return found;
}
