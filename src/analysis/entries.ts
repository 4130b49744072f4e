// Turns the arguments of a registration call into entries: arrays, nested arrays, spreads and
// `?:` alternatives flattened, each with its name, where it is registered and where it is defined.
import { ts } from 'ts-morph';
import type { Interpreter } from './interpreter';
import { short } from './interpreter';
import { arityOf, describeForReason, isFunctionLikeExpression } from './value-ops';
import type { ArgInfo, CallSite, Entry, FuncValue, PathSpec, Value } from './values';

export function entriesFrom(args: ArgInfo[], site: CallSite, interp: Interpreter): Entry[] {
  const out: Entry[] = [];
  for (const a of args) flatten(a.value, a.node, a.node, site.conditional, site, interp, out);
  return out;
}

/**
 * `node` is where the value is written (possibly in another file, for an array constant);
 * `anchor` is the innermost expression inside the registration call it came through, which is
 * where it counts as registered.
 */
function flatten(
  value: Value,
  node: ts.Node | undefined,
  anchor: ts.Node,
  conditional: boolean,
  site: CallSite,
  interp: Interpreter,
  out: Entry[],
): void {
  if (node && node !== anchor && inside(node, site.node)) anchor = node;
  if (value.k === 'arr') {
    value.items.forEach((item, i) => flatten(item, value.nodes[i], anchor, conditional, site, interp, out));
    return;
  }
  if (value.k === 'union') {
    for (const o of value.options) {
      // `cond && mw` leaves a falsy alternative that registers nothing.
      if (o.k === 'bool' || o.k === 'undefined' || (o.k === 'str' && o.v === '')) continue;
      flatten(o, branchOf(node, o), anchor, true, site, interp, out);
    }
    return;
  }
  const registeredAt = interp.loc(interp.fileOf(site.file), anchor);
  const entry: Entry = {
    name: nameOf(node, value, anchor),
    registeredAt,
    node: anchor,
    definedAt: null,
    conditional,
    arity: undefined,
  };
  switch (value.k) {
    case 'func': {
      entry.fn = value;
      entry.arity = arityOf(value);
      entry.definedAt = interp.funcLoc(value);
      const wrapped = node && ts.isCallExpression(node) ? interp.wrappedArg.get(node) : undefined;
      if (wrapped && wrapped.node !== value.node) entry.wraps = wrapped;
      break;
    }
    case 'external':
      entry.module = value.module;
      if (value.wraps) {
        entry.wraps = value.wraps;
        entry.definedAt = interp.funcLoc(value.wraps);
      } else if (node && ts.isCallExpression(node) && interp.calleeOf.has(node)) {
        entry.definedAt = interp.funcLoc(interp.calleeOf.get(node)!);
      }
      break;
    case 'builtin':
      break;
    case 'container':
      entry.container = value.c;
      break;
    default: {
      entry.unresolved = describeForReason(value);
      const factory = node && ts.isCallExpression(node) ? interp.calleeOf.get(node) : undefined;
      if (factory) entry.definedAt = interp.funcLoc(factory);
    }
  }
  out.push(entry);
}

function inside(node: ts.Node, call: ts.Node): boolean {
  return node.getSourceFile() === call.getSourceFile() && node.pos >= call.pos && node.end <= call.end;
}

/** For `a ? x : y` and `a && x`, the branch an alternative was written in. */
function branchOf(node: ts.Node | undefined, option: Value): ts.Node | undefined {
  while (node && ts.isParenthesizedExpression(node)) node = node.expression;
  if (!node) return undefined;
  const branches = ts.isConditionalExpression(node)
    ? [node.whenTrue, node.whenFalse]
    : ts.isBinaryExpression(node)
      ? [node.left, node.right]
      : [];
  if (option.k === 'func')
    return (
      branches.find((b) => b.pos <= option.node.pos && option.node.end <= b.end) ??
      branchByName(branches, option.name)
    );
  return undefined;
}

function branchByName(branches: ts.Node[], name: string | undefined): ts.Node | undefined {
  return name ? branches.find((b) => ts.isIdentifier(b) && b.text === name) : undefined;
}

function nameOf(node: ts.Node | undefined, value: Value, anchor: ts.Node): string {
  if (!node) {
    if (value.k === 'func' && value.name) return value.name;
    if (value.k === 'container') return value.c.name;
    node = anchor;
  }
  if (ts.isSpreadElement(node)) node = node.expression;
  if (isFunctionLikeExpression(node)) return (value.k === 'func' && node.name?.text) || 'anonymous';
  if (ts.isCallExpression(node)) {
    const args = node.arguments.map((a) => (isFunctionLikeExpression(a) ? '…' : short(a.getText(), 40)));
    return short(`${short(node.expression.getText(), 60)}(${args.join(', ')})`);
  }
  return short(node.getText());
}

/** A path argument as written; computed paths keep their expression text. */
export function pathSpecOf(arg: ArgInfo): PathSpec[] {
  const v = arg.value;
  const text = () => short(arg.node.getText());
  const one = (x: Value): PathSpec =>
    x.k === 'str'
      ? { kind: 'string', text: x.v }
      : x.k === 'regex'
        ? { kind: 'regex', text: x.v }
        : { kind: 'unresolved', text: `<${text()}>` };
  if (v.k === 'arr') return v.items.flatMap((x) => (x.k === 'arr' ? x.items.map(one) : [one(x)]));
  if (v.k === 'union') return v.options.map((o) => ({ ...one(o), conditional: true }));
  return [one(v)];
}

/** Express's test for `use(path, ...)`: a first argument that is not a function is a path. */
export function looksLikePath(arg: ArgInfo | undefined): boolean {
  if (!arg) return false;
  const v = arg.value;
  if (v.k === 'str' || v.k === 'regex') return true;
  if (v.k === 'arr') {
    const first = v.items[0];
    return (
      !!first &&
      (first.k === 'str' || first.k === 'regex' || (first.k === 'arr' && first.items[0]?.k === 'str'))
    );
  }
  if (v.k === 'union') return v.options.every((o) => o.k === 'str');
  if (v.k === 'unknown') {
    const n = arg.node;
    return (
      ts.isTemplateExpression(n) ||
      (ts.isBinaryExpression(n) && n.operatorToken.kind === ts.SyntaxKind.PlusToken)
    );
  }
  return false;
}

export function hasRestParam(f: FuncValue | undefined): boolean {
  return !!f?.node.parameters.some((p) => p.dotDotDotToken);
}
