// Entries for what Nest is given: middleware (functions, or classes whose `use(req, res, next)`
// runs), and guards, interceptors, pipes and filters (classes, instances, or package values such
// as `new ValidationPipe()` and `AuthGuard('jwt')`). A class is named as written and defined
// where the class is; Nest's own classes are package values.
import { ts } from 'ts-morph';
import { short, type Interpreter } from '../interpreter';
import type { ParsedFile } from '../source-index';
import { arityOf, describeForReason } from '../value-ops';
import { newObj } from '../value-ops';
import type { ClassValue, Entry, FuncValue, Value } from '../values';

export type EvalCtx = Parameters<Interpreter['eval']>[1];

/** The scope a class was declared in: where its decorators' arguments are evaluated. */
export function classCtx(interp: Interpreter, cls: ClassValue): EvalCtx {
  return { file: interp.fileOf(cls.file), env: cls.env, conditional: 0, frame: { returns: [] } };
}

export function classLoc(interp: Interpreter, cls: ClassValue) {
  return interp.loc(interp.fileOf(cls.file), cls.node.name ?? cls.node);
}

/** The instance method `key` of a class (inherited ones included), without constructing it. */
export function instanceMethod(interp: Interpreter, cls: ClassValue, key: string): FuncValue | undefined {
  const v = interp.readProp({ ...newObj(), proto: cls }, key);
  return v.k === 'func' ? v : undefined;
}

/** Flattens arrays and `?:` alternatives of a decorator's or a call's arguments. */
export function flatArgs(
  args: { node: ts.Node; value: Value }[],
): { node: ts.Node; value: Value; conditional: boolean }[] {
  const out: { node: ts.Node; value: Value; conditional: boolean }[] = [];
  const add = (node: ts.Node, value: Value, conditional: boolean) => {
    if (value.k === 'arr') {
      value.items.forEach((v, i) =>
        add(inside(value.nodes[i], node) ? value.nodes[i]! : node, v, conditional),
      );
    } else if (value.k === 'union') {
      for (const o of value.options) if (o.k !== 'undefined' && o.k !== 'bool') add(node, o, true);
    } else {
      out.push({ node, value, conditional });
    }
  };
  for (const a of args) add(a.node, a.value, false);
  return out;
}

function inside(n: ts.Node | undefined, outer: ts.Node): boolean {
  return !!n && n.getSourceFile() === outer.getSourceFile() && n.pos >= outer.pos && n.end <= outer.end;
}

/** A guard, interceptor, pipe or filter. */
export function enhancerEntry(
  interp: Interpreter,
  file: ParsedFile,
  node: ts.Node,
  value: Value,
  conditional: boolean,
): Entry {
  const entry: Entry = {
    name: short(node.getText(file.sf)),
    registeredAt: interp.loc(file, node),
    node,
    definedAt: null,
    conditional,
    arity: undefined,
  };
  const cls = classOf(value);
  if (cls) entry.definedAt = classLoc(interp, cls);
  else if (value.k === 'external') entry.module = value.module;
  else if (value.k === 'func') entry.definedAt = interp.funcLoc(value);
  else if (value.k !== 'builtin') entry.unresolved = describeForReason(value);
  return entry;
}

/**
 * Middleware: a function runs as it is; a class runs its `use(req, res, next)` method, which is
 * what the rules look into.
 */
export function middlewareEntry(
  interp: Interpreter,
  file: ParsedFile,
  node: ts.Node,
  value: Value,
  conditional: boolean,
): Entry {
  const entry = enhancerEntry(interp, file, node, value, conditional);
  const fn =
    value.k === 'func' ? value : value.k === 'class' ? instanceMethod(interp, value, 'use') : undefined;
  if (fn) {
    entry.fn = fn;
    entry.arity = arityOf(fn);
    entry.definedAt = interp.funcLoc(fn);
  } else if (value.k === 'class') {
    entry.unresolved = `${entry.name} has no use(req, res, next) method`;
  } else if (value.k === 'external' && value.wraps) {
    entry.wraps = value.wraps;
    entry.definedAt = interp.funcLoc(value.wraps);
  } else if (ts.isCallExpression(node) && interp.calleeOf.has(node)) {
    entry.definedAt = interp.funcLoc(interp.calleeOf.get(node)!);
  }
  return entry;
}

/** The class of a class value or of an instance (`new RolesGuard(reflector)`). */
export function classOf(v: Value): ClassValue | undefined {
  if (v.k === 'class') return v;
  if (v.k === 'obj' && v.proto) return v.proto;
  return undefined;
}
