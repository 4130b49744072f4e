// `fastify.register(plugin, options)`: a plugin runs with a new encapsulation context, a child of
// the one it is registered in, unless `fastify-plugin` (or `Symbol.for('skip-override')`, as
// @fastify/autoload sets on itself) lets it work in the parent's context. The plugin function
// runs here, during start-up, the way avvio loads it: its registrations land in the child.
import * as path from 'node:path';
import type { ts } from 'ts-morph';
import { short, type Interpreter } from '../interpreter';
import { describeForReason } from '../value-ops';
import type { Loc } from '../model';
import {
  UNDEFINED,
  type ArgInfo,
  type CallSite,
  type Container,
  type FuncValue,
  type PathSpec,
  type Value,
} from '../values';
import type { FrontEnd } from '../front-end';
import { loadAutoload } from './fastify-autoload';
import { propNode, readProp } from './fastify-routes';

/** How a child context relates to its parent. */
export interface PluginContext {
  /** false for `fp(plugin)`: its hooks, handlers and decorators belong to the parent's context. */
  encapsulated: boolean;
}

export const pluginContexts = new WeakMap<Container, PluginContext>();

const PLUGIN_PACKAGES = new Set(['fastify-plugin']);
const AUTOLOAD_PACKAGES = new Set(['@fastify/autoload', 'fastify-autoload']);

/** A plugin, as far as it can be told statically. */
export type Plugin =
  | { k: 'function'; fn: FuncValue; encapsulated: boolean }
  | { k: 'autoload'; options: ArgInfo | undefined }
  | { k: 'package'; name: string }
  | { k: 'unresolved'; reason: string };

export function pluginOf(v: Value, interp: Interpreter): Plugin {
  if (v.k === 'func') return { k: 'function', fn: v, encapsulated: true };
  if (v.k === 'external') {
    if (AUTOLOAD_PACKAGES.has(v.module ?? '')) return { k: 'autoload', options: undefined };
    if (PLUGIN_PACKAGES.has(v.module ?? ''))
      return v.wraps
        ? { k: 'function', fn: v.wraps, encapsulated: false }
        : { k: 'unresolved', reason: `${v.name} wraps no function of the workspace` };
    return { k: 'package', name: v.module ?? v.name };
  }
  // an ES module namespace or `{ default: plugin }`, as `register(import('./routes'))` gives
  if (v.k === 'obj' && v.props.has('default')) return pluginOf(interp.readProp(v, 'default'), interp);
  if (v.k === 'union') {
    const options = v.options.filter((o) => o.k !== 'undefined');
    if (options.length === 1) return pluginOf(options[0]!, interp);
  }
  return { k: 'unresolved', reason: `the plugin is ${describeForReason(v)}` };
}

/** `register(plugin, options)` on `parent`. */
export function registerPlugin(
  frontEnd: FrontEnd,
  parent: Container,
  site: CallSite,
  interp: Interpreter,
): void {
  const [pluginArg, optsArg] = site.args;
  const at = interp.loc(interp.fileOf(site.file), site.node);
  if (!pluginArg) return;
  const plugin = pluginOf(pluginArg.value, interp);
  if (plugin.k === 'autoload') {
    const autoload = loadChild(frontEnd, parent, site, interp, {
      name: `autoload(${short(propNode(optsArg?.node, 'dir')?.getText() ?? '…', 40)})`,
      createdAt: interp.loc(interp.fileOf(site.file), pluginArg.node),
      definedAt: null,
      node: pluginArg.node,
      encapsulated: false,
      prefix: null,
      label: true,
    });
    loadAutoload(frontEnd, autoload, optsArg, site, interp);
    return;
  }
  if (plugin.k === 'package') {
    interp.addLayer(parent, {
      type: 'unresolved',
      name: short(site.node.getText()),
      reason: `the plugin comes from the package ${plugin.name}: its hooks and routes are not followed`,
      at,
    });
    return;
  }
  if (plugin.k === 'unresolved') {
    interp.addLayer(parent, {
      type: 'unresolved',
      name: short(site.node.getText()),
      reason: plugin.reason,
      at,
    });
    return;
  }
  const child = loadChild(frontEnd, parent, site, interp, {
    name: plugin.fn.name ?? 'plugin',
    createdAt: interp.loc(interp.fileOf(site.file), pluginArg.node),
    definedAt: interp.funcLoc(plugin.fn),
    node: pluginArg.node,
    encapsulated: plugin.encapsulated,
    prefix: plugin.encapsulated ? prefixOf(optsArg, interp) : null,
  });
  runPlugin(plugin.fn, child, optsArg?.value ?? UNDEFINED, site, interp);
}

/** A new context under `parent`, mounted where `register` was called. */
export function loadChild(
  frontEnd: FrontEnd,
  parent: Container,
  site: CallSite,
  interp: Interpreter,
  c: {
    name: string;
    createdAt: Loc;
    definedAt: Loc | null;
    node: ts.Node;
    encapsulated: boolean;
    prefix: PathSpec | null;
    /** the name is already what views show (not wrapped in `fp(...)`). */
    label?: boolean;
  },
): Container {
  const child = interp.newContainer({
    id: `${c.createdAt.file}:${c.createdAt.line}:${c.createdAt.column}`,
    kind: 'router',
    framework: 'fastify',
    name: c.encapsulated || c.label ? c.name : `fp(${c.name})`,
    createdAt: c.createdAt,
    node: c.node,
    absFile: site.file,
    frontEnd,
  });
  pluginContexts.set(child, { encapsulated: c.encapsulated });
  interp.addLayer(parent, {
    type: 'use',
    paths: c.prefix ? [c.prefix] : null,
    entries: [
      {
        name: child.name,
        registeredAt: c.createdAt,
        node: c.node,
        definedAt: c.definedAt,
        conditional: site.conditional,
        arity: undefined,
        container: child,
      },
    ],
    at: interp.loc(interp.fileOf(site.file), site.node),
    conditional: site.conditional,
  });
  return child;
}

/** Calls `plugin(instance, options, done)`: both the async and the callback style register the same. */
export function runPlugin(
  fn: FuncValue,
  instance: Container,
  opts: Value,
  site: CallSite,
  interp: Interpreter,
): void {
  const done: Value = { k: 'builtin', name: 'done', call: () => UNDEFINED };
  const args: ArgInfo[] = [
    { node: site.node, value: { k: 'container', c: instance }, spread: false },
    { node: site.node, value: opts, spread: false },
    { node: site.node, value: done, spread: false },
  ];
  const ctx: Parameters<Interpreter['callFunction']>[2] = {
    file: interp.fileOf(fn.file),
    env: fn.env,
    conditional: site.conditional ? 1 : 0,
    frame: { returns: [] },
  };
  interp.callFunction(fn, { ...site, args }, ctx, { k: 'container', c: instance });
}

/** The `prefix` option, when the options are an object. */
function prefixOf(optsArg: ArgInfo | undefined, interp: Interpreter): PathSpec | null {
  if (!optsArg) return null;
  const v = readProp(interp, optsArg.value, 'prefix');
  if (v.k === 'str') return v.v === '' ? null : { kind: 'string', text: v.v };
  if (v.k === 'undefined' || (v.k === 'unknown' && !propNode(optsArg.node, 'prefix'))) return null;
  const node = propNode(optsArg.node, 'prefix');
  return { kind: 'unresolved', text: `<${short(node ? node.getText() : optsArg.node.getText())}>` };
}

/** For messages: a file relative to the workspace. */
export function relativeTo(root: string, abs: string): string {
  return path.relative(root, abs).split(path.sep).join('/');
}
