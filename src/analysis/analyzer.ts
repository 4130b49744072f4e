// The in-process API the CLI and the extension share: analyse a workspace once, then keep the
// model current as files change. Parsed files are kept; an update parses only the changed file
// and runs the (cheap) start-up interpretation again.
import { existsSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { ts } from 'ts-morph';
import type { RouteModel } from './express/express-chains';
import { ConnectFrontEnd } from './connect/connect-front-end';
import { ExpressFrontEnd } from './express/express-front-end';
import { FastifyFrontEnd } from './fastify/fastify-front-end';
import { HonoFrontEnd } from './hono/hono-front-end';
import { KoaFrontEnd } from './koa/koa-front-end';
import { NestFrontEnd } from './nest/nest-front-end';
import type { FrontEnd } from './front-end';
import { FrameworkVersions } from './framework-version';
import { Interpreter, removeLayers, RUNTIME, short } from './interpreter';
import type { Registration } from './lint-model';
import type { AppGraph, GraphJson, Skipped } from './model';
import { ModuleResolver } from './module-resolver';
import { SourceIndex, type ParsedFile } from './source-index';
import { Env, unknown, type Container, type Entry } from './values';
import { discoverWorkspace, isSourceFile, type WorkspaceFile } from './workspace';

export interface AppModel {
  json: AppGraph;
  container: Container;
  routes: RouteModel[];
  /** every registration in dispatch order, for rules about order and roles. */
  order: Registration[];
  /**
   * Whether the framework hands a rejected promise from a handler to error handling (Express 5,
   * or Express 4 patched by express-async-errors); null when the version is unknown.
   */
  forwardsRejections: boolean | null;
  /** `forward`: errors go to error handlers registered later; `unwind`: back to boundaries registered earlier. */
  errorFlow: 'forward' | 'unwind' | 'scoped';
}

export interface AnalysisModel {
  apps: AppModel[];
  skipped: Skipped[];
  /** things worth telling the user that are not findings (config problems, early stops). */
  notes: string[];
  interpreter: Interpreter;
}

export interface AnalyzerOptions {
  /** called with a short message while a large workspace loads. */
  onProgress?: (message: string) => void;
}

const PROGRESS_EVERY = 250;

export class ChainAnalyzer {
  private readonly index: SourceIndex;
  private readonly resolver: ModuleResolver;
  private readonly versions: FrameworkVersions;
  private readonly frontEnds: FrontEnd[] = [
    new ExpressFrontEnd(),
    new KoaFrontEnd(),
    new FastifyFrontEnd(),
    new HonoFrontEnd(),
    new ConnectFrontEnd(),
    new NestFrontEnd(),
  ];
  private readonly defaultOptions: ts.CompilerOptions;
  private readonly notes: string[];
  private current: AnalysisModel | undefined;
  private interpreter: Interpreter | undefined;
  /** files changed since the last run: they and their importers run again. */
  private readonly dirty = new Set<string>();
  /** files came or went: module resolution may change anywhere, so everything runs again. */
  private structureChanged = true;
  private readonly importsOf = new Map<string, string[]>();
  private graphCache: { order: string[] } | undefined;

  private constructor(
    readonly root: string,
    files: WorkspaceFile[],
    notes: string[],
    options: AnalyzerOptions,
  ) {
    this.index = new SourceIndex(root);
    this.resolver = new ModuleResolver((abs) => this.index.has(abs));
    this.versions = new FrameworkVersions(root);
    this.notes = notes;
    this.defaultOptions = files[0]?.options ?? {};
    files.forEach((f, i) => {
      this.index.set(f);
      if (options.onProgress && files.length > PROGRESS_EVERY && (i + 1) % PROGRESS_EVERY === 0) {
        options.onProgress(`parsed ${i + 1}/${files.length} files`);
      }
    });
  }

  /** Finds and parses the workspace's files. Throws when `root` is not a readable directory. */
  static open(root: string, options: AnalyzerOptions = {}): ChainAnalyzer {
    const abs = path.resolve(root);
    if (!existsSync(abs) || !statSync(abs).isDirectory()) throw new Error(`${root}: no such directory`);
    const ws = discoverWorkspace(abs);
    return new ChainAnalyzer(abs, ws.files, ws.notes, options);
  }

  /** Re-reads one file (or takes its unsaved text); a new source file joins the workspace. */
  update(file: string, text?: string): void {
    const abs = path.resolve(file);
    if (!isSourceFile(abs)) return;
    const known = this.index.get(abs);
    if (!known && path.relative(this.root, abs).startsWith('..')) return;
    if (!known && !existsSync(abs) && text === undefined) return;
    const parsed = this.index.set({ abs, options: known?.options ?? this.defaultOptions }, text);
    if (!!parsed.skipped !== !!known?.skipped) this.graphCache = undefined;
    if (!known) {
      this.resolver.clearCache();
      this.structureChanged = true;
    }
    this.dirty.add(abs);
    this.current = undefined;
  }

  remove(file: string): void {
    const abs = path.resolve(file);
    if (this.index.delete(abs)) {
      this.resolver.clearCache();
      this.importsOf.delete(abs);
      this.graphCache = undefined;
      this.structureChanged = true;
      this.current = undefined;
    }
  }

  /** The analysed files (absolute paths). */
  files(): string[] {
    return [...this.index.all()].map((f) => f.abs);
  }

  /** The text the analysis saw for a file (an editor's unsaved text included). */
  textOf(file: string): string | undefined {
    return this.index.get(path.resolve(file))?.sf.text;
  }

  fileCount(): number {
    return [...this.index.all()].length;
  }

  /** Also call after a package.json or node_modules change. */
  invalidateVersions(): void {
    this.versions.clear();
    this.current = undefined;
  }

  model(): AnalysisModel {
    return (this.current ??= this.analyse());
  }

  graph(): GraphJson {
    const m = this.model();
    return { schemaVersion: 1, apps: m.apps.map((a) => a.json), skipped: m.skipped };
  }

  private analyse(): AnalysisModel {
    const interpreter = this.runInterpreter();
    markMounted(interpreter.containers);
    this.markRuntimeRegistrations(interpreter);
    const skipped: Skipped[] = [];
    for (const f of this.index.all()) if (f.skipped) skipped.push({ file: f.rel, reason: f.skipped });
    skipped.sort((a, b) => a.file.localeCompare(b.file));
    const patched = [...this.index.all()].some((f) => f.specifiers.includes('express-async-errors')) || null;
    const wrapsLoc = (e: Entry) => (e.wraps ? interpreter.funcLoc(e.wraps) : undefined);
    const apps: AppModel[] = interpreter.containers
      .filter((c) => c.kind === 'app' && !c.mounted)
      .sort((a, b) => a.createdAt.file.localeCompare(b.createdAt.file) || a.createdAt.line - b.createdAt.line)
      .map((c) => {
        const { routes, order } = c.frontEnd.routes(c, wrapsLoc);
        const version = this.versions.versionFor(
          c.framework === 'nest' ? '@nestjs/core' : c.framework,
          c.absFile,
        );
        return {
          container: c,
          routes,
          order,
          errorFlow: c.frontEnd.errorFlow,
          forwardsRejections:
            (c.framework === 'express' && patched) || c.frontEnd.forwardsRejections(version),
          json: {
            id: c.id,
            framework: c.framework,
            frameworkVersion: version,
            location: c.createdAt,
            routes: routes.map((r) => r.json),
            tree: c.frontEnd.tree(c),
          },
        };
      });
    return { apps, skipped, notes: [...this.notes, ...interpreter.notes], interpreter };
  }

  /** Runs the start-up code: all of it the first time, then only what changed and its importers. */
  private runInterpreter(): Interpreter {
    if (this.structureChanged) this.importsOf.clear();
    for (const f of this.dirty) {
      const before = this.importsOf.get(f)?.join('\0');
      this.importsOf.delete(f);
      const parsed = this.index.get(f);
      // The module graph (and so the order and the importers) only changes with imports.
      if (!parsed || before !== this.imports(parsed).join('\0')) this.graphCache = undefined;
    }
    if (this.structureChanged) this.graphCache = undefined;
    // the graph keeps paths: what runs is always the current parse of each file
    const order = this.moduleGraph().order.map((abs) => this.index.get(abs)!);
    let interp = this.interpreter;
    const incremental =
      interp && !this.structureChanged && interp.rerun(interp.affectedBy(this.dirty), order);
    if (!incremental) {
      interp = new Interpreter(this.index, this.resolver, this.frontEnds);
      interp.run(order);
    }
    this.interpreter = interp;
    this.dirty.clear();
    this.structureChanged = false;
    return interp!;
  }

  private imports(f: ParsedFile): string[] {
    let out = this.importsOf.get(f.abs);
    if (!out) {
      out = [];
      for (const s of f.specifiers) {
        const r = this.resolver.resolve(s, f.abs, f.options);
        if (r.kind === 'file') out.push(r.abs);
      }
      this.importsOf.set(f.abs, out);
    }
    return out;
  }

  /** Node's order, as far as it can be known: files nothing imports first, tests left out. */
  private moduleGraph(): { order: string[] } {
    if (this.graphCache) return this.graphCache;
    const files = [...this.index.all()].filter((f) => !f.skipped && !f.isTest);
    const imported = new Set<string>();
    for (const f of this.index.all()) if (!f.skipped) for (const i of this.imports(f)) imported.add(i);
    const byPath = (a: ParsedFile, b: ParsedFile) => a.rel.localeCompare(b.rel);
    const roots = files.filter((f) => !imported.has(f.abs)).sort(byPath);
    const rest = files.filter((f) => imported.has(f.abs)).sort(byPath);
    return (this.graphCache = { order: [...roots, ...rest].map((f) => f.abs) });
  }

  /**
   * Registration calls that never ran at start-up but whose receiver is an app or router
   * (inside a callback, a request handler, a promise's then): routes added at run time. They
   * stay visible in the tree as unresolved items.
   */
  private markRuntimeRegistrations(interp: Interpreter): void {
    for (const c of interp.containers) removeLayers(c, (l) => l.owner === RUNTIME);
    const methods = new Set(this.frontEnds.flatMap((f) => [...f.registrationMethods]));
    for (const file of this.index.all()) {
      if (file.skipped) continue;
      for (const call of registrationCalls(file, methods)) {
        if (interp.executedCalls.has(call)) continue;
        const site = runtimeSiteOf(call);
        if (!site) continue;
        const { fn, locals } = site;
        const closure = interp.closures.get(fn);
        if (!closure) continue;
        const env = new Env(closure.env, RUNTIME);
        for (const name of locals) env.declare(name, unknown(name));
        const receiver = interp.evalReceiver(
          (call.expression as ts.PropertyAccessExpression).expression,
          env,
          file,
        );
        if (receiver.k !== 'container') continue;
        const method = (call.expression as ts.PropertyAccessExpression).name.text;
        const caller =
          fn.parent && ts.isCallExpression(fn.parent) && fn.parent.arguments.includes(fn as ts.Expression)
            ? fn.parent
            : undefined;
        const where =
          caller && interp.executedCalls.has(caller)
            ? `inside a middleware or handler registered with ${short(caller.expression.getText(file.sf), 50)} (it runs per request)`
            : caller
              ? `inside a callback passed to ${short(caller.expression.getText(file.sf), 50)}, which is not followed statically`
              : 'inside a function that is not called while the app starts';
        receiver.c.version++;
        receiver.c.layers.push({
          owner: RUNTIME,
          type: 'unresolved',
          name: short(call.getText(file.sf)),
          reason: `${method}() runs ${where}, so what it registers is not in the chains`,
          at: interp.loc(file, call),
        });
      }
    }
  }
}

/** A container is an app of its own only when nothing mounts it. */
function markMounted(containers: Container[]): void {
  for (const c of containers) c.mounted = false;
  for (const c of containers) {
    for (const l of c.layers)
      if (l.type === 'use') for (const e of l.entries) if (e.container) e.container.mounted = true;
  }
}

const callCache = new WeakMap<ts.SourceFile, ts.CallExpression[]>();

function registrationCalls(file: ParsedFile, methods: Set<string>): ts.CallExpression[] {
  let calls = callCache.get(file.sf);
  if (!calls) {
    const found: ts.CallExpression[] = [];
    const visit = (n: ts.Node): void => {
      if (
        ts.isCallExpression(n) &&
        ts.isPropertyAccessExpression(n.expression) &&
        methods.has(n.expression.name.text) &&
        n.arguments.length > 0
      ) {
        found.push(n);
      }
      ts.forEachChild(n, visit);
    };
    visit(file.sf);
    callCache.set(file.sf, (calls = found));
  }
  return calls;
}

/**
 * For a registration call inside a function: that function and the names declared in it, which
 * shadow outer ones. Undefined when the receiver is itself local (`req.get()`, `map.delete()`):
 * such a call cannot register on an app or router made while the app starts.
 */
const runtimeSites = new WeakMap<
  ts.CallExpression,
  { fn: ts.FunctionLikeDeclaration; locals: Set<string> } | null
>();

function runtimeSiteOf(call: ts.CallExpression) {
  let site = runtimeSites.get(call);
  if (site === undefined) {
    const fn = enclosingFunction(call);
    site = null;
    if (fn) {
      const locals = localNames(fn);
      const root = rootIdentifier((call.expression as ts.PropertyAccessExpression).expression);
      if (root === undefined || !locals.has(root)) site = { fn, locals };
    }
    runtimeSites.set(call, site);
  }
  return site ?? undefined;
}

function rootIdentifier(e: ts.Expression): string | undefined {
  while (ts.isPropertyAccessExpression(e) || ts.isParenthesizedExpression(e) || ts.isNonNullExpression(e))
    e = e.expression;
  return ts.isIdentifier(e) ? e.text : undefined;
}

function enclosingFunction(n: ts.Node): ts.FunctionLikeDeclaration | undefined {
  for (let p = n.parent; p; p = p.parent)
    if (ts.isFunctionLike(p) && 'body' in p) return p as ts.FunctionLikeDeclaration;
  return undefined;
}

/** Parameters and locals of a function and the functions inside it. */
function localNames(fn: ts.FunctionLikeDeclaration): Set<string> {
  const names = new Set<string>();
  const addBinding = (b: ts.BindingName): void => {
    if (ts.isIdentifier(b)) names.add(b.text);
    else for (const el of b.elements) if (!ts.isOmittedExpression(el)) addBinding(el.name);
  };
  for (const p of fn.parameters) addBinding(p.name);
  const visit = (n: ts.Node): void => {
    if (ts.isVariableDeclaration(n)) addBinding(n.name);
    if (ts.isFunctionLike(n) && n !== fn) for (const p of n.parameters) addBinding(p.name);
    ts.forEachChild(n, visit);
  };
  if (fn.body) visit(fn.body);
  return names;
}
