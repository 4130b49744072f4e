// Fastify 4/5, one encapsulation context: `fastify()`, routes by method or `route({...})` with
// their option hooks, `addHook`, `setErrorHandler`. Plugins (`register`) are not followed yet:
// they stay visible as unresolved. Request hooks run in lifecycle order before the handler.
import { ts } from 'ts-morph';
import { entriesFrom, pathSpecOf } from '../entries';
import type { RouteModel } from '../express/express-chains';
import { FASTIFY_ERROR_HANDLER, FASTIFY_HANDLER, FASTIFY_HOOK } from '../flow/convention';
import { containerAt, type FrontEnd } from '../front-end';
import { short, type Interpreter } from '../interpreter';
import type { Registration } from '../lint-model';
import type { Item, ItemKind, TreeNode } from '../model';
import { joinPath, pathText } from '../paths';
import {
  unknown,
  type ArgInfo,
  type CallSite,
  type Container,
  type Entry,
  type Layer,
  type PathSpec,
  type Value,
} from '../values';

const METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'all'];
export const REQUEST_HOOKS = ['onRequest', 'preParsing', 'preValidation', 'preHandler'];
const RESPONSE_HOOKS = ['preSerialization', 'onSend', 'onResponse'];
const HOOKS = [...REQUEST_HOOKS, ...RESPONSE_HOOKS, 'onError', 'onTimeout', 'onRequestAbort'];

export class FastifyFrontEnd implements FrontEnd {
  readonly registrationMethods: ReadonlySet<string> = new Set([
    ...METHODS,
    'route',
    'addHook',
    'setErrorHandler',
    'register',
  ]);
  readonly errorFlow = 'forward';

  packageValue(name: string, _specifier: string, interp: Interpreter): Value | undefined {
    if (name !== 'fastify') return undefined;
    const create = (site: CallSite): Value => containerAt(interp, site, this, 'fastify', 'app', 'fastify');
    const factory: Value = { k: 'builtin', name: 'fastify', call: create };
    return { k: 'builtin', name: 'fastify', call: create, props: { default: factory, fastify: factory } };
  }

  callMethod(c: Container, method: string, site: CallSite, interp: Interpreter): Value {
    const self: Value = { k: 'container', c };
    const at = interp.loc(interp.fileOf(site.file), site.node);
    const args = site.args;
    if (method === 'addHook' && args[0]?.value.k === 'str') {
      const hook = args[0].value.v;
      const entries = entriesFrom(args.slice(1), site, interp).map((e) => ({ ...e, hook }));
      interp.addLayer(c, { type: 'use', paths: null, entries, at, conditional: site.conditional });
      return self;
    }
    if (method === 'setErrorHandler') {
      const entries = entriesFrom(args, site, interp).map((e) => ({ ...e, hook: 'errorHandler' }));
      interp.addLayer(c, { type: 'use', paths: null, entries, at, conditional: site.conditional });
      return self;
    }
    if (method === 'route' && args[0]) {
      const opts = args[0].value;
      const methods = readProp(interp, opts, 'method');
      const names = methods.k === 'arr' ? methods.items : [methods];
      for (const m of names)
        this.addRoute(
          c,
          m.k === 'str' ? m.v.toLowerCase() : 'all',
          readProp(interp, opts, 'url'),
          opts,
          undefined,
          site,
          interp,
          undefined,
          args[0].node,
        );
      return self;
    }
    if (METHODS.includes(method) && args[0]) {
      // (path, handler) | (path, options, handler) | (path, { handler, ...options })
      const opts = args.length >= 3 || (args[1] && args[1].value.k === 'obj') ? args[1]!.value : undefined;
      const handler = args.length >= 3 ? args[2] : args[1]?.value.k === 'obj' ? undefined : args[1];
      const optsNode = args.length >= 3 || args[1]?.value.k === 'obj' ? args[1]!.node : undefined;
      this.addRoute(c, method, args[0].value, opts, handler, site, interp, args[0], optsNode);
      return self;
    }
    if (method === 'register') {
      interp.addLayer(c, {
        type: 'unresolved',
        name: short(site.node.getText()),
        reason: 'plugins (register) are not followed yet: their routes and hooks are not in the chains',
        at,
      });
      return self;
    }
    return unknown(`${c.name}.${method}()`);
  }

  private addRoute(
    c: Container,
    method: string,
    url: Value,
    opts: Value | undefined,
    handler: ArgInfo | undefined,
    site: CallSite,
    interp: Interpreter,
    pathArg?: ArgInfo,
    optsNode?: ts.Expression,
  ): void {
    const paths: PathSpec[] = pathArg
      ? pathSpecOf(pathArg)
      : url.k === 'str'
        ? [{ kind: 'string', text: url.v }]
        : [{ kind: 'unresolved', text: '<url>' }];
    const entries: Entry[] = [];
    if (opts) {
      for (const hook of HOOKS) {
        const v = readProp(interp, opts, hook);
        if (v.k === 'unknown' || v.k === 'undefined') continue;
        entries.push(
          ...entriesFrom(
            [{ node: propNode(optsNode, hook) ?? site.node, value: v, spread: false }],
            site,
            interp,
          ).map((e) => ({ ...e, hook })),
        );
      }
      const h = readProp(interp, opts, 'handler');
      if (h.k !== 'unknown' && h.k !== 'undefined')
        entries.push(
          ...entriesFrom(
            [{ node: propNode(optsNode, 'handler') ?? site.node, value: h, spread: false }],
            site,
            interp,
          ),
        );
    }
    if (handler) entries.push(...entriesFrom([handler], site, interp));
    const layer: Layer = {
      type: 'route',
      method: method === 'all' ? 'ALL' : method.toUpperCase(),
      paths,
      entries,
      at: interp.loc(interp.fileOf(site.file), site.node),
      conditional: site.conditional,
    };
    interp.addLayer(c, layer);
  }

