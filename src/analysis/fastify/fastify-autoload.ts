// @fastify/autoload, statically: `register(autoload, { dir: path.join(__dirname, 'routes') })`.
// Follows autoload 6's defaults: every script in the folder is a plugin; a folder's name becomes
// a prefix (`dirNameRoutePrefix: true`), joined after `options.prefix`; a folder with an index
// file loads only the index (its subfolders still load); folders go after the files of their
// parent, in name order; a file's `autoPrefix` replaces the folder prefix and its
// `prefixOverride` replaces every prefix; `autoload = false` skips it; `encapsulate: false`
// makes every plugin work in the parent's context; `routeParams: true` turns `_id` into `:id`.
import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import { ts } from 'ts-morph';
import type { FrontEnd } from '../front-end';
import { short, type Interpreter } from '../interpreter';
import type { ArgInfo, CallSite, Container, Value } from '../values';
import { loadChild, pluginOf, relativeTo, runPlugin } from './fastify-plugins';
import { propNode, readProp } from './fastify-routes';

const SCRIPT = /(?:(?:^.?|\.[^d]|[^.]d|[^.][^d])\.ts|\.js|\.cjs|\.mjs|\.cts|\.mts)$/iu;
const INDEX = /^index(?:\.ts|\.js|\.cjs|\.mjs|\.cts|\.mts)$/iu;
const AUTO_HOOKS = /^[_.]?auto_?hooks(?:\.ts|\.js|\.cjs|\.mjs|\.cts|\.mts)$/iu;

interface AutoloadOptions {
  dir: string;
  prefix: string;
  dirNameRoutePrefix: boolean;
  encapsulate: boolean;
  routeParams: boolean;
  maxDepth: number;
  ignore: RegExp | undefined;
}

/** Registers every plugin file of the folder on `instance` (autoload's own context is its parent's). */
export function loadAutoload(
  frontEnd: FrontEnd,
  instance: Container,
  optsArg: ArgInfo | undefined,
  site: CallSite,
  interp: Interpreter,
): void {
  const at = interp.loc(interp.fileOf(site.file), site.node);
  const unresolved = (reason: string) =>
    interp.addLayer(instance, { type: 'unresolved', name: short(site.node.getText()), reason, at });
  const opts = readOptions(optsArg, site, interp);
  if (typeof opts === 'string') return unresolved(opts);
  if (readProp(interp, optsArg?.value, 'autoHooks').k === 'bool')
    unresolved('autoHooks files are not followed: their hooks are not in the chains');
  const files: { abs: string; dirPrefix: string }[] = [];
  const walk = (dir: string, dirPrefix: string, depth: number) => {
    let names: string[];
    try {
      names = readdirSync(dir, { withFileTypes: true })
        .filter((d) => !opts.ignore || !opts.ignore.test(relativeTo(opts.dir, path.join(dir, d.name))))
        .map((d) => (d.isDirectory() ? d.name + '/' : d.name))
        .sort();
    } catch {
      return unresolved(`cannot read the folder ${relativeTo(interp.index.root, dir)}`);
    }
    const index = names.find((n) => INDEX.test(n));
    if (index) files.push({ abs: path.join(dir, index), dirPrefix });
    else
      for (const n of names)
        if (!n.endsWith('/') && SCRIPT.test(n) && !AUTO_HOOKS.test(n))
          files.push({ abs: path.join(dir, n), dirPrefix });
    if (depth >= opts.maxDepth) return;
    for (const n of names) {
      if (!n.endsWith('/')) continue;
      const name = n.slice(0, -1);
      walk(path.join(dir, name), opts.dirNameRoutePrefix ? `${dirPrefix}/${name}` : dirPrefix, depth + 1);
    }
  };
  // the files of a folder, then its subfolders depth first: the order autoload registers them in
  walk(opts.dir, '', 0);
  for (const f of files) loadFile(frontEnd, instance, f.abs, f.dirPrefix, opts, site, interp);
}

function loadFile(
  frontEnd: FrontEnd,
  instance: Container,
  abs: string,
  dirPrefix: string,
  opts: AutoloadOptions,
  site: CallSite,
  interp: Interpreter,
): void {
  const file = interp.index.get(abs);
  const at = interp.loc(interp.fileOf(site.file), site.node);
  const rel = relativeTo(interp.index.root, abs);
  if (!file) return;
  if (file.skipped) {
    interp.addLayer(instance, {
      type: 'unresolved',
      name: rel,
      reason: `${rel} was skipped: it ${file.skipped}`,
      at,
    });
    return;
  }
  let specifier = path.relative(path.dirname(site.file), abs).split(path.sep).join('/');
  if (!specifier.startsWith('.')) specifier = './' + specifier;
  const mod = interp.requireFrom(specifier, site);
  const exported = (key: string): Value => {
    const v = readProp(interp, mod, key);
    return v.k === 'unknown' || v.k === 'undefined' ? writtenExport(file.sf, key) : v;
  };
  if (exported('autoload').k === 'bool' && (exported('autoload') as { v: boolean }).v === false) return;
  const plugin = pluginOf(mod, interp);
  if (plugin.k !== 'function') {
    interp.addLayer(instance, {
      type: 'unresolved',
      name: rel,
      reason: plugin.k === 'unresolved' ? `${rel}: ${plugin.reason}` : `${rel} exports no plugin function`,
      at,
    });
    return;
  }
  const autoPrefix = exported('autoPrefix');
  const override = exported('prefixOverride');
  let prefix = opts.prefix + (autoPrefix.k === 'str' ? autoPrefix.v : dirPrefix).replace(/\/+/gu, '/');
  if (override.k === 'str') prefix = override.v;
  if (opts.routeParams)
    prefix = prefix.includes('__') ? prefix.replace(/__/gu, ':') : prefix.replace(/\/_/gu, '/:');
  const encapsulated = plugin.encapsulated && opts.encapsulate;
  const child = loadChild(frontEnd, instance, site, interp, {
    name: plugin.fn.name ?? rel,
    createdAt: interp.funcLoc(plugin.fn),
    definedAt: interp.funcLoc(plugin.fn),
    node: file.sf,
    encapsulated,
    prefix: encapsulated && prefix ? { kind: 'string', text: prefix } : null,
  });
  runPlugin(plugin.fn, child, { k: 'undefined' }, site, interp);
}

