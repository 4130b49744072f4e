// Reads a Nest app's modules statically, from the module given to `NestFactory.create`: the
// `@Module({ imports, controllers, providers })` decorator of each (dynamic modules and
// `forwardRef(() => X)` included), each controller's `@Controller(prefix)`, its handlers'
// `@Get(path)`/`@Post()`/..., `@UseGuards/Interceptors/Pipes/Filters` at class and method level,
// parameter pipes, `APP_GUARD`-style providers, and what `configure(consumer)` applies. Decorators
// are read from the declarations, their arguments evaluated in the class's scope; only
// `configure` is run, with a modelled consumer.
import { ts } from 'ts-morph';
import { short, type Interpreter } from '../interpreter';
import type { Loc } from '../model';
import type { ParsedFile } from '../source-index';
import { describeForReason } from '../value-ops';
import type { BuiltinValue, CallSite, ClassValue, FuncValue, Value } from '../values';
import {
  classCtx,
  classLoc,
  classOf,
  enhancerEntry,
  flatArgs,
  instanceMethod,
  middlewareEntry,
  type EvalCtx,
} from './nest-entries';
import {
  noEnhancers,
  type EnhancerKind,
  type Enhancers,
  type MiddlewareConfig,
  type NestApp,
  type NestController,
  type NestModule,
  type NestRoute,
  type RouteSelector,
} from './nest-model';

const HTTP_DECORATORS: Record<string, string> = {
  Get: 'GET',
  Post: 'POST',
  Put: 'PUT',
  Delete: 'DELETE',
  Patch: 'PATCH',
  Options: 'OPTIONS',
  Head: 'HEAD',
  All: 'ALL',
  Search: 'SEARCH',
};
const ENHANCER_DECORATORS: Record<string, EnhancerKind> = {
  UseGuards: 'guard',
  UseInterceptors: 'interceptor',
  UsePipes: 'pipe',
  UseFilters: 'filter',
};
/** Parameter decorators that take pipes after an optional property name. */
const PIPE_PARAM_DECORATORS = new Set(['Param', 'Query', 'Body', 'UploadedFile', 'UploadedFiles']);
/** `providers: [{ provide: APP_GUARD, useClass: X }]` */
export const APP_TOKENS: Record<string, EnhancerKind> = {
  APP_GUARD: 'guard',
  APP_INTERCEPTOR: 'interceptor',
  APP_PIPE: 'pipe',
  APP_FILTER: 'filter',
};
/** `RequestMethod`'s numeric values, for `method: 0`. */
const REQUEST_METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'ALL', 'OPTIONS', 'HEAD', 'SEARCH'];

interface Decorator {
  name: string;
  call: ts.CallExpression;
  /** the scope its arguments are evaluated in. */
  ctx: EvalCtx;
}

/** Walks the modules from `root` breadth first (Nest's distance order), filling `app.modules`. */
export function readModules(interp: Interpreter, root: ArgLike, site: CallSite, app: NestApp): void {
  const seen = new Set<ts.Node>();
  const queue: ArgLike[] = [root];
  const file = interp.fileOf(site.file);
  while (queue.length > 0) {
    const next = queue.shift()!;
    const mod = moduleOf(interp, next);
    if (!mod) continue;
    if ('reason' in mod) {
      app.unresolved.push({ name: short(next.node.getText(next.file.sf)), reason: mod.reason, at: next.at });
      continue;
    }
    if (seen.has(mod.cls.node)) continue;
    seen.add(mod.cls.node);
    const { module, imports } = readModule(interp, mod.cls, mod.extra);
    app.modules.push(module);
    queue.push(...imports);
    runConfigure(interp, mod.cls, module, site, file);
  }
}

/** A value with where it is written. */
export interface ArgLike {
  node: ts.Node;
  value: Value;
  file: ParsedFile;
  at: Loc;
}

function moduleOf(
  interp: Interpreter,
  a: ArgLike,
): { cls: ClassValue; extra: Value | undefined } | { reason: string } | undefined {
  const v = a.value;
  if (v.k === 'class') return { cls: v, extra: undefined };
  if (v.k === 'obj') {
    const m = interp.readProp(v, 'module');
    if (m.k === 'class') return { cls: m, extra: v };
    return { reason: `the dynamic module ${short(a.node.getText(a.file.sf))} names no module class` };
  }
  if (v.k === 'external' && v.wraps) {
    // forwardRef(() => OtherModule)
    const r = interp.callFunction(
      v.wraps,
      { node: a.node as ts.CallExpression, args: [], file: a.file.abs, conditional: false, isNew: false },
      ctxOf(interp, v.wraps),
    );
    return moduleOf(interp, { ...a, value: r });
  }
  // a module from a package (ConfigModule.forRoot(), TypeOrmModule.forFeature([...])): no routes of ours
  if (v.k === 'external' || v.k === 'builtin') return undefined;
  return { reason: describeForReason(v) };
}

