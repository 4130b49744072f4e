// Fastify 4/5: `fastify()`, routes by method or `route({...})` with their option hooks,
// `addHook`, `setErrorHandler`, `setNotFoundHandler`, and plugins: `register` runs the plugin
// in a child context (encapsulated, or the parent's own for `fastify-plugin`), with its `prefix`;
// @fastify/autoload folders load file by file. Chains follow Fastify's lifecycle order.
import { entriesFrom } from '../entries';
import { containerAt, type FrontEnd } from '../front-end';
import type { Interpreter } from '../interpreter';
import { unknown, type CallSite, type Container, type Value } from '../values';
import { fastifyRoutes } from './fastify-chains';
import { ERROR_HANDLER } from './fastify-hooks';
import { registerPlugin } from './fastify-plugins';
import { addFullRoute, addNotFoundHandler, addShorthandRoute, METHODS } from './fastify-routes';
import { fastifyTree } from './fastify-tree';

/** Instance methods that configure and return the instance, registering nothing we model. */
const CHAINABLE = new Set([
  'decorate',
  'decorateRequest',
  'decorateReply',
  'addSchema',
  'addContentTypeParser',
  'setValidatorCompiler',
  'setSerializerCompiler',
  'setSchemaErrorFormatter',
  'setReplySerializer',
  'after',
]);

export class FastifyFrontEnd implements FrontEnd {
  readonly registrationMethods: ReadonlySet<string> = new Set([
    ...METHODS,
    'route',
    'addHook',
    'setErrorHandler',
    'setNotFoundHandler',
    'register',
  ]);
  readonly errorFlow = 'scoped';
  readonly routes = fastifyRoutes;
  readonly tree = (app: Container) => fastifyTree(app);

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
      const entries = entriesFrom(args, site, interp).map((e) => ({ ...e, hook: ERROR_HANDLER }));
      interp.addLayer(c, { type: 'use', paths: null, entries, at, conditional: site.conditional });
      return self;
    }
    if (method === 'setNotFoundHandler') {
      addNotFoundHandler(c, site, interp);
      return self;
    }
    if (method === 'route') {
      addFullRoute(c, site, interp);
      return self;
    }
    if (METHODS.includes(method)) {
      addShorthandRoute(c, method, site, interp);
      return self;
    }
    if (method === 'register') {
      registerPlugin(this, c, site, interp);
      return self;
    }
    if (CHAINABLE.has(method)) return self;
    return unknown(`${c.name}.${method}()`);
  }

  /** Fastify awaits async handlers and hooks: a rejection reaches its error handler. */
  forwardsRejections(): boolean {
    return true;
  }
}
