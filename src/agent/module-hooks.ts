// Finds the frameworks as the app loads them. Module._load sees every CommonJS load, including
// CommonJS packages that an ES module imports (Express, Koa, Fastify and Connect all are), and
// its result is the real `module.exports`: front ends patch prototypes in place and never
// replace exports, so an ES module's binding sees the same objects. Frameworks are recognised
// by the shape of what they export, not by package name or version.
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
}

const seen = new WeakSet<object>();

export function installModuleHooks(instrumentations: readonly Instrumentation[]): void {
  const loader = Module as unknown as { _load: (...args: unknown[]) => unknown; _resolveFilename: unknown };
  for (const instrumentation of instrumentations) instrumentation.install?.();
  const load = loader._load;
  if (typeof load !== 'function') {
    state.active = false;
    return;
  }
  loader._load = function (request: unknown) {
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
