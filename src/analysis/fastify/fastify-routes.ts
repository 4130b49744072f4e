// What Fastify's route registrations add to a context: `get(path, handler)`,
// `get(path, options, handler)`, `get(path, { handler, ...options })`, `route({ method, url, ... })`
// and `setNotFoundHandler(options?, handler)`, each with the hooks written in its options
// (`onRequest: fn` or `preHandler: [a, b]`) and its own `errorHandler`.
import { ts } from 'ts-morph';
import { entriesFrom, pathSpecOf } from '../entries';
import type { Interpreter } from '../interpreter';
import {
  unknown,
  type ArgInfo,
  type CallSite,
  type Container,
  type Entry,
  type PathSpec,
  type Value,
} from '../values';
import { HOOKS, NOT_FOUND, ROUTE_ERROR_HANDLER } from './fastify-hooks';

export const METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'all'];

/** `fastify.get(...)` and its siblings. */
export function addShorthandRoute(c: Container, method: string, site: CallSite, interp: Interpreter): void {
  const [pathArg, second, third] = site.args;
  if (!pathArg) return;
  // (path, handler) | (path, options, handler) | (path, { handler, ...options })
  const withOptions = !!third || second?.value.k === 'obj';
  addRoute(
    c,
    method,
    pathSpecOf(pathArg),
    withOptions ? second : undefined,
    third ?? (withOptions ? undefined : second),
    site,
    interp,
  );
}

/** `fastify.route({ method: ['GET', 'HEAD'], url, handler, preHandler })`. */
export function addFullRoute(c: Container, site: CallSite, interp: Interpreter): void {
  const optsArg = site.args[0];
  if (!optsArg) return;
  const methods = readProp(interp, optsArg.value, 'method');
  const url = readProp(interp, optsArg.value, 'url');
  const urlNode = propNode(optsArg.node, 'url');
  const paths: PathSpec[] =
    url.k === 'str'
      ? [{ kind: 'string', text: url.v }]
      : [{ kind: 'unresolved', text: `<${urlNode ? urlNode.getText() : 'url'}>` }];
  for (const m of methods.k === 'arr' ? methods.items : [methods])
    addRoute(c, m.k === 'str' ? m.v.toLowerCase() : 'all', paths, optsArg, undefined, site, interp);
}

/** `setNotFoundHandler(handler)` or `setNotFoundHandler({ preValidation, preHandler }, handler)`. */
export function addNotFoundHandler(c: Container, site: CallSite, interp: Interpreter): void {
  const [first, second] = site.args;
  const handler = second ?? first;
  if (!handler) return;
  const entries = [
    ...(second ? optionHooks(first!, site, interp) : []),
    ...entriesFrom([handler], site, interp).map((e) => ({ ...e, hook: NOT_FOUND })),
  ];
  interp.addLayer(c, {
    type: 'route',
    method: 'ALL',
    paths: [{ kind: 'string', text: '*' }],
    entries,
    at: interp.loc(interp.fileOf(site.file), site.node),
    conditional: site.conditional,
  });
}

function addRoute(
  c: Container,
  method: string,
  paths: PathSpec[],
  opts: ArgInfo | undefined,
  handler: ArgInfo | undefined,
  site: CallSite,
  interp: Interpreter,
): void {
  const entries: Entry[] = opts ? optionHooks(opts, site, interp) : [];
  if (opts) {
    const h = optionEntries(opts, 'handler', site, interp);
    entries.push(...h);
  }
  if (handler) entries.push(...entriesFrom([handler], site, interp));
  interp.addLayer(c, {
    type: 'route',
    method: method === 'all' ? 'ALL' : method.toUpperCase(),
    paths,
    entries,
    at: interp.loc(interp.fileOf(site.file), site.node),
    conditional: site.conditional,
  });
}

/** The hooks and the `errorHandler` written in a route's options, each marked with its hook. */
function optionHooks(opts: ArgInfo, site: CallSite, interp: Interpreter): Entry[] {
  const out: Entry[] = [];
  for (const hook of HOOKS) out.push(...optionEntries(opts, hook, site, interp).map((e) => ({ ...e, hook })));
  out.push(
    ...optionEntries(opts, 'errorHandler', site, interp).map((e) => ({ ...e, hook: ROUTE_ERROR_HANDLER })),
  );
  return out;
}

function optionEntries(opts: ArgInfo, key: string, site: CallSite, interp: Interpreter): Entry[] {
  const v = readProp(interp, opts.value, key);
  if (v.k === 'unknown' || v.k === 'undefined') return [];
  return entriesFrom(
    [{ node: propNode(opts.node, key) ?? site.node, value: v, spread: false }],
    site,
    interp,
  );
}

/** The expression an options object literal gives for `key`, so an entry is named and located by it. */
export function propNode(options: ts.Node | undefined, key: string): ts.Expression | undefined {
  if (!options || !ts.isObjectLiteralExpression(options)) return undefined;
  for (const p of options.properties) {
    if (
      ts.isPropertyAssignment(p) &&
      (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) &&
      p.name.text === key
    )
      return p.initializer;
    if (ts.isShorthandPropertyAssignment(p) && p.name.text === key) return p.name;
  }
  return undefined;
}

export function readProp(interp: Interpreter, v: Value | undefined, key: string): Value {
  return v?.k === 'obj' ? interp.readProp(v, key) : unknown(key);
}
