// The graph JSON of ../shared/CONTRACT.md section 2 (schemaVersion 1). Fields may be added,
// none renamed or dropped without bumping schemaVersion.

export type Framework = 'express' | 'koa' | 'fastify' | 'connect' | 'hono' | 'nest';

/** file relative to the analysed directory with '/', line and column 1-based. */
export interface Loc {
  file: string;
  line: number;
  column: number;
}

export type ItemKind =
  | 'middleware'
  | 'handler'
  | 'param'
  | 'errorHandler'
  | 'guard'
  | 'interceptor'
  | 'pipe'
  | 'filter'
  | `hook:${string}`;

export interface Item {
  name: string;
  kind: ItemKind;
  registeredAt: Loc;
  definedAt: Loc | null;
  mount: string;
  conditional: boolean;
  /** Added field: the function a wrapper or factory was given (`asyncHandler(fn)`), when in the workspace. */
  wraps?: Loc;
  /** Added field: why this item could not be resolved to a function. */
  unresolved?: string;
}

export interface Route {
  method: string;
  path: string;
  /** Added field: where the route is registered (the method name of `app.get(...)`; for a catch-all, its argument). */
  location?: Loc;
  chain: Item[];
  errorChain: Item[];
  /** Added field: a `use`-level handler that ends every request it matches (a 404 page, say). */
  catchAll?: boolean;
  /** Added field: the path could not be computed statically; `path` holds the expression text. */
  unresolved?: string;
}

export type TreeNodeType = 'app' | 'router' | 'route' | 'param' | ItemKind | 'unresolved';

/** The registrations as written, for views: app -> routers -> items. */
export interface TreeNode {
  type: TreeNodeType;
  name: string;
  location: Loc;
  definedAt?: Loc | null;
  method?: string;
  path?: string;
  mount?: string;
  conditional?: boolean;
  reason?: string;
  children?: TreeNode[];
}

export interface AppGraph {
  id: string;
  framework: Framework;
  frameworkVersion: string | null;
  location: Loc;
  routes: Route[];
  tree: TreeNode[];
}

export interface Skipped {
  file: string;
  reason: string;
}

export interface GraphJson {
  schemaVersion: 1;
  apps: AppGraph[];
  skipped: Skipped[];
}
