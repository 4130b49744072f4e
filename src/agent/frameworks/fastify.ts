// Fastify 4 and 5. Every Fastify instance announces itself on the `fastify.initialization`
// diagnostics channel as it is created, before the app adds a hook or a route; that is where the
// agent takes it, for CommonJS and ESM apps alike. On the root instance (encapsulated contexts
// are created from it with Object.create, so they inherit what is set there):
// - addHook wraps the application's request hooks,
// - an onRoute hook, kept last, wraps each route's handler, route-level hooks and errorHandler,
// - setErrorHandler and setNotFoundHandler wrap what they are given.
// Wrapping itself is fastify-calls.ts.
import * as diagnostics from 'node:diagnostics_channel';
import { announce } from '../announce';
import type { Instrumentation } from '../module-hooks';
import { guarded, state } from '../safety';
import { sameLength, traced, type Role } from './fastify-calls';

type AnyFunction = (...args: never[]) => unknown;
type Method = (this: unknown, ...args: unknown[]) => unknown;

interface FastifyLike {
  addHook: Method;
  route: Method;
  setErrorHandler?: Method;
  setNotFoundHandler?: Method;
  [key: symbol]: unknown;
}

type RouteOptions = Record<string, unknown>;

/** The request hooks that are traced, and how Fastify calls each. */
const HOOK_ROLES: Record<string, Role> = {
  onRequest: 'hook',
  preParsing: 'preParsing',
  preValidation: 'hook',
  preHandler: 'hook',
  onError: 'onError',
};

const CHANNEL = 'fastify.initialization';
const instrumented = new WeakSet<object>();
let subscribed = false;
let heldChannel: diagnostics.Channel | undefined;

export const fastifyInstrumentation: Instrumentation = {
  name: 'fastify',
  pathHint: /fastify/,
  tryInstrument(exports) {
    // the instances come from the channel; the module only tells the extension Fastify is here
    if (!subscribed || !isFastifyExports(exports)) return false;
    announce('fastify');
    return true;
  },
  install() {
    const listener = (message: unknown): void => {
      if (state.active) guarded(() => instrumentInstance((message as { fastify?: unknown } | null)?.fastify));
    };
    if (typeof diagnostics.subscribe === 'function') diagnostics.subscribe(CHANNEL, listener);
    else {
      // before Node 18.7 a channel nobody holds may be collected along with its subscribers
      heldChannel = diagnostics.channel(CHANNEL);
      heldChannel.subscribe(listener);
    }
    subscribed = true;
  },
};

function isFastifyExports(exports: unknown): boolean {
  if (typeof exports !== 'function') return false;
  const fastify = exports as unknown as Record<string, unknown>;
  return fastify.fastify === exports && typeof fastify.errorCodes === 'object';
}

function isFastifyInstance(value: unknown): value is FastifyLike {
  if (typeof value !== 'object' || value === null) return false;
  const app = value as Partial<FastifyLike>;
  return typeof app.addHook === 'function' && typeof app.route === 'function';
}

function instrumentInstance(app: unknown): void {
  if (!isFastifyInstance(app) || instrumented.has(app)) return;
  instrumented.add(app);
  const hooksKey = Object.getOwnPropertySymbols(app).find((s) => s.description === 'fastify.hooks');
  const addHook = app.addHook;
  // before the patch: the agent's own onRoute hook goes in as it is
  Reflect.apply(addHook, app, ['onRoute', onRoute]);
  app.addHook = patchAddHook(addHook, hooksKey);
  if (typeof app.setErrorHandler === 'function') {
    app.setErrorHandler = patchSetErrorHandler(app.setErrorHandler);
  }
  if (typeof app.setNotFoundHandler === 'function') {
    app.setNotFoundHandler = patchSetNotFoundHandler(app.setNotFoundHandler);
  }
  announce('fastify');
}

