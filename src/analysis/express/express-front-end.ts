// Express 4/5 (and the standalone `router` package): `express()`, `express.Router()`, and what
// `use`, `route`, `param` and the HTTP-method calls register on apps and routers.
import { METHODS } from 'node:http';
import { containerAt, type FrontEnd } from '../front-end';
import { short, type Interpreter } from '../interpreter';
import { entriesFrom, looksLikePath, pathSpecOf } from '../entries';
import { expressRoutes } from './express-chains';
import { expressTree } from './express-tree';
import { ts } from 'ts-morph';
import {
  unknown,
  type BuiltinValue,
  type CallSite,
  type Container,
  type Layer,
  type PathSpec,
  type Value,
} from '../values';

const ROUTE_METHODS = new Set([...METHODS.map((m) => m.toLowerCase()), 'all', 'del']);
const CHAINABLE = new Set(['set', 'enable', 'disable', 'engine', 'disabled', 'enabled']);
const BODY_PARSERS = ['json', 'urlencoded', 'static', 'raw', 'text'];

export class ExpressFrontEnd implements FrontEnd {
  readonly registrationMethods: ReadonlySet<string> = new Set([...ROUTE_METHODS, 'use', 'route', 'param']);
  readonly errorFlow = 'forward';
  readonly routes = expressRoutes;
  readonly tree = (app: Container) => expressTree(app);

  /** Express 5 passes a rejected promise from a handler to next(err); Express 4 does not. */
  forwardsRejections(version: string | null): boolean | null {
    const major = version ? /\d+/.exec(version) : null;
    return major ? Number(major[0]) >= 5 : null;
  }

  packageValue(name: string, _specifier: string, interp: Interpreter): Value | undefined {
    if (name === 'express') return this.expressModule(interp);
    if (name === 'router') return this.routerConstructor(interp, 'Router');
    return undefined;
  }

  private expressModule(interp: Interpreter): BuiltinValue {
    const props: Record<string, Value> = { Router: this.routerConstructor(interp, 'express.Router') };
    for (const p of BODY_PARSERS) {
      props[p] = {
        k: 'builtin',
        name: `express.${p}`,
        call: (site) => ({ k: 'external', name: this.callText(site, interp) }),
      };
    }
    return {
      k: 'builtin',
      name: 'express',
      props,
      call: (site) => containerAt(interp, site, this, 'express', 'app', 'app'),
    };
  }

  private routerConstructor(interp: Interpreter, name: string): BuiltinValue {
    return {
      k: 'builtin',
      name,
      call: (site) => containerAt(interp, site, this, 'express', 'router', 'router'),
    };
  }

  callMethod(c: Container, method: string, site: CallSite, interp: Interpreter): Value {
    const self: Value = { k: 'container', c };
    const at = registrationLoc(site, interp);
    const args = site.args;
    if (method === 'use') {
      const hasPath = looksLikePath(args[0]);
      const paths = hasPath ? pathSpecOf(args[0]!) : null;
      const entries = entriesFrom(hasPath ? args.slice(1) : args, site, interp);
      interp.addLayer(c, { type: 'use', paths, entries, at, conditional: site.conditional });
      return self;
    }
    if (method === 'route') {
      const path = args[0]
        ? pathSpecOf(args[0])[0]!
        : { kind: 'unresolved' as const, text: '<missing path>' };
      return { k: 'routeBuilder', c, path, conditional: site.conditional };
    }
    if (method === 'param') {
      const names = args[0] ? pathSpecOf(args[0]).map((p) => p.text) : [];
      interp.addLayer(c, {
        type: 'param',
        names,
        entries: entriesFrom(args.slice(1), site, interp),
        at,
        conditional: site.conditional,
      });
      return self;
    }
    if (ROUTE_METHODS.has(method)) {
      // `app.get('setting')` reads a setting; it registers nothing.
      if (method === 'get' && args.length < 2) return unknown(`the setting ${this.callText(site, interp)}`);
      interp.addLayer(
        c,
        this.routeLayer(method, site, args[0] ? pathSpecOf(args[0]) : [], args.slice(1), interp),
      );
      return self;
    }
    if (CHAINABLE.has(method)) return self;
    return unknown(`${c.name}.${method}()`);
  }

  callRouteBuilder(
    b: Extract<Value, { k: 'routeBuilder' }>,
    method: string,
    site: CallSite,
    interp: Interpreter,
  ): Value {
    if (!ROUTE_METHODS.has(method)) return unknown(`route().${method}()`);
    interp.addLayer(b.c, this.routeLayer(method, site, [b.path], site.args, interp, b.conditional));
    return b;
  }

  private routeLayer(
    method: string,
    site: CallSite,
    paths: PathSpec[],
    handlerArgs: CallSite['args'],
    interp: Interpreter,
    conditional = false,
  ): Layer {
    return {
      type: 'route',
      method: method === 'del' ? 'DELETE' : method.toUpperCase(),
      paths,
      entries: entriesFrom(handlerArgs, site, interp),
      at: registrationLoc(site, interp),
      conditional: conditional || site.conditional,
    };
  }

  private callText(site: CallSite, interp: Interpreter): string {
    return short(site.node.getText(interp.fileOf(site.file).sf));
  }
}

/** Where a registration is written: the method name, so chained `.get().post()` each get their line. */
function registrationLoc(site: CallSite, interp: Interpreter) {
  const callee = site.node.expression;
  const node = ts.isPropertyAccessExpression(callee) ? callee.name : site.node;
  return interp.loc(interp.fileOf(site.file), node);
}
