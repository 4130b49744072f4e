// Operations on abstract values that need no interpreter state.
import { ts } from 'ts-morph';
import { unknown, type FuncValue, type ObjValue, type Value } from './values';

const MAX_UNION = 8;

export function union(values: Value[]): Value {
  const flat: Value[] = [];
  for (const v of values) {
    for (const o of v.k === 'union' ? v.options : [v]) {
      if (!flat.some((f) => sameValue(f, o))) flat.push(o);
    }
  }
  if (flat.length === 0) return { k: 'undefined' };
  if (flat.length === 1) return flat[0]!;
  return { k: 'union', options: flat.slice(0, MAX_UNION) };
}

function sameValue(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (a.k !== b.k) return false;
  switch (a.k) {
    case 'str':
    case 'num':
    case 'bool':
    case 'regex':
      return a.v === (b as typeof a).v;
    case 'undefined':
      return true;
    case 'func':
      return a.node === (b as FuncValue).node && a.bound === (b as FuncValue).bound;
    case 'container':
      return a.c === (b as typeof a).c;
    default:
      return false;
  }
}

/** true/false when known, undefined when it depends on what cannot be known statically. */
export function truthiness(v: Value): boolean | undefined {
  switch (v.k) {
    case 'bool':
      return v.v;
    case 'str':
      return v.v !== '';
    case 'num':
      return v.v !== 0 && !Number.isNaN(v.v);
    case 'undefined':
      return false;
    case 'unknown':
    case 'external':
      return undefined;
    case 'union': {
      const all = v.options.map(truthiness);
      return all.every((t) => t === all[0]) ? all[0] : undefined;
    }
    default:
      return true;
  }
}

export function primitive(v: Value): string | number | boolean | undefined | null {
  switch (v.k) {
    case 'str':
    case 'num':
    case 'bool':
      return v.v;
    case 'undefined':
      return undefined;
    default:
      return null;
  }
}

export function newObj(entries?: Iterable<[string, Value]>): ObjValue {
  return { k: 'obj', props: new Map(entries ?? []) };
}

/** Express's `fn.length`: parameters before the first default or rest, `this` not counted. */
export function arityOf(f: FuncValue): number {
  let n = 0;
  for (const p of f.node.parameters) {
    if (ts.isIdentifier(p.name) && p.name.text === 'this') continue;
    if (p.dotDotDotToken || p.initializer) break;
    n++;
  }
  return Math.max(0, n - f.bound);
}

export function describeForReason(v: Value): string {
  switch (v.k) {
    case 'unknown':
      return v.reason;
    case 'undefined':
      return 'the value is undefined';
    case 'str':
    case 'num':
    case 'bool':
      return `the value ${JSON.stringify(v.v)} is not a function`;
    default:
      return `a ${v.k} value is not a function`;
  }
}

export function isFunctionLikeExpression(n: ts.Node): n is ts.ArrowFunction | ts.FunctionExpression {
  return ts.isArrowFunction(n) || ts.isFunctionExpression(n);
}

export { unknown };
