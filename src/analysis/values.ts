// The abstract values the interpreter computes. Deliberately small: just enough to follow apps,
// routers and middleware functions through variables, modules, objects, arrays and calls.
import type { ts } from 'ts-morph';
import type { FrontEnd } from './front-end';
import type { Framework, Loc } from './model';

export type Value =
  | { k: 'unknown'; reason: string }
  | { k: 'undefined' }
  | { k: 'str'; v: string }
  | { k: 'num'; v: number }
  | { k: 'bool'; v: boolean }
  | { k: 'regex'; v: string }
  | FuncValue
  | ObjValue
  | ArrValue
  | { k: 'container'; c: Container }
  | { k: 'routeBuilder'; c: Container; path: PathSpec; conditional: boolean }
  | ExternalValue
  | BuiltinValue
  | ClassValue
  | { k: 'union'; options: Value[] };

export interface FuncValue {
  k: 'func';
  node: ts.FunctionLikeDeclaration;
  env: Env;
  file: string;
  /** own name (function name, variable, method or property it was assigned to). */
  name: string | undefined;
  /** parameters removed by `.bind(thisArg, ...args)`. */
  bound: number;
}

export interface ObjValue {
  k: 'obj';
  props: Map<string, Value | LazyRef>;
  /** `export * from` sources, consulted when a property is missing. */
  stars?: (() => Value)[];
  /** CommonJS `module.exports` object of a module: `import x from` gets the whole object. */
  cjsModule?: boolean;
  proto?: ClassValue;
  /** the module whose start-up run created it, to notice when other modules change it. */
  owner?: string;
}

/** A live binding (ESM export of a local, re-export) read when first needed. */
export interface LazyRef {
  k: 'lazy';
  get: () => Value;
}

export interface ArrValue {
  k: 'arr';
  items: Value[];
  /** where each element is written, when written as an array literal element. */
  nodes: (ts.Node | undefined)[];
  owner?: string;
}

/** Something from a package outside the workspace (`cors()`, `helmet`): callable, never followed. */
export interface ExternalValue {
  k: 'external';
  name: string;
  /** the package it comes from (`express-async-handler`), when known. */
  module?: string;
  /** function arguments it was called with (`asyncHandler(fn)`): the wrapped function. */
  wraps?: FuncValue;
}

/** A framework's module or constructor, modelled by its front end. */
export interface BuiltinValue {
  k: 'builtin';
  name: string;
  call?: (site: CallSite) => Value;
  props?: Record<string, Value>;
}

export interface ClassValue {
  k: 'class';
  node: ts.ClassLikeDeclaration;
  env: Env;
  file: string;
  /** its methods as function values, made once so that identity holds. */
  methods: Map<ts.Node, FuncValue>;
}

export interface CallSite {
  node: ts.CallExpression | ts.NewExpression;
  args: ArgInfo[];
  file: string;
  conditional: boolean;
  isNew: boolean;
  /** the variable the call's result is assigned to, to name apps and routers. */
  nameHint?: string;
}

export interface ArgInfo {
  node: ts.Expression;
  value: Value;
  spread: boolean;
}

export class Env {
  private readonly vars = new Map<string, Value | LazyRef>();
  /** `owner`: the module whose start-up run made this scope. */
  constructor(
    readonly parent: Env | undefined,
    readonly owner: string,
  ) {}

  declare(name: string, value: Value | LazyRef): void {
    this.vars.set(name, value);
  }

  lookup(name: string): Value | undefined {
    const v0 = this.vars.get(name);
    if (v0 !== undefined) return v0.k === 'lazy' ? v0.get() : v0;
    for (let env = this.parent; env; env = env.parent) {
      const v = env.vars.get(name);
      if (v !== undefined) return v.k === 'lazy' ? v.get() : v;
    }
    return undefined;
  }

  /** Assigns to the nearest declaration; returns the scope that holds it, if any. */
  assign(name: string, value: Value): Env | undefined {
    if (this.vars.has(name)) {
      this.vars.set(name, value);
      return this;
    }
    for (let env = this.parent; env; env = env.parent) {
      if (env.vars.has(name)) {
        env.vars.set(name, value);
        return env;
      }
    }
    return undefined;
  }
}

// ---- registrations, shared by the front ends -------------------------------------------------

export interface PathSpec {
  /** the path as written: a string, a regex literal's text, or the expression text when unresolved. */
  text: string;
  kind: 'string' | 'regex' | 'unresolved';
  /** one of the alternatives of `cond ? '/a' : '/b'`: only one of them is registered. */
  conditional?: boolean;
}

export interface Entry {
  name: string;
  registeredAt: Loc;
  /** the expression `registeredAt` points at. */
  node: ts.Node;
  definedAt: Loc | null;
  conditional: boolean;
  /** `fn.length` as the framework will see it; undefined for functions outside the workspace. */
  arity: number | undefined;
  /** the function's node, for rules that look into its body. */
  fn?: FuncValue;
  wraps?: FuncValue;
  /** a mounted router or sub-app. */
  container?: Container;
  /** for a function from a package: the package (`cors`, `express-async-handler`). */
  module?: string;
  /** Fastify: the lifecycle hook it is registered for (`onRequest`, `preHandler`, `errorHandler`). */
  hook?: string;
  unresolved?: string;
}

/** `owner`: the module whose start-up run registered it (`#runtime` for runtime-only notes). */
export type Layer = (
  | { type: 'use'; paths: PathSpec[] | null; entries: Entry[]; at: Loc; conditional: boolean }
  | { type: 'route'; method: string; paths: PathSpec[]; entries: Entry[]; at: Loc; conditional: boolean }
  | { type: 'param'; names: string[]; entries: Entry[]; at: Loc; conditional: boolean }
  | { type: 'unresolved'; reason: string; at: Loc; name: string }
) & { owner?: string };

export interface Container {
  id: string;
  kind: 'app' | 'router';
  framework: Framework;
  /** display name: the variable it was assigned to, or the creating expression. */
  name: string;
  createdAt: Loc;
  /** the call that created it. */
  node: ts.Node;
  /** absolute path of the file that created it (framework version lookup). */
  absFile: string;
  layers: Layer[];
  /** set once some other container mounts it. */
  mounted: boolean;
  frontEnd: FrontEnd;
  /** the module whose start-up run created it. */
  owner: string;
  /** bumped whenever `layers` changes, so views of it can be reused until then. */
  version: number;
}

export const unknown = (reason: string): Value => ({ k: 'unknown', reason });
export const UNDEFINED: Value = { k: 'undefined' };