function patchAddHook(original: Method, hooksKey: symbol | undefined): Method {
  return sameLength(function addHook(this: unknown, ...args: unknown[]) {
    const [name, fn] = args;
    if (state.active && typeof name === 'string') args[1] = guarded(() => hookFor(name, fn)) ?? fn;
    const result = Reflect.apply(original, this, args);
    if (name === 'onRoute' && hooksKey && state.active) guarded(() => keepOnRouteLast(this, hooksKey));
    return result;
  }, original);
}

/**
 * The app's own onRoute hooks may still add hooks to a route or replace its handler (plugins
 * such as rate limiters do), and expect to see the functions they were given: the agent's
 * onRoute hook runs after them.
 */
function keepOnRouteLast(instance: unknown, hooksKey: symbol): void {
  const hooks = (instance as Record<symbol, { onRoute?: unknown } | undefined>)[hooksKey]?.onRoute;
  if (!Array.isArray(hooks)) return;
  const at = hooks.indexOf(onRoute);
  if (at >= 0 && at < hooks.length - 1) {
    hooks.splice(at, 1);
    hooks.push(onRoute);
  }
}

function patchSetErrorHandler(original: Method): Method {
  return sameLength(function setErrorHandler(this: unknown, ...args: unknown[]) {
    const [handler] = args;
    if (state.active && typeof handler === 'function') {
      args[0] = guarded(() => traced(handler as AnyFunction, 'errorHandler')) ?? handler;
    }
    return Reflect.apply(original, this, args);
  }, original);
}

function patchSetNotFoundHandler(original: Method): Method {
  return sameLength(function setNotFoundHandler(this: unknown, ...args: unknown[]) {
    const [opts, handler] = args;
    if (state.active) {
      guarded(() => {
        if (typeof opts === 'function') args[0] = traced(opts as AnyFunction, 'handler');
        else {
          if (typeof handler === 'function') args[1] = traced(handler as AnyFunction, 'handler');
          // a copy: Fastify keeps reading these options later, the app's object stays untouched
          if (typeof opts === 'object' && opts !== null) args[0] = routeHooks({ ...(opts as RouteOptions) });
        }
      });
    }
    return Reflect.apply(original, this, args);
  }, original);
}

function onRoute(this: unknown, routeOptions: RouteOptions): void {
  if (!state.active || typeof routeOptions !== 'object' || routeOptions === null) return;
  guarded(() => {
    const { handler } = routeOptions;
    if (typeof handler === 'function') routeOptions.handler = traced(handler as AnyFunction, 'handler');
    routeHooks(routeOptions);
  });
}

/** Wraps the hooks and errorHandler of a route's options, in place; arrays become new arrays. */
function routeHooks(options: RouteOptions): RouteOptions {
  for (const name of Object.keys(HOOK_ROLES)) {
    const value = options[name];
    if (typeof value === 'function') options[name] = hookFor(name, value);
    else if (Array.isArray(value)) options[name] = value.map((fn: unknown) => hookFor(name, fn));
  }
  const { errorHandler } = options;
  if (typeof errorHandler === 'function') {
    options.errorHandler = traced(errorHandler as AnyFunction, 'errorHandler');
  }
  return options;
}

/** The traced hook, or `fn` itself when it is no traced hook or Fastify is going to reject it. */
function hookFor(name: string, fn: unknown): unknown {
  const role = Object.prototype.hasOwnProperty.call(HOOK_ROLES, name) ? HOOK_ROLES[name] : undefined;
  if (!role || typeof fn !== 'function' || rejected(name, fn)) return fn;
  return traced(fn as AnyFunction, role);
}

/** Fastify refuses an async hook that also takes `done`; it must see the app's own function. */
function rejected(name: string, fn: { length: number; constructor?: { name?: string } }): boolean {
  const takesDone = name === 'preParsing' || name === 'onError' ? 4 : 3;
  return fn.constructor?.name === 'AsyncFunction' && fn.length === takesDone;
}
