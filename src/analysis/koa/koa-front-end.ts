// Koa 2/3: `new Koa()` and `app.use(fn)` in koa-compose order; @koa/router and koa-router
// (prefix, methods, named routes, `use` with nested routers, `param`, `routes()`,
// `allowedMethods()`); koa-mount (`mount('/x', subApp)`, `mount('/x', fn)`); koa-compose.
// Dispatch order and error unwinding are in koa-chains.ts, the tree in koa-tree.ts.
import { METHODS } from 'node:http';
import { ts } from 'ts-morph';
import { entriesFrom, looksLikePath, pathSpecOf } from '../entries';
import { containerAt, type FrontEnd } from '../front-end';
import { short, type Interpreter } from '../interpreter';
import type { Item } from '../model';
import {
  unknown,
  type BuiltinValue,
  type CallSite,
  type Container,
  type Entry,
  type PathSpec,
  type Value,
} from '../values';
import { koaRoutes } from './koa-chains';
import { ALLOWED_METHODS, KoaRegistry } from './koa-registry';
import { koaTree } from './koa-tree';

const ROUTE_METHODS = new Set([...METHODS.map((m) => m.toLowerCase()), 'all', 'del']);
const ROUTER_PACKAGES = new Set(['@koa/router', 'koa-router']);

export class KoaFrontEnd implements FrontEnd {
  readonly registrationMethods: ReadonlySet<string> = new Set([...ROUTE_METHODS, 'use', 'param']);
  readonly errorFlow = 'unwind';
  private readonly reg = new KoaRegistry();
  readonly routes = (app: Container, wrapsLoc: (e: Entry) => Item['wraps']) =>
    koaRoutes(app, this.reg, wrapsLoc);
  readonly tree = (app: Container) => koaTree(app, this.reg);

  packageValue(name: string, _specifier: string, interp: Interpreter): Value | undefined {
    if (name === 'koa' || name === 'koa2') {
      const create = (site: CallSite): Value => containerAt(interp, site, this, 'koa', 'app', 'app');
      return this.module('Koa', create);
    }
    if (ROUTER_PACKAGES.has(name)) return this.module('Router', (site) => this.newRouter(site, interp));
    if (name === 'koa-mount') return this.module('mount', (site) => this.mount(site, interp));
    // compose([a, b]) runs a, then b: the same as registering them in turn
    if (name === 'koa-compose')
      return this.module('compose', (site) => site.args[0]?.value ?? unknown('compose()'));
    return undefined;
  }

  private module(name: string, call: (site: CallSite) => Value): BuiltinValue {
    const fn: BuiltinValue = { k: 'builtin', name, call };
    return { k: 'builtin', name, call, props: { default: fn, [name]: fn } };
  }

  private newRouter(site: CallSite, interp: Interpreter): Value {
    const v = containerAt(interp, site, this, 'koa', 'router', 'router');
    if (v.k !== 'container') return v;
    this.reg.prefixes.delete(v.c);
    const opts = site.args[0]?.value;
    if (opts?.k === 'obj' && opts.props.has('prefix')) {
      const raw = opts.props.get('prefix')!;
      const p = raw.k === 'lazy' ? raw.get() : raw;
      this.setPrefix(v.c, p, '<prefix>');
    }
    return v;
  }

  private setPrefix(c: Container, p: Value, text: string): void {
    if (p.k === 'str') this.reg.prefixes.set(c, { kind: 'string', text: p.v.replace(/\/$/, '') });
    else this.reg.prefixes.set(c, { kind: 'unresolved', text });
  }