function ctxOf(interp: Interpreter, f: FuncValue): EvalCtx {
  return { file: interp.fileOf(f.file), env: f.env, conditional: 0, frame: { returns: [] } };
}

function readModule(
  interp: Interpreter,
  cls: ClassValue,
  extra: Value | undefined,
): { module: NestModule; imports: ArgLike[] } {
  const module: NestModule = {
    cls,
    name: cls.node.name?.text ?? 'anonymous module',
    at: classLoc(interp, cls),
    controllers: [],
    middleware: [],
    providerEnhancers: noEnhancers(),
    notes: [],
  };
  const imports: ArgLike[] = [];
  const sources: { obj: Value; node: ts.Node | undefined; file: ParsedFile }[] = [];
  for (const d of decoratorsOf(interp, cls, cls.node)) {
    if (d.name !== 'Module' || !d.call.arguments[0]) continue;
    const arg = d.call.arguments[0];
    sources.push({ obj: interp.eval(arg, d.ctx), node: arg, file: d.ctx.file });
  }
  if (extra) sources.push({ obj: extra, node: undefined, file: interp.fileOf(cls.file) });
  const seenControllers = new Set<ts.Node>();
  for (const s of sources) {
    if (s.obj.k !== 'obj') continue;
    const list = (key: string) => listOf(interp, s.obj, key, s.node, s.file);
    for (const i of list('imports')) imports.push(i);
    for (const c of list('controllers')) {
      const ccls = c.value.k === 'class' ? c.value : undefined;
      if (!ccls) {
        module.notes.push({
          name: short(c.node.getText(c.file.sf)),
          reason: `the controller ${short(c.node.getText(c.file.sf))} is not a class in the workspace: ${describeForReason(c.value)}`,
          at: c.at,
        });
        continue;
      }
      if (seenControllers.has(ccls.node)) continue;
      seenControllers.add(ccls.node);
      module.controllers.push(readController(interp, ccls));
    }
    for (const p of list('providers')) readProvider(interp, p, module.providerEnhancers);
  }
  return { module, imports };
}

/** The elements of `obj[key]` (an array), each with the node it is written at. */
function listOf(
  interp: Interpreter,
  obj: Value,
  key: string,
  objNode: ts.Node | undefined,
  file: ParsedFile,
): ArgLike[] {
  const v = interp.readProp(obj, key);
  if (v.k !== 'arr') return [];
  const propNode =
    objNode && ts.isObjectLiteralExpression(objNode)
      ? objNode.properties.find((p) => p.name && ts.isIdentifier(p.name) && p.name.text === key)
      : undefined;
  return v.items.map((value, i) => {
    const node = v.nodes[i] ?? propNode ?? objNode ?? file.sf;
    const nodeFile = interp.index.get(node.getSourceFile().fileName) ?? file;
    return { node, value, file: nodeFile, at: interp.loc(nodeFile, node) };
  });
}

function readProvider(interp: Interpreter, p: ArgLike, out: Enhancers): void {
  if (p.value.k !== 'obj') return;
  const token = interp.readProp(p.value, 'provide');
  const kind = token.k === 'str' ? APP_TOKENS[token.v] : undefined;
  if (!kind) return;
  for (const key of ['useClass', 'useValue', 'useExisting']) {
    const v = interp.readProp(p.value, key);
    if (v.k === 'unknown' && v.reason.startsWith(`'${key}' is not set`)) continue;
    const node = ts.isObjectLiteralExpression(p.node)
      ? (p.node.properties.find(
          (x): x is ts.PropertyAssignment =>
            ts.isPropertyAssignment(x) && ts.isIdentifier(x.name) && x.name.text === key,
        )?.initializer ?? p.node)
      : p.node;
    out[kind].push(enhancerEntry(interp, p.file, node, v, false));
    return;
  }
}

