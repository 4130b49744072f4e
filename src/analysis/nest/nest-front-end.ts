// NestJS: `NestFactory.create(AppModule)` makes the app; its modules, controllers, routes and
// decorators are read then (nest-modules.ts). On the app, `use` registers global middleware,
// `useGlobalGuards/Interceptors/Pipes/Filters` global enhancers and `setGlobalPrefix` the prefix
// of every route. `@nestjs/common` stays a package value: its decorators and classes are
// recognised by where they come from, never run.
import { ts } from 'ts-morph';
import { containerAt, type FrontEnd } from '../front-end';
import { short, type Interpreter } from '../interpreter';
import { UNDEFINED, unknown, type CallSite, type Container, type Value } from '../values';
import { enhancerEntry, flatArgs, middlewareEntry } from './nest-entries';
import { nestRoutes } from './nest-chains';
import { nestApp, resetNestApp, type EnhancerKind } from './nest-model';
import { APP_TOKENS, readModules, selectorOf } from './nest-modules';
import { nestTree } from './nest-tree';

const GLOBAL_METHODS: Record<string, EnhancerKind> = {
  useGlobalGuards: 'guard',
  useGlobalInterceptors: 'interceptor',
  useGlobalPipes: 'pipe',
  useGlobalFilters: 'filter',
};
/** App methods that change nothing this model shows. */
const NEUTRAL = new Set([
  'listen',
  'init',
  'close',
  'enableShutdownHooks',
  'useLogger',
  'flushLogs',
  'enableCors',
  'enableVersioning',
  'useStaticAssets',
  'setBaseViewsDir',
  'setViewEngine',
  'set',
  'connectMicroservice',
  'startAllMicroservices',
  'useWebSocketAdapter',
]);

export class NestFrontEnd implements FrontEnd {
  readonly registrationMethods: ReadonlySet<string> = new Set([
    'use',
    'setGlobalPrefix',
    ...Object.keys(GLOBAL_METHODS),
  ]);
  readonly errorFlow = 'scoped';
  readonly routes = nestRoutes;
  readonly tree = nestTree;

  packageValue(_name: string, specifier: string, interp: Interpreter): Value | undefined {
    if (specifier !== '@nestjs/core') return undefined;
    const create = (site: CallSite): Value => {
      const app = containerAt(interp, site, this, 'nest', 'app', 'app');
      if (app.k !== 'container') return app;
      const state = resetNestApp(app.c);
      const root = site.args[0];
      const file = interp.fileOf(site.file);
      if (root) readModules(interp, { ...root, file, at: interp.loc(file, root.node) }, site, state);
      app.c.version++;
      return app;
    };
    const props: Record<string, Value> = {
      NestFactory: {
        k: 'builtin',
        name: 'NestFactory',
        props: { create: { k: 'builtin', name: 'NestFactory.create', call: create } },
      },
      Reflector: { k: 'external', name: 'Reflector', module: '@nestjs/core' },
    };
    for (const token of Object.keys(APP_TOKENS)) props[token] = { k: 'str', v: token };
    return { k: 'builtin', name: '@nestjs/core', props };
  }

  callMethod(c: Container, method: string, site: CallSite, interp: Interpreter): Value {
    const self: Value = { k: 'container', c };
    const app = nestApp(c);
    const file = interp.fileOf(site.file);
    const callee = site.node.expression;
    const at = interp.loc(file, ts.isPropertyAccessExpression(callee) ? callee.name : site.node);
    const kind = GLOBAL_METHODS[method];
    if (kind) {
      for (const a of flatArgs(site.args))
        app.globals[kind].push(
          enhancerEntry(interp, file, a.node, a.value, site.conditional || a.conditional),
        );
      c.version++;
      return UNDEFINED;
    }
    if (method === 'use') {
      const first = site.args[0];
      const path = first?.value.k === 'str' ? first.value.v : null;
      const fns = path === null ? site.args : site.args.slice(1);
      app.uses.push({
        path,
        entries: flatArgs(fns).map((a) =>
          middlewareEntry(interp, file, a.node, a.value, site.conditional || a.conditional),
        ),
        at,
        conditional: site.conditional,
      });
      c.version++;
      return self;
    }
    if (method === 'setGlobalPrefix' && site.args[0]) {
      const p = site.args[0];
      if (p.value.k !== 'str') {
        app.unresolved.push({
          name: short(site.node.getText(file.sf)),
          reason: `the global prefix ${short(p.node.getText(file.sf))} is computed at run time, so route paths leave it out`,
          at,
        });
        return UNDEFINED;
      }
      const options = site.args[1]?.value;
      const exclude = options?.k === 'obj' ? interp.readProp(options, 'exclude') : undefined;
      const excludeNode = site.args[1]?.node;
      app.prefix = {
        path: p.value.v,
        exclude:
          exclude?.k === 'arr'
            ? exclude.items.map((v, i) =>
                selectorOf(interp, file, exclude.nodes[i] ?? excludeNode ?? site.node, v),
              )
            : [],
        at,
      };
      c.version++;
      return UNDEFINED;
    }
    if (NEUTRAL.has(method)) return method === 'listen' || method === 'init' ? self : UNDEFINED;
    return unknown(`${c.name}.${method}()`);
  }

  /** Nest awaits handlers, guards, interceptors and pipes: a rejection reaches the exception filters. */
  forwardsRejections(): boolean {
    return true;
  }
}
