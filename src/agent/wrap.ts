// For frameworks that give no seam below the user's function (Koa, Connect, Fastify hooks), the
// function itself is wrapped, in a Proxy: `length` (Connect and Fastify decide the calling
// style by it), `name`, `constructor` (Fastify tells async hooks by it), the prototype and any
// property the app or a plugin set, read or written later, all stay the target's.
type AnyFunction = (...args: never[]) => unknown;

const originals = new WeakMap<object, AnyFunction>();

export type ApplyTrap<F extends AnyFunction> = (
  target: F,
  thisArg: unknown,
  args: Parameters<F>,
) => ReturnType<F>;

export function wrapFunction<F extends AnyFunction>(target: F, apply: ApplyTrap<F>): F {
  if (originals.has(target)) return target; // already ours
  const proxy = new Proxy(target, { apply: apply as ProxyHandler<F>['apply'] });
  originals.set(proxy, target);
  return proxy;
}

/** The app's own function behind a wrapper, or `fn` itself. */
export function unwrap<F extends AnyFunction>(fn: F): F {
  return (originals.get(fn) as F | undefined) ?? fn;
}

export function isWrapped(fn: unknown): boolean {
  return typeof fn === 'function' && originals.has(fn);
}
