// What the Nest front end knows of an app: its modules (from the one given to
// `NestFactory.create`, through `@Module({ imports })`), their controllers and routes from the
// decorators, the middleware each module's `configure(consumer)` applies, and what `main.ts` adds
// on the app (`use`, `useGlobal*`, `setGlobalPrefix`). Read by nest-chains.ts and nest-tree.ts.
import type { ts } from 'ts-morph';
import type { Loc } from '../model';
import type { ClassValue, Container, Entry } from '../values';

export type EnhancerKind = 'guard' | 'interceptor' | 'pipe' | 'filter';
export const ENHANCER_KINDS: readonly EnhancerKind[] = ['guard', 'interceptor', 'pipe', 'filter'];

export type Enhancers = Record<EnhancerKind, Entry[]>;

export const noEnhancers = (): Enhancers => ({ guard: [], interceptor: [], pipe: [], filter: [] });

/** A route selector of `forRoutes(...)` / `exclude(...)` / `setGlobalPrefix(p, { exclude })`. */
export type RouteSelector =
  | { kind: 'path'; path: string; method: string; at: Loc }
  | { kind: 'controller'; cls: ts.ClassLikeDeclaration; name: string; at: Loc }
  | { kind: 'unresolved'; text: string; at: Loc };

/** One `consumer.apply(...).exclude(...).forRoutes(...)`. */
export interface MiddlewareConfig {
  entries: Entry[];
  forRoutes: RouteSelector[];
  exclude: RouteSelector[];
  at: Loc;
  conditional: boolean;
}

export interface NestRoute {
  method: string;
  /** the paths of the method decorator (`@Get(['a', 'b'])`), as written; '' for `@Get()`. */
  paths: string[];
  /** the method decorator. */
  at: Loc;
  handler: Entry;
  enhancers: Enhancers;
  /** pipes of the handler's parameters (`@Param('id', ParseIntPipe)`), in parameter order. */
  paramPipes: Entry[];
  /** why a path could not be computed. */
  unresolved?: string;
}

export interface NestController {
  cls: ts.ClassLikeDeclaration;
  name: string;
  at: Loc;
  prefixes: string[];
  enhancers: Enhancers;
  routes: NestRoute[];
  unresolved?: string;
}

export interface NestModule {
  cls: ClassValue;
  name: string;
  at: Loc;
  controllers: NestController[];
  middleware: MiddlewareConfig[];
  /** global enhancers from `providers: [{ provide: APP_GUARD, useClass: X }]`. */
  providerEnhancers: Enhancers;
  /** what could not be followed (a computed `imports` entry, a module from a package). */
  notes: { name: string; reason: string; at: Loc }[];
}

export interface NestApp {
  modules: NestModule[];
  /** `app.useGlobalGuards(...)` and the like, in call order. */
  globals: Enhancers;
  /** `app.use(...)`, in call order: a path when the first argument is one. */
  uses: { path: string | null; entries: Entry[]; at: Loc; conditional: boolean }[];
  prefix: { path: string; exclude: RouteSelector[]; at: Loc } | undefined;
  unresolved: { name: string; reason: string; at: Loc }[];
}

const apps = new WeakMap<Container, NestApp>();

/** A fresh state: also when a re-run makes the app again as the same container. */
export function resetNestApp(c: Container): NestApp {
  const app: NestApp = { modules: [], globals: noEnhancers(), uses: [], prefix: undefined, unresolved: [] };
  apps.set(c, app);
  return app;
}

export function nestApp(c: Container): NestApp {
  return apps.get(c) ?? resetNestApp(c);
}
