// What a rule is and what it may ask. Rules see framework-neutral facts only: the functions an
// app registers (with the role and calling convention its front end gave them), route chains,
// registrations in dispatch order, and per-function control-flow facts.
import { ts } from 'ts-morph';
import { ERROR_PARAM } from '../analysis/flow/flow-walker';
import type { AppModel } from '../analysis/analyzer';
import type { FunctionFacts } from '../analysis/flow/facts';
import type { Convention } from '../analysis/flow/convention';
import type { Registration, Role } from '../analysis/lint-model';
import type { Loc } from '../analysis/model';
import type { FuncValue } from '../analysis/values';

export const RULE_IDS = [
  'unterminated-middleware',
  'swallowed-error',
  'unhandled-async-error',
  'escaping-async-throw',
  'unawaited-next',
  'double-response',
  'error-handler-order',
  'error-handler-arity',
  'missing-error-handler',
  'unreachable-middleware',
  'context-overwrite',
  'context-missing',
] as const;

export type RuleId = (typeof RULE_IDS)[number];
export type Severity = 'error' | 'warning' | 'info';

export interface RuleMeta {
  id: RuleId;
  severity: Severity;
  /** one line, for SARIF's shortDescription and the docs index. */
  summary: string;
}

/** A function some app registers, with every place it is registered. */
export interface LintFunction {
  fn: FuncValue;
  /** how it is referred to where it is registered (`requireAuth`, `validate(schema)`). */
  name: string;
  role: Role;
  convention: Convention;
  registrations: Registration[];
  app: AppModel;
  /** "GET /users/:id" for every route whose chain or error chain runs it. */
  routes: string[];
  /** it was given to a wrapper (`asyncHandler(fn)`, a local `wrap(fn)`): the wrapper's registration. */
  wrappedBy?: Registration;
}

export interface Related {
  message: string;
  node?: ts.Node;
  location?: Loc;
}

export interface Report {
  node: ts.Node;
  message: string;
  related?: Related[];
  routes?: string[];
}

export interface RuleContext {
  readonly apps: readonly AppModel[];
  readonly functions: readonly LintFunction[];
  facts(f: LintFunction): FunctionFacts;
  report(r: Report): void;
  /** where a node is, as findings give it. */
  loc(node: ts.Node): Loc;
}

export interface Rule {
  meta: RuleMeta;
  check(ctx: RuleContext): void;
}

export const routeLabel = (method: string, path: string): string => `${method} ${path}`;

/** How a message names a function: its name, or for an inline one, its role and route. */
export function describe(f: LintFunction): string {
  if (f.name !== 'anonymous') return `\`${f.name}\``;
  const role =
    f.role === 'handler' || f.role === 'catchAll'
      ? 'handler'
      : f.role === 'errorHandler'
        ? 'error handler'
        : f.role === 'param'
          ? 'param callback'
          : 'middleware';
  return f.routes.length === 1 ? `the ${role} of ${f.routes[0]}` : `an anonymous ${role}`;
}

/**
 * A function written for another calling convention (an `(err, req, res)` handler registered as
 * middleware) is error-handler-arity's finding; rules that follow its parameters skip it.
 */
export function fitsConvention(f: LintFunction): boolean {
  if (f.role === 'errorHandler') return true;
  const first = f.fn.node.parameters[0];
  return !(
    first &&
    ts.isIdentifier(first.name) &&
    ERROR_PARAM.test(first.name.text) &&
    f.fn.node.parameters.length >= 2
  );
}
