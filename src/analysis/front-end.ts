// What a framework front end plugs into the interpreter: the packages it models and the
// semantics of calls on its apps and routers. Everything it registers lands in `Container.layers`.
import type { Interpreter } from './interpreter';
import type { CallSite, Container, Value } from './values';

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
}
