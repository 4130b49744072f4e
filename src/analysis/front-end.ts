// What a framework front end plugs into the interpreter: the packages it models and the
// semantics of calls on its apps and routers. Everything it registers lands in `Container.layers`.
import type { RouteModel } from './express/express-chains';
import type { Interpreter } from './interpreter';
import type { Framework } from './model';
import type { Registration } from './lint-model';
import type { Item, ItemKind, TreeNode } from './model';
import type { CallSite, Container, Entry, Value } from './values';

export interface FrontEnd {
  /** The value of `require(name)` / `import ... from name` for packages this front end models. */
  packageValue(name: string, specifier: string, interp: Interpreter): Value | undefined;
  /** `container.method(...)`, for containers this front end created. */
  callMethod(container: Container, method: string, site: CallSite, interp: Interpreter): Value;
  /** `container.route(path).method(...)`. */
  callRouteBuilder?(
    builder: Extract<Value, { k: 'routeBuilder' }>,
    method: string,
    site: CallSite,
    interp: Interpreter,
  ): Value;
  /** Names of methods that register something, for finding registrations made at runtime. */
  readonly registrationMethods: ReadonlySet<string>;
  /**
   * Where an error goes: `forward` to error handlers registered later (Express, Connect),
   * `unwind` back through the middleware that awaited next() (Koa's try/await next() boundaries),
   * or `scoped` to the handler of its scope whatever the registration order (Fastify's
   * setErrorHandler per context, Hono's onError, Nest's filters).
   */
  readonly errorFlow: 'forward' | 'unwind' | 'scoped';
  /** Every route of an app with its chains, and every registration in dispatch order. */
  routes(
    app: Container,
    wrapsLoc: (e: Entry) => Item['wraps'],
  ): { routes: RouteModel[]; order: Registration[] };
  /** The registrations as written. */
  tree(app: Container): TreeNode[];
  /** Whether a rejected promise from a handler reaches error handling, given the installed version. */
  forwardsRejections(version: string | null): boolean | null;
}

/** An app or router created at a call (`express()`, `new Koa()`, `fastify()`), named after its variable. */
export function containerAt(
  interp: Interpreter,
  site: CallSite,
  frontEnd: FrontEnd,
  framework: Framework,
  kind: Container['kind'],
  fallbackName: string,
): Value {
  const createdAt = interp.loc(interp.fileOf(site.file), site.node);
  const c = interp.newContainer({
    id: `${createdAt.file}:${createdAt.line}`,
    kind,
    framework,
    name: site.nameHint ?? fallbackName,
    createdAt,
    node: site.node,
    absFile: site.file,
    frontEnd,
  });
  return { k: 'container', c };
}

/** The model item of a registered function: what every front end's chains are made of. */
export function itemOf(
  e: Entry,
  kind: ItemKind,
  mount: string,
  conditional: boolean,
  wrapsLoc: (e: Entry) => Item['wraps'],
): Item {
  const it: Item = {
    name: e.name,
    kind,
    registeredAt: e.registeredAt,
    definedAt: e.definedAt,
    mount,
    conditional: conditional || e.conditional,
  };
  const wraps = wrapsLoc(e);
  if (wraps) it.wraps = wraps;
  if (e.unresolved) it.unresolved = e.unresolved;
  return it;
}