function readController(interp: Interpreter, cls: ClassValue): NestController {
  const file = interp.fileOf(cls.file);
  const decorators = decoratorsOf(interp, cls, cls.node);
  const controller: NestController = {
    cls: cls.node,
    name: cls.node.name?.text ?? 'anonymous controller',
    at: classLoc(interp, cls),
    prefixes: [''],
    enhancers: enhancersOf(interp, decorators),
    routes: [],
  };
  const deco = decorators.find((d) => d.name === 'Controller');
  const arg = deco?.call.arguments[0];
  if (deco && arg) {
    let v = interp.eval(arg, deco.ctx);
    if (v.k === 'obj') v = interp.readProp(v, 'path');
    const paths = stringsOf(v);
    if (paths) controller.prefixes = paths;
    else if (!(v.k === 'unknown' && v.reason.startsWith("'path' is not set"))) {
      controller.prefixes = [`<${short(arg.getText(deco.ctx.file.sf))}>`];
      controller.unresolved = `the controller prefix ${short(arg.getText(deco.ctx.file.sf))} is computed at run time`;
    }
  }
  for (const m of cls.node.members) {
    if (!ts.isMethodDeclaration(m) || !m.name) continue;
    const decos = decoratorsOf(interp, cls, m);
    const http = decos.find((d) => HTTP_DECORATORS[d.name]);
    if (!http) continue;
    const methodName = m.name.getText(file.sf);
    const route: NestRoute = {
      method: HTTP_DECORATORS[http.name]!,
      paths: [''],
      at: interp.loc(http.ctx.file, http.call),
      handler: {
        name: `${controller.name}.${methodName}`,
        registeredAt: interp.loc(http.ctx.file, http.call),
        node: http.call,
        definedAt: interp.loc(file, m.name),
        conditional: false,
        arity: undefined,
      },
      enhancers: enhancersOf(interp, decos),
      paramPipes: [],
    };
    const parg = http.call.arguments[0];
    if (parg) {
      const v = interp.eval(parg, http.ctx);
      const paths = stringsOf(v);
      if (paths) route.paths = paths;
      else {
        route.paths = [`<${short(parg.getText(http.ctx.file.sf))}>`];
        route.unresolved = `the path ${short(parg.getText(http.ctx.file.sf))} is computed at run time`;
      }
    }
    for (const p of m.parameters) {
      for (const d of decoratorsOf(interp, cls, p)) {
        if (!PIPE_PARAM_DECORATORS.has(d.name)) continue;
        const args = d.call.arguments.map((a) => ({ node: a as ts.Node, value: interp.eval(a, d.ctx) }));
        const pipes =
          args[0] && (args[0].value.k === 'str' || args[0].value.k === 'undefined') ? args.slice(1) : args;
        for (const a of flatArgs(pipes))
          route.paramPipes.push(enhancerEntry(interp, d.ctx.file, a.node, a.value, a.conditional));
      }
    }
    controller.routes.push(route);
  }
  return controller;
}

function stringsOf(v: Value): string[] | undefined {
  if (v.k === 'str') return [v.v];
  if (v.k === 'arr' && v.items.length > 0 && v.items.every((x) => x.k === 'str'))
    return v.items.map((x) => (x as { v: string }).v);
  return undefined;
}

/**
 * `@UseGuards(A, B)` and the like. Decorators apply bottom-up and each appends to what is there,
 * so of two `@UseGuards` on one declaration the lower one's guards run first.
 */
function enhancersOf(interp: Interpreter, decorators: Decorator[]): Enhancers {
  const out = noEnhancers();
  for (const d of [...decorators].reverse()) {
    const kind = ENHANCER_DECORATORS[d.name];
    if (!kind) continue;
    const args = d.call.arguments.map((a) => ({ node: a as ts.Node, value: interp.eval(a, d.ctx) }));
    for (const a of flatArgs(args))
      out[kind].push(enhancerEntry(interp, d.ctx.file, a.node, a.value, a.conditional));
  }
  return out;
}

/**
 * The Nest decorators on a declaration, in source order: those imported from `@nestjs/*`, and
 * those a workspace decorator composes with `applyDecorators(...)` (`@Auth('admin')`).
 */
function decoratorsOf(interp: Interpreter, cls: ClassValue, node: ts.Node): Decorator[] {
  const out: Decorator[] = [];
  const ctx = classCtx(interp, cls);
  for (const d of (ts.canHaveDecorators(node) && ts.getDecorators(node)) || []) {
    if (ts.isCallExpression(d.expression)) collect(interp, d.expression, ctx, out, 0);
  }
  return out;
}

function collect(
  interp: Interpreter,
  call: ts.CallExpression,
  ctx: EvalCtx,
  out: Decorator[],
  depth: number,
): void {
  const callee = call.expression;
  const name = ts.isIdentifier(callee)
    ? callee.text
    : ts.isPropertyAccessExpression(callee)
      ? callee.name.text
      : undefined;
  if (!name) return;
  const v = interp.eval(callee, ctx);
  if (v.k === 'external' && v.module?.startsWith('@nestjs/')) {
    if (name === 'applyDecorators') {
      for (const a of call.arguments) if (ts.isCallExpression(a)) collect(interp, a, ctx, out, depth);
    } else {
      out.push({ name, call, ctx });
    }
    return;
  }
  if (v.k !== 'func' || depth > 3) return;
  // a custom decorator: the applyDecorators(...) it returns
  const fctx = ctxOf(interp, v);
  const visit = (n: ts.Node): void => {
    if (ts.isCallExpression(n)) {
      const c = n.expression;
      if (ts.isIdentifier(c) && c.text === 'applyDecorators') {
        const inner = interp.eval(c, fctx);
        if (inner.k === 'external' && inner.module?.startsWith('@nestjs/')) {
          for (const a of n.arguments) if (ts.isCallExpression(a)) collect(interp, a, fctx, out, depth + 1);
          return;
        }
      }
    }
    if (!ts.isFunctionLike(n) || n === v.node) ts.forEachChild(n, visit);
  };
  visit(v.node);
}

