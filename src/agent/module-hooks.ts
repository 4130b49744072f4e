// Finds the frameworks as the app loads them. Module._load sees every CommonJS load, including
// CommonJS packages that an ES module imports (Express, Koa, Fastify and Connect all are), and
// its result is the real `module.exports`: front ends patch prototypes in place and never
// replace exports, so an ES module's binding sees the same objects. The one exception is a
// framework with nothing to patch in place (Connect keeps its app methods in a module-private
// object): its exports are replaced as the module's body returns, before anyone has seen them.
// Frameworks are recognised by the shape of what they export, not by package name or version.
import Module from 'node:module';
import { guarded, state } from './safety';

export interface Instrumentation {
  name: string;
  /** Cheap test on a module's path before its exports are looked at. */
  pathHint: RegExp;
  /** Instruments `exports` if they are this framework's; true when they were. */
  tryInstrument(exports: unknown, filename: string): boolean;
  /** Setup at agent start for frameworks announced another way (diagnostics channels). */
  install?(): void;
  /** What a module at a `pathHint` path exports instead of `exports`, or undefined to keep them. */
  replaceExports?(exports: object, filename: string): object | undefined;
}

const seen = new WeakSet<object>();

export function installModuleHooks(instrumentations: readonly Instrumentation[]): void {
  const loader = Module as unknown as { _load: (...args: unknown[]) => unknown; _resolveFilename: unknown };
  for (const instrumentation of instrumentations) instrumentation.install?.();
  const replacers = instrumentations.filter((instrumentation) => instrumentation.replaceExports);
  if (replacers.length > 0) hookCompile(replacers);
  const load = loader._load;
  if (typeof load !== 'function') {
    state.active = false;
    return;
  }
  loader._load = function (request: unknown) {
    // eslint-disable-next-line prefer-rest-params -- the caller's exact arguments, no array per call
    const exports = Reflect.apply(load, this, arguments);
    if (
      state.active &&
      typeof request === 'string' &&
      (typeof exports === 'function' || (typeof exports === 'object' && exports !== null))
    ) {
      if (!seen.has(exports as object)) {
        seen.add(exports as object);
        guarded(() => inspect(request, exports, instrumentations));
      }
    }
    return exports;
  };
}

function inspect(request: string, exports: unknown, instrumentations: readonly Instrumentation[]): void {
  for (const instrumentation of instrumentations) {
    if (instrumentation.pathHint.test(request) && instrumentation.tryInstrument(exports, request)) return;
  }
}

/**
 * Module#_compile runs a CommonJS module's body for `require` and for `import` alike (loaders
 * such as tsx end there too), and Node snapshots `module.exports` for ES module bindings only
 * after it returns: a replacement made here is the only exports anyone ever sees.
 */
function hookCompile(replacers: readonly Instrumentation[]): void {
  const proto = Module.prototype as unknown as { _compile?: (...args: unknown[]) => unknown };
  const compile = proto._compile;
  if (typeof compile !== 'function') return;
  proto._compile = function (this: { exports: unknown }, ...args: unknown[]) {
    const result = Reflect.apply(compile, this, args);
    const filename = args[1];
    const exports = this.exports;
    if (
      state.active &&
      typeof filename === 'string' &&
      (typeof exports === 'function' || (typeof exports === 'object' && exports !== null))
    ) {
      const replacement = guarded(() => {
        for (const replacer of replacers) {
          if (!replacer.pathHint.test(filename)) continue;
          const replaced = replacer.replaceExports!(exports as object, filename);
          if (replaced !== undefined) return replaced;
        }
        return undefined;
      });
      if (replacement !== undefined) this.exports = replacement;
    }
    return result;
  };
}
