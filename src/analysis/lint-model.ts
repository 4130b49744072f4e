// What rules see of an app besides its route chains: every registration in dispatch order, with
// the role the framework gives it and how the framework calls it. Framework-neutral: front ends
// fill it in, rules only read it.
import type { Convention } from './flow/convention';
import type { FullPath } from './paths';
import type { Container, Entry } from './values';

export type Role = 'middleware' | 'handler' | 'errorHandler' | 'param' | 'catchAll';

export interface Registration {
  entry: Entry;
  role: Role;
  convention: Convention;
  /** the mount (use, param) or the route pattern (exact) it is registered under, prefixes joined. */
  path: FullPath;
  exact: boolean;
  /** upper case; ALL for use-level registrations. */
  method: string;
  container: Container;
}