/** Runs `configure(consumer)` of a module class with a modelled `MiddlewareConsumer`. */
function runConfigure(
  interp: Interpreter,
  cls: ClassValue,
  mod: NestModule,
  site: CallSite,
  file: ParsedFile,
): void {
  const configure = instanceMethod(interp, cls, 'configure');
  if (!configure) return;
  const consumer = consumerValue(interp, mod);
  const instance: Value = { k: 'obj', props: new Map(), proto: cls };
  interp.callFunction(
    configure,
    {
      node: site.node,
      args: [{ node: site.node, value: consumer, spread: false }],
      file: file.abs,
      conditional: false,
      isNew: false,
    },
    { file, env: cls.env, conditional: 0, frame: { returns: [] } },
    instance,
  );
}

function consumerValue(interp: Interpreter, mod: NestModule): BuiltinValue {
  const consumer: BuiltinValue = { k: 'builtin', name: 'MiddlewareConsumer', props: {} };
  consumer.props!.apply = {
    k: 'builtin',
    name: 'apply',
    call: (site) => {
      const file = interp.fileOf(site.file);
      const config: MiddlewareConfig = {
        entries: flatArgs(site.args).map((a) =>
          middlewareEntry(interp, file, a.node, a.value, site.conditional || a.conditional),
        ),
        forRoutes: [],
        exclude: [],
        at: interp.loc(file, nameOfCall(site.node)),
        conditional: site.conditional,
      };
      const proxy: BuiltinValue = { k: 'builtin', name: 'MiddlewareConfigProxy', props: {} };
      proxy.props!.exclude = {
        k: 'builtin',
        name: 'exclude',
        call: (s) => {
          config.exclude.push(...selectorsOf(interp, s));
          return proxy;
        },
      };
      proxy.props!.forRoutes = {
        k: 'builtin',
        name: 'forRoutes',
        call: (s) => {
          config.forRoutes.push(...selectorsOf(interp, s));
          config.conditional ||= s.conditional;
          mod.middleware.push(config);
          return consumer;
        },
      };
      return proxy;
    },
  };
  return consumer;
}

function nameOfCall(n: ts.CallExpression | ts.NewExpression): ts.Node {
  return ts.isPropertyAccessExpression(n.expression) ? n.expression.name : n;
}

/** The routes of `forRoutes(...)`, `exclude(...)`: paths, controllers, `{ path, method }`. */
export function selectorsOf(interp: Interpreter, site: CallSite): RouteSelector[] {
  const file = interp.fileOf(site.file);
  return flatArgs(site.args).map((a) => selectorOf(interp, file, a.node, a.value));
}

export function selectorOf(interp: Interpreter, file: ParsedFile, node: ts.Node, v: Value): RouteSelector {
  const at = interp.loc(file, node);
  if (v.k === 'str') return { kind: 'path', path: v.v, method: 'ALL', at };
  const cls = v.k === 'class' ? v : undefined;
  if (cls) return { kind: 'controller', cls: cls.node, name: cls.node.name?.text ?? 'anonymous', at };
  if (v.k === 'obj' && !classOf(v)) {
    const p = interp.readProp(v, 'path');
    const m = interp.readProp(v, 'method');
    const method = requestMethod(m);
    if (p.k === 'str' && method) return { kind: 'path', path: p.v, method, at };
  }
  return {
    kind: 'unresolved',
    text: short(node.getText(file.sf)),
    at,
  };
}

/** `RequestMethod.GET` (a value of `@nestjs/common`), or its number. */
export function requestMethod(m: Value): string | undefined {
  if (m.k === 'undefined' || (m.k === 'unknown' && m.reason.startsWith("'method' is not set"))) return 'ALL';
  if (m.k === 'external') return /RequestMethod\.([A-Z]+)$/.exec(m.name)?.[1];
  if (m.k === 'num') return REQUEST_METHODS[m.v];
  if (m.k === 'str') return m.v.toUpperCase();
  return undefined;
}