  /** `mount(path?, appOrFn)`: a container of one `use` layer under the path. */
  private mount(site: CallSite, interp: Interpreter): Value {
    const hasPath = looksLikePath(site.args[0]);
    const path: PathSpec = hasPath ? pathSpecOf(site.args[0]!)[0]! : { kind: 'string', text: '/' };
    const v = containerAt(
      interp,
      site,
      this,
      'koa',
      'router',
      short(site.node.getText(interp.fileOf(site.file).sf)),
    );
    if (v.k !== 'container') return v;
    if (!site.nameHint) v.c.name = short(site.node.getText(interp.fileOf(site.file).sf));
    this.reg.mounts.add(v.c);
    const entries = entriesFrom(hasPath ? site.args.slice(1, 2) : site.args.slice(0, 1), site, interp);
    // koa-mount composes a sub-app's middleware when it is called
    for (const e of entries)
      if (e.container?.kind === 'app') this.reg.snapshots.set(e, e.container.layers.length);
    interp.addLayer(v.c, {
      type: 'use',
      paths: [path],
      entries,
      at: interp.loc(interp.fileOf(site.file), site.node),
      conditional: site.conditional,
    });
    return v;
  }

  callMethod(c: Container, method: string, site: CallSite, interp: Interpreter): Value {
    const self: Value = { k: 'container', c };
    if (c.kind === 'app') {
      if (method !== 'use') return unknown(`${c.name}.${method}()`);
      interp.addLayer(c, {
        type: 'use',
        paths: null,
        entries: entriesFrom(site.args, site, interp),
        at: registrationLoc(site, interp),
        conditional: site.conditional,
      });
      return self;
    }
    if (this.reg.mounts.has(c)) return unknown(`${c.name}.${method}()`);
    return this.routerMethod(c, method, site, interp);
  }

  private routerMethod(c: Container, method: string, site: CallSite, interp: Interpreter): Value {
    const self: Value = { k: 'container', c };
    const args = site.args;
    const at = registrationLoc(site, interp);
    switch (method) {
      case 'routes':
      case 'middleware':
        return self;
      case 'allowedMethods':
        return {
          k: 'external',
          name: short(site.node.getText(interp.fileOf(site.file).sf)),
          module: ALLOWED_METHODS,
        };
      case 'prefix':
        if (args[0]) this.setPrefix(c, args[0].value, `<${short(args[0].node.getText())}>`);
        return self;
      case 'use': {
        const hasPath = looksLikePath(args[0]);
        const entries = entriesFrom(hasPath ? args.slice(1) : args, site, interp);
        // a nested router's layers are copied now: what it registers later is not in this router
        for (const e of entries)
          if (e.container?.kind === 'router' && !this.reg.mounts.has(e.container))
            this.reg.snapshots.set(e, e.container.layers.length);
        interp.addLayer(c, {
          type: 'use',
          paths: hasPath ? pathSpecOf(args[0]!) : null,
          entries,
          at,
          conditional: site.conditional,
        });
        return self;
      }
      case 'param':
        interp.addLayer(c, {
          type: 'param',
          names: args[0] ? pathSpecOf(args[0]).map((p) => p.text) : [],
          entries: entriesFrom(args.slice(1), site, interp),
          at,
          conditional: site.conditional,
        });
        return self;
    }
    if (!ROUTE_METHODS.has(method)) return unknown(`${c.name}.${method}()`);
    // router.get('name', '/path', ...fns): a named route
    const named = args.length > 2 && args[0]!.value.k === 'str' && looksLikePath(args[1]);
    const pathArg = named ? args[1] : args[0];
    interp.addLayer(c, {
      type: 'route',
      method: method === 'del' ? 'DELETE' : method.toUpperCase(),
      paths: pathArg ? pathSpecOf(pathArg) : [{ kind: 'unresolved', text: '<missing path>' }],
      entries: entriesFrom(args.slice(named ? 2 : 1), site, interp),
      at,
      conditional: site.conditional,
    });
    return self;
  }

  /** Koa awaits every middleware: a rejection reaches the boundaries and app.on('error'). */
  forwardsRejections(): boolean {
    return true;
  }
}

/** Where a registration is written: the method name, so chained `.get().post()` each get their line. */
function registrationLoc(site: CallSite, interp: Interpreter) {
  const callee = site.node.expression;
  const node = ts.isPropertyAccessExpression(callee) ? callee.name : site.node;
  return interp.loc(interp.fileOf(site.file), node);
}