/** `module.exports.autoPrefix = '/x'`, `exports.autoPrefix = ...`, `export const autoPrefix = ...`: literals only. */
function writtenExport(sf: ts.SourceFile, key: string): Value {
  const literal = (e: ts.Expression): Value =>
    ts.isStringLiteralLike(e)
      ? { k: 'str', v: e.text }
      : e.kind === ts.SyntaxKind.FalseKeyword || e.kind === ts.SyntaxKind.TrueKeyword
        ? { k: 'bool', v: e.kind === ts.SyntaxKind.TrueKeyword }
        : { k: 'undefined' };
  for (const s of sf.statements) {
    if (ts.isExpressionStatement(s) && ts.isBinaryExpression(s.expression)) {
      const { left, right, operatorToken } = s.expression;
      if (
        operatorToken.kind === ts.SyntaxKind.EqualsToken &&
        ts.isPropertyAccessExpression(left) &&
        left.name.text === key &&
        /^(?:module\.exports|exports)$/u.test(left.expression.getText(sf))
      )
        return literal(right);
    }
    if (ts.isVariableStatement(s) && s.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword))
      for (const d of s.declarationList.declarations)
        if (ts.isIdentifier(d.name) && d.name.text === key && d.initializer) return literal(d.initializer);
  }
  return { k: 'undefined' };
}

function readOptions(
  optsArg: ArgInfo | undefined,
  site: CallSite,
  interp: Interpreter,
): AutoloadOptions | string {
  const dirNode = propNode(optsArg?.node, 'dir');
  if (!dirNode) return 'the autoload folder (`dir`) is not written in the options object';
  const dir = staticDir(dirNode, site.file);
  if (!dir) return `the autoload folder ${short(dirNode.getText())} cannot be computed statically`;
  const str = (k: string) => readProp(interp, optsArg?.value, k);
  const flag = (k: string, dflt: boolean) => {
    const v = str(k);
    return v.k === 'bool' ? v.v : dflt;
  };
  const inner = str('options');
  const prefix = readProp(interp, inner, 'prefix');
  const depth = str('maxDepth');
  const ignore = str('ignorePattern');
  return {
    dir,
    prefix: prefix.k === 'str' ? prefix.v.replace(/\/$/u, '') : '',
    dirNameRoutePrefix: flag('dirNameRoutePrefix', true),
    encapsulate: flag('encapsulate', true),
    routeParams: flag('routeParams', false),
    maxDepth: depth.k === 'num' ? depth.v : Infinity,
    ignore:
      ignore.k === 'regex' ? regexOf(ignore.v) : ignore.k === 'str' ? new RegExp(ignore.v, 'u') : undefined,
  };
}

function regexOf(text: string): RegExp | undefined {
  const m = /^\/(.*)\/([a-z]*)$/su.exec(text);
  try {
    return m ? new RegExp(m[1]!, m[2]) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The folder a `dir` expression names: `path.join(__dirname, 'routes')`, `join(...)`,
 * `path.resolve(...)`, `` `${__dirname}/routes` ``, `import.meta.dirname` and string parts.
 */
export function staticDir(node: ts.Node, file: string): string | undefined {
  const here = path.dirname(file);
  const part = (n: ts.Node): string | undefined => {
    if (ts.isParenthesizedExpression(n)) return part(n.expression);
    if (ts.isStringLiteralLike(n)) return n.text;
    if (ts.isIdentifier(n) && n.text === '__dirname') return here;
    if (ts.isPropertyAccessExpression(n) && n.getText() === 'import.meta.dirname') return here;
    if (ts.isTemplateExpression(n)) {
      let out = n.head.text;
      for (const span of n.templateSpans) {
        const v = part(span.expression);
        if (v === undefined) return undefined;
        out += v + span.literal.text;
      }
      return out;
    }
    if (ts.isCallExpression(n)) {
      const callee = n.expression.getText();
      if (!/^(?:path\.)?(?:join|resolve)$/u.test(callee)) return undefined;
      const parts = n.arguments.map(part);
      if (parts.some((p) => p === undefined)) return undefined;
      return path.join(...(parts as string[]));
    }
    return undefined;
  };
  const dir = part(node);
  return dir && path.isAbsolute(dir) ? path.normalize(dir) : undefined;
}