  routes(
    app: Container,
    wrapsLoc: (e: Entry) => Item['wraps'],
  ): { routes: RouteModel[]; order: Registration[] } {
    const hooks = app.layers.flatMap((l) =>
      l.type === 'use' ? l.entries.filter((e) => e.hook && e.hook !== 'errorHandler') : [],
    );
    const errorHandlers = app.layers.flatMap((l) =>
      l.type === 'use' ? l.entries.filter((e) => e.hook === 'errorHandler') : [],
    );
    const order: Registration[] = [];
    const routes: RouteModel[] = [];
    const item = (e: Entry, kind: ItemKind, mount: string): Item => {
      const it: Item = {
        name: e.name,
        kind,
        registeredAt: e.registeredAt,
        definedAt: e.definedAt,
        mount,
        conditional: e.conditional,
      };
      const wraps = wrapsLoc(e);
      if (wraps) it.wraps = wraps;
      if (e.unresolved) it.unresolved = e.unresolved;
      return it;
    };
    for (const l of app.layers) {
      if (l.type === 'use') {
        for (const e of l.entries) {
          const role = e.hook === 'errorHandler' ? 'errorHandler' : 'middleware';
          order.push({
            entry: e,
            role,
            convention: role === 'errorHandler' ? FASTIFY_ERROR_HANDLER : FASTIFY_HOOK,
            path: [],
            exact: false,
            method: 'ALL',
            container: app,
          });
        }
      }
      if (l.type !== 'route') continue;
      const own = l.entries.filter((e) => e.hook);
      const handlers = l.entries.filter((e) => !e.hook);
      for (const p of l.paths) {
        const full = joinPath([], p);
        const inOrder = (names: string[]) =>
          names.flatMap((h) => [...hooks, ...own].filter((e) => e.hook === h));
        const before = inOrder(REQUEST_HOOKS);
        const after = inOrder(RESPONSE_HOOKS);
        const chain = [...before, ...handlers, ...after];
        routes.push({
          json: {
            method: l.method,
            path: pathText(full),
            location: l.at,
            chain: chain.map((e) => item(e, e.hook ? (`hook:${e.hook}` as ItemKind) : 'handler', '/')),
            errorChain: errorHandlers.map((e) => item(e, 'errorHandler', '/')),
          },
          chain,
          errorChain: errorHandlers,
          container: app,
          layer: l,
        });
      }
      for (const e of own)
        order.push({
          entry: e,
          role: 'middleware',
          convention: FASTIFY_HOOK,
          path: l.paths,
          exact: true,
          method: l.method,
          container: app,
        });
      for (const e of handlers)
        order.push({
          entry: e,
          role: 'handler',
          convention: FASTIFY_HANDLER,
          path: l.paths,
          exact: true,
          method: l.method,
          container: app,
        });
    }
    return { routes, order };
  }

  tree(app: Container): TreeNode[] {
    return app.layers.flatMap((l): TreeNode[] => {
      if (l.type === 'unresolved')
        return [{ type: 'unresolved', name: l.name, location: l.at, reason: l.reason }];
      if (l.type === 'use')
        return l.entries.map((e) => ({
          type: e.hook === 'errorHandler' ? 'errorHandler' : (`hook:${e.hook}` as ItemKind),
          name: e.name,
          location: e.registeredAt,
          definedAt: e.definedAt,
          conditional: e.conditional,
        }));
      if (l.type === 'route') {
        return l.paths.map((p) => ({
          type: 'route' as const,
          name: `${l.method} ${p.text}`,
          method: l.method,
          path: p.text,
          location: l.at,
          conditional: l.conditional,
          children: l.entries.map((e) => ({
            type: e.hook ? (`hook:${e.hook}` as ItemKind) : 'handler',
            name: e.name,
            location: e.registeredAt,
            definedAt: e.definedAt,
            conditional: e.conditional,
          })),
        }));
      }
      return [];
    });
  }

  /** Fastify awaits async handlers and hooks: a rejection reaches its error handler. */
  forwardsRejections(): boolean {
    return true;
  }
}

/** The expression an options object literal gives for `key`, so an entry is named and located by it. */
function propNode(options: ts.Expression | undefined, key: string): ts.Expression | undefined {
  if (!options || !ts.isObjectLiteralExpression(options)) return undefined;
  for (const p of options.properties) {
    if (ts.isPropertyAssignment(p) && ts.isIdentifier(p.name) && p.name.text === key) return p.initializer;
    if (ts.isShorthandPropertyAssignment(p) && p.name.text === key) return p.name;
  }
  return undefined;
}

function readProp(interp: Interpreter, v: Value, key: string): Value {
  return v.k === 'obj' ? interp.readProp(v, key) : unknown(key);
}
