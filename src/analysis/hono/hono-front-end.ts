// Hono 4: `new Hono()`, what `use`, `get`/`post`/…/`all`/`on`, `route`, `basePath`, `onError` and
// `notFound` register. Middleware from `hono/*` packages (`logger()`, `cors()`, `jwt({...})`) are
// package functions, named after the factory call. A `basePath()` app shares its parent's router:
// what it registers lands on the parent with the base path joined.
import { ts } from 'ts-morph';
import { entriesFrom, pathSpecOf } from '../entries';
import { containerAt, type FrontEnd } from '../front-end';
import { short, type Interpreter } from '../interpreter';
import { joinPath } from '../paths';
import { unknown, type CallSite, type Container, type PathSpec, type Value } from '../values';
import { honoRoutes, mountedLayers } from './hono-chains';
import { honoTree } from './hono-tree';

const METHODS = ['get', 'post', 'put', 'delete', 'options', 'patch', 'all'];
/** Packages that export the `Hono` class (presets with another router). */
const HONO_PACKAGES = new Set(['hono', 'hono/tiny', 'hono/quick']);

/** A `basePath()` app: registrations go to `root` under `base`. */
interface View {
  root: Container;
  base: PathSpec;
}
const views = new WeakMap<Container, View>();
/** The path a `get(handler)` without a path uses: the last one `use`/`get`/… were given. */
const lastPath = new WeakMap<Container, PathSpec>();

export class HonoFrontEnd implements FrontEnd {
  readonly registrationMethods: ReadonlySet<string> = new Set([
    ...METHODS,
    'use',
    'on',
    'route',
    'onError',
    'notFound',
    'mount',
  ]);
  readonly errorFlow = 'scoped';
  readonly routes = honoRoutes;
  readonly tree = honoTree;

  packageValue(_name: string, specifier: string, interp: Interpreter): Value | undefined {
    if (!HONO_PACKAGES.has(specifier)) return undefined;
    const create = (site: CallSite): Value => containerAt(interp, site, this, 'hono', 'app', 'app');
    return { k: 'builtin', name: 'hono', props: { Hono: { k: 'builtin', name: 'Hono', call: create } } };
  }

  callMethod(c: Container, method: string, site: CallSite, interp: Interpreter): Value {
    const self: Value = { k: 'container', c };
    const view = views.get(c);
    const root = view?.root ?? c;
    const base = view?.base;
    const at = registrationLoc(site, interp);
    const args = site.args;
    const conditional = site.conditional;
    if (method === 'use') {
      const hasPath = args[0]?.value.k === 'str' || looksComputed(args[0]);
      const local = hasPath ? pathSpecOf(args[0]!) : [{ kind: 'string' as const, text: '*' }];
      if (local[0]) lastPath.set(c, local[0]);
      const entries = entriesFrom(hasPath ? args.slice(1) : args, site, interp);
      interp.addLayer(root, {
        type: 'use',
        paths: local.map((p) => under(base, p)),
        entries,
        at,
        conditional,
      });
      return self;
    }
    if (METHODS.includes(method)) {
      const hasPath = args[0]?.value.k === 'str' || looksComputed(args[0]);
      const local = hasPath
        ? pathSpecOf(args[0]!)
        : [lastPath.get(c) ?? { kind: 'string' as const, text: '/' }];
      if (local[0]) lastPath.set(c, local[0]);
      interp.addLayer(root, {
        type: 'route',
        method: method.toUpperCase(),
        paths: local.map((p) => under(base, p)),
        entries: entriesFrom(hasPath ? args.slice(1) : args, site, interp),
        at,
        conditional,
      });
      return self;
    }
    if (method === 'on' && args.length >= 2) {
      const m = args[0]!.value;
      const names = m.k === 'arr' ? m.items : [m];
      const paths = pathSpecOf(args[1]!).map((p) => under(base, p));
      const entries = entriesFrom(args.slice(2), site, interp);
      for (const n of names) {
        interp.addLayer(root, {
          type: 'route',
          method: n.k === 'str' ? n.v.toUpperCase() : `<${short(args[0]!.node.getText())}>`,
          paths,
          entries,
          at,
          conditional,
        });
      }
      return self;
    }
    if (method === 'route' && args.length >= 2) {
      const entries = entriesFrom(args.slice(1, 2), site, interp).map((e) => {
        if (!e.container) return e;
        const sub = views.get(e.container)?.root ?? e.container;
        const mounted = { ...e, container: sub };
        mountedLayers.set(mounted, sub.layers.length);
        return mounted;
      });
      interp.addLayer(root, {
        type: 'use',
        paths: pathSpecOf(args[0]!).map((p) => under(base, p)),
        entries,
        at,
        conditional,
      });
      return self;
    }
    if (method === 'basePath' && args[0]) {
      const clone = containerAt(interp, site, this, 'hono', 'router', c.name);
      if (clone.k === 'container') {
        const [p] = pathSpecOf(args[0]);
        views.set(clone.c, { root, base: under(base, p!) });
      }
      return clone;
    }
    if (method === 'onError' || method === 'notFound') {
      const hook = method;
      const entries = entriesFrom(args.slice(0, 1), site, interp).map((e) => ({ ...e, hook }));
      interp.addLayer(root, { type: 'use', paths: null, entries, at, conditional });
      return self;
    }
    if (method === 'mount' && args[0]) {
      interp.addLayer(root, {
        type: 'unresolved',
        name: short(site.node.getText(interp.fileOf(site.file).sf)),
        reason: `mount() hands requests under ${short(args[0].node.getText())} to another framework's fetch handler, which is not followed`,
        at,
      });
      return self;
    }
    return unknown(`${c.name}.${method}()`);
  }

  /** Hono awaits every handler and middleware: a rejection reaches `onError`. */
  forwardsRejections(): boolean {
    return true;
  }
}

/** `p` under a `basePath()` prefix, as one path. */
function under(base: PathSpec | undefined, p: PathSpec): PathSpec {
  if (!base) return p;
  const joined = joinPath([base], p);
  if (joined.length === 1) return { ...joined[0]!, ...(p.conditional ? { conditional: true } : {}) };
  const unresolved = joined.some((s) => s.kind === 'unresolved');
  return {
    kind: unresolved ? 'unresolved' : 'regex',
    text: joined.map((s) => s.text).join(''),
    ...(p.conditional ? { conditional: true } : {}),
  };
}

/** A template or concatenation whose value is not known: still a path. */
function looksComputed(arg: CallSite['args'][number] | undefined): boolean {
  if (!arg || arg.value.k !== 'unknown') return false;
  const n = arg.node;
  return (
    ts.isTemplateExpression(n) ||
    (ts.isBinaryExpression(n) && n.operatorToken.kind === ts.SyntaxKind.PlusToken)
  );
}

/** Where a registration is written: the method name, so chained `.get().post()` each get their line. */
function registrationLoc(site: CallSite, interp: Interpreter) {
  const callee = site.node.expression;
  const node = ts.isPropertyAccessExpression(callee) ? callee.name : site.node;
  return interp.loc(interp.fileOf(site.file), node);
}
