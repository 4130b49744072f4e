// An abstract interpreter for the start-up code of a Node web app. It runs each module's top
// level once, in Node's order (ESM imports first, `require` where it stands), calls workspace
// functions it meets (factories, `registerRoutes(app)`, class constructors), and never runs a
// middleware: functions passed as values stay values. Front ends turn calls on apps and routers
// into layers. Anything it cannot follow becomes an `unknown` value carrying the reason.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ts } from 'ts-morph';
import type { FrontEnd } from './front-end';
import type { Loc } from './model';
import type { ModuleResolver } from './module-resolver';
import { locOf, type ParsedFile, type SourceIndex } from './source-index';
import { newObj, primitive, truthiness, union } from './value-ops';
import {
  Env,
  UNDEFINED,
  unknown,
  type ArgInfo,
  type CallSite,
  type ClassValue,
  type Container,
  type ExternalValue,
  type FuncValue,
  type Layer,
  type LazyRef,
  type ObjValue,
  type Value,
} from './values';

interface ModuleRecord {
  file: ParsedFile;
  env: Env;
  moduleObj: ObjValue;
  esm: ObjValue | undefined;
  done: boolean;
}

interface Frame {
  returns: Value[];
}

/** The state an expression or statement is evaluated in. */
interface Ctx {
  file: ParsedFile;
  env: Env;
  /** > 0 under an if, loop, ?:, &&, catch...: what registers here may not run. */
  conditional: number;
  frame: Frame;
}

type Completion = 'normal' | 'return' | 'break' | 'continue';

const MAX_CALL_DEPTH = 40;
const STEP_BUDGET = 20_000_000;
export const RUNTIME = '#runtime';

class BudgetExceeded extends Error {}

export class Interpreter {
  private readonly modules = new Map<string, ModuleRecord>();
  private readonly callStack: ts.Node[] = [];
  private steps = 0;
  /** the module whose top level is running: what it creates and registers is its own. */
  private owner = '';
  /** modules whose start-up run changed an object, array or scope of another module. */
  private readonly crossMutators = new Set<string>();
  /** target module -> reader module -> what it read: containers only, or code too. */
  private readonly reads = new Map<
    string,
    Map<string, { code: boolean; containers: { reread: () => Value; c: Container }[] }>
  >();
  /** during a re-run: containers of the re-run modules, by creation site, to be made again as themselves. */
  private reusable = new Map<string, Container[]>();
  containers: Container[] = [];
  /** registration calls that ran, to tell them from those left for run time. */
  readonly executedCalls = new Map<ts.Node, string>();
  /** functions created while running: their closure, for runtime-registration checks. */
  readonly closures = new Map<ts.Node, { env: Env; owner: string }>();
  /** the workspace function a call expression called (a factory such as `validate(schema)`). */
  readonly calleeOf = new Map<ts.Node, FuncValue>();
  /** the first workspace function passed to such a call: what a wrapper wraps. */
  readonly wrappedArg = new Map<ts.Node, FuncValue>();
  notes: string[] = [];
  private readonly globals: Env;

  constructor(
    readonly index: SourceIndex,
    private readonly resolver: ModuleResolver,
    readonly frontEnds: FrontEnd[],
  ) {
    this.globals = this.makeGlobals();
  }

  /** Runs every module of `order` once (entry points first, so order is Node's). */
  run(order: ParsedFile[]): void {
    for (const f of order) {
      try {
        this.loadModule(f);
      } catch (e) {
        if (!(e instanceof BudgetExceeded)) throw e;
        this.notes.push(`analysis stopped early in ${f.rel}: the start-up code is too large to follow`);
        return;
      }
    }
  }

  /**
   * Runs again only the `affected` modules (changed files and all that import them), keeping
   * every other module's state. Returns false, changing nothing, when that could differ from a
   * full run: an affected module changed another module's objects or scopes, or registered on a
   * kept app or router before a kept module did.
   */
  rerun(affected: Set<string>, order: ParsedFile[]): boolean {
    for (const m of affected) if (this.crossMutators.has(m)) return false;
    for (const c of this.containers) {
      if (affected.has(c.owner)) continue;
      let seen = false;
      for (const l of c.layers) {
        if (affected.has(l.owner ?? '')) seen = true;
        else if (seen && l.owner !== RUNTIME) return false;
      }
    }
    for (const m of affected) this.modules.delete(m);
    for (const byReader of this.reads.values()) for (const m of affected) byReader.delete(m);
    // A re-run module's apps and routers are made again as the same objects, so modules that
    // only hold them (mounted them, exported them on) need not run again.
    this.reusable = new Map();
    const kept: Container[] = [];
    for (const c of this.containers) {
      if (!affected.has(c.owner)) kept.push(c);
      else if (c.layers.every((l) => affected.has(l.owner ?? '') || l.owner === RUNTIME)) {
        const list = this.reusable.get(reuseKey(c));
        if (list) list.push(c);
        else this.reusable.set(reuseKey(c), [c]);
      }
    }
    this.containers = kept;
    for (const c of this.containers) removeLayers(c, (l) => affected.has(l.owner ?? ''));
    for (const [n, o] of this.executedCalls) if (affected.has(o)) this.executedCalls.delete(n);
    for (const [n, c] of this.closures) if (affected.has(c.owner)) this.closures.delete(n);
    this.notes = [];
    this.steps = 0;
    this.run(order.filter((f) => affected.has(f.abs)));
    this.reusable = new Map();
    // Whoever did not run again must find the very containers it read.
    for (const target of affected) {
      for (const [reader, rec] of this.reads.get(target) ?? []) {
        if (affected.has(reader)) continue;
        for (const { reread, c } of rec.containers) {
          const now = reread();
          if (now.k !== 'container' || now.c !== c) return false;
        }
      }
    }
    return true;
  }

  addLayer(c: Container, layer: Layer): void {
    c.layers.push({ ...layer, owner: this.owner });
    c.version++;
  }

  private mutated(v: { owner?: string } | Env): void {
    if (v.owner && v.owner !== this.owner) this.crossMutators.add(this.owner);
  }

  loc(file: ParsedFile, node: ts.Node): Loc {
    return locOf(file, node);
  }

  fileOf(abs: string): ParsedFile {
    return this.index.get(abs)!;
  }

  /** Where a function is defined: its name when it has one, else where it starts. */
  funcLoc(f: FuncValue): Loc {
    const file = this.fileOf(f.file);
    const n = f.node;
    const parent = n.parent;
    if ((ts.isArrowFunction(n) || ts.isFunctionExpression(n)) && !n.name) {
      if (parent && ts.isVariableDeclaration(parent) && parent.initializer === n)
        return locOf(file, parent.name);
      if (parent && (ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent)))
        return locOf(file, parent.name);
      if (
        parent &&
        ts.isBinaryExpression(parent) &&
        parent.right === n &&
        parent.operatorToken.kind === ts.SyntaxKind.EqualsToken
      ) {
        return locOf(file, ts.isPropertyAccessExpression(parent.left) ? parent.left.name : parent.left);
      }
    }
    if (n.name) return locOf(file, n.name);
    return locOf(file, n);
  }

  newContainer(c: Omit<Container, 'layers' | 'mounted' | 'owner' | 'version'>): Container {
    const again = this.reusable
      .get(`${this.owner}\0${c.kind}\0${c.createdAt.file}:${c.createdAt.line}:${c.createdAt.column}`)
      ?.shift();
    if (again) {
      Object.assign(again, c, { layers: [], mounted: false, version: again.version + 1 });
      this.containers.push(again);
      return again;
    }
    const container: Container = { ...c, layers: [], mounted: false, owner: this.owner, version: 0 };
    this.containers.push(container);
    return container;
  }

  // ---- modules ---------------------------------------------------------------------------

  private loadModule(file: ParsedFile): ModuleRecord {
    const existing = this.modules.get(file.abs);
    if (existing) return existing;
    const previousOwner = this.owner;
    this.owner = file.abs;
    const env = new Env(this.globals, file.abs);
    const exportsObj: ObjValue = { ...newObj(), cjsModule: true, owner: file.abs };
    const moduleObj: ObjValue = { ...newObj([['exports', exportsObj]]), owner: file.abs };
    const isEsm = file.sf.statements.some(
      (s) =>
        ts.isImportDeclaration(s) ||
        ts.isExportDeclaration(s) ||
        ts.isExportAssignment(s) ||
        (ts.canHaveModifiers(s) && ts.getModifiers(s)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)),
    );
    const record: ModuleRecord = { file, env, moduleObj, esm: isEsm ? newObj() : undefined, done: false };
    this.modules.set(file.abs, record);
    env.declare('module', moduleObj);
    env.declare('exports', exportsObj);
    const ctx: Ctx = { file, env, conditional: 0, frame: { returns: [] } };
    try {
      this.hoistModule(record, ctx);
      this.execStatements(file.sf.statements, ctx);
    } finally {
      record.done = true;
      this.owner = previousOwner;
    }
    return record;
  }

  /** What `require()` of the module returns: `module.exports`, or the ESM namespace. */
  private requireValue(record: ModuleRecord): Value {
    const exp = this.readProp(record.moduleObj, 'exports');
    const pristine = exp.k === 'obj' && exp.cjsModule === true && exp.props.size === 0;
    if (record.esm && (pristine || record.esm.props.size > 0 || record.esm.stars)) return record.esm;
    return exp;
  }

  /** What `import x from` the module gives. */
  private defaultImport(record: ModuleRecord): Value {
    if (record.esm && record.esm.props.has('default')) return this.readProp(record.esm, 'default');
    const cjs = this.requireValue(record);
    if (cjs.k === 'obj' && cjs.props.has('default') && !record.esm) return this.readProp(cjs, 'default');
    return cjs;
  }

  private resolveModule(specifier: string, ctx: Ctx): { record?: ModuleRecord; value?: Value } {
    const r = this.resolver.resolve(specifier, ctx.file.abs, ctx.file.options);
    if (r.kind === 'file') {
      const target = this.index.get(r.abs);
      if (!target) return { value: unknown(`'${specifier}' is outside the analysed files`) };
      if (target.skipped) {
        // once it parses again, whoever read it must run again
        this.readRecord(target.abs, ctx.file.abs).code = true;
        return { value: unknown(`'${specifier}' was skipped: it ${target.skipped}`) };
      }
      return { record: this.loadModule(target) };
    }
    if (r.kind === 'missing') {
      if (specifier.endsWith('.json')) return { value: this.jsonModule(specifier, ctx) };
      return { value: unknown(`cannot find module '${specifier}' from ${ctx.file.rel}`) };
    }
    for (const fe of this.frontEnds) {
      const v = fe.packageValue(r.name, specifier, this);
      if (v) return { value: v };
    }
    return { value: { k: 'external', name: specifier, module: r.name } };
  }

  /** `require('./config.json')`: configuration often holds paths and prefixes. */
  private jsonModule(specifier: string, ctx: Ctx): Value {
    const abs = path.resolve(path.dirname(ctx.file.abs), specifier);
    if (path.relative(this.index.root, abs).startsWith('..'))
      return unknown(`'${specifier}' is outside the analysed directory`);
    try {
      return fromJson(JSON.parse(readFileSync(abs, 'utf8')));
    } catch (e) {
      return unknown(`cannot read '${specifier}': ${(e as Error).message}`);
    }
  }

  /**
   * `require(specifier)` from the file of `site`, for front ends that load files nothing imports
   * (@fastify/autoload's folders).
   */
  requireFrom(specifier: string, site: CallSite): Value {
    const file = this.fileOf(site.file);
    return this.requireModule(specifier, {
      file,
      env: new Env(this.globals, file.abs),
      conditional: site.conditional ? 1 : 0,
      frame: { returns: [] },
    });
  }

  private requireModule(specifier: string, ctx: Ctx): Value {
    const { record, value } = this.resolveModule(specifier, ctx);
    return record ? this.readModule(record.file.abs, ctx.file.abs, (r) => this.requireValue(r)) : value!;
  }

  /**
   * Reads from another module (an import binding, a require), remembering who read what: a
   * reader that took only apps and routers need not run again when that module changes, as long
   * as the same containers come back; one that took anything else must.
   */
  private readModule(target: string, reader: string, read: (r: ModuleRecord) => Value): Value {
    const current = () => this.modules.get(target) ?? this.loadModule(this.index.get(target)!);
    const v = read(current());
    for (const who of reader === this.owner || !this.owner ? [reader] : [reader, this.owner]) {
      if (who === target) continue;
      const rec = this.readRecord(target, who);
      if (v.k === 'container') rec.containers.push({ reread: () => read(current()), c: v.c });
      else rec.code = true;
    }
    return v;
  }

  private readRecord(target: string, reader: string) {
    let byReader = this.reads.get(target);
    if (!byReader) this.reads.set(target, (byReader = new Map()));
    let rec = byReader.get(reader);
    if (!rec) byReader.set(reader, (rec = { code: false, containers: [] }));
    return rec;
  }

  /** The changed modules and, transitively, every module that read more than containers from one. */
  affectedBy(changed: Iterable<string>): Set<string> {
    const out = new Set<string>();
    const queue = [...changed];
    while (queue.length) {
      const m = queue.pop()!;
      if (out.has(m)) continue;
      out.add(m);
      for (const [reader, rec] of this.reads.get(m) ?? []) if (rec.code) queue.push(reader);
    }
    return out;
  }

  private hoistModule(record: ModuleRecord, ctx: Ctx): void {
    const { env } = ctx;
    const esm = record.esm;
    for (const s of record.file.sf.statements) {
      if (ts.isImportDeclaration(s) && ts.isStringLiteral(s.moduleSpecifier)) {
        if (s.importClause?.isTypeOnly) continue;
        const { record: target, value } = this.resolveModule(s.moduleSpecifier.text, ctx);
        const clause = s.importClause;
        if (!clause) continue;
        const reader = record.file.abs;
        const from = (read: (r: ModuleRecord) => Value, fallback: () => Value) =>
          lazy(() => (target ? this.readModule(target.file.abs, reader, read) : fallback()));
        if (clause.name) {
          env.declare(
            clause.name.text,
            from(
              (r) => this.defaultImport(r),
              () => this.readProp(value!, 'default'),
            ),
          );
        }
        const nb = clause.namedBindings;
        if (nb && ts.isNamespaceImport(nb)) {
          env.declare(
            nb.name.text,
            from(
              (r) => this.namespaceOf(r),
              () => value!,
            ),
          );
        } else if (nb) {
          for (const el of nb.elements) {
            if (el.isTypeOnly) continue;
            const imported = (el.propertyName ?? el.name).text;
            env.declare(
              el.name.text,
              from(
                (r) =>
                  imported === 'default'
                    ? this.defaultImport(r)
                    : this.readProp(this.namespaceOf(r), imported),
                () => this.readProp(value!, imported),
              ),
            );
          }
        }
      } else if (ts.isImportEqualsDeclaration(s) && ts.isExternalModuleReference(s.moduleReference)) {
        const e = s.moduleReference.expression;
        if (ts.isStringLiteral(e)) env.declare(s.name.text, this.requireModule(e.text, ctx));
      } else if (esm && ts.isExportDeclaration(s) && !s.isTypeOnly) {
        this.hoistExportDeclaration(s, esm, ctx);
      } else if (
        esm &&
        isExported(s) &&
        (ts.isFunctionDeclaration(s) || ts.isClassDeclaration(s)) &&
        !s.name
      ) {
        esm.props.set(
          'default',
          ts.isFunctionDeclaration(s)
            ? this.makeFunc(s, ctx, nameForExport(ctx.file))
            : this.makeClass(s, ctx),
        );
      } else if (esm && isExported(s)) {
        const isDefault = ts
          .getModifiers(s as ts.HasModifiers)
          ?.some((m) => m.kind === ts.SyntaxKind.DefaultKeyword);
        for (const name of declaredNames(s)) {
          esm.props.set(
            isDefault ? 'default' : name,
            lazy(() => env.lookup(name) ?? UNDEFINED),
          );
        }
      }
    }
    this.hoistFunctions(record.file.sf.statements, ctx);
  }

  private namespaceOf(record: ModuleRecord): Value {
    return this.requireValue(record);
  }

  private hoistExportDeclaration(s: ts.ExportDeclaration, esm: ObjValue, ctx: Ctx): void {
    const spec =
      s.moduleSpecifier && ts.isStringLiteral(s.moduleSpecifier) ? s.moduleSpecifier.text : undefined;
    let source: (() => Value) | undefined;
    let sourceAbs: string | undefined;
    if (spec) {
      const { record, value } = this.resolveModule(spec, ctx);
      sourceAbs = record?.file.abs;
      source = () =>
        sourceAbs ? this.readModule(sourceAbs, ctx.file.abs, (r) => this.namespaceOf(r)) : value!;
    }
    if (!s.exportClause) {
      if (source) (esm.stars ??= []).push(source);
      return;
    }
    if (ts.isNamespaceExport(s.exportClause)) {
      if (source) esm.props.set(s.exportClause.name.text, lazy(source));
      return;
    }
    for (const el of s.exportClause.elements) {
      const local = (el.propertyName ?? el.name).text;
      const exported = el.name.text;
      esm.props.set(
        exported,
        lazy(() =>
          sourceAbs
            ? this.readModule(sourceAbs, ctx.file.abs, (r) => this.readProp(this.namespaceOf(r), local))
            : source
              ? this.readProp(source(), local)
              : (ctx.env.lookup(local) ?? UNDEFINED),
        ),
      );
    }
  }

  private hoistFunctions(statements: readonly ts.Statement[], ctx: Ctx): void {
    for (const s of statements) {
      if (ts.isFunctionDeclaration(s) && s.name && s.body) {
        ctx.env.declare(s.name.text, this.makeFunc(s, ctx, s.name.text));
      }
    }
  }

  // ---- statements ------------------------------------------------------------------------

  private execStatements(statements: readonly ts.Statement[], ctx: Ctx): Completion {
    for (const s of statements) {
      const c = this.exec(s, ctx);
      if (c !== 'normal') return c;
    }
    return 'normal';
  }

  private block(statements: readonly ts.Statement[], ctx: Ctx): Completion {
    const inner: Ctx = { ...ctx, env: new Env(ctx.env, this.owner) };
    this.hoistFunctions(statements, inner);
    return this.execStatements(statements, inner);
  }

  private branch(node: ts.Statement, ctx: Ctx): Completion {
    return ts.isBlock(node)
      ? this.block(node.statements, ctx)
      : this.exec(node, { ...ctx, env: new Env(ctx.env, this.owner) });
  }

  private exec(s: ts.Statement, ctx: Ctx): Completion {
    if (++this.steps > STEP_BUDGET) throw new BudgetExceeded();
    switch (s.kind) {
      case ts.SyntaxKind.ExpressionStatement:
        this.eval((s as ts.ExpressionStatement).expression, ctx);
        return 'normal';
      case ts.SyntaxKind.VariableStatement:
        this.declareList((s as ts.VariableStatement).declarationList, ctx);
        return 'normal';
      case ts.SyntaxKind.Block:
        return this.block((s as ts.Block).statements, ctx);
      case ts.SyntaxKind.ReturnStatement: {
        const e = (s as ts.ReturnStatement).expression;
        ctx.frame.returns.push(e ? this.eval(e, ctx) : UNDEFINED);
        return 'return';
      }
      case ts.SyntaxKind.ThrowStatement:
        this.eval((s as ts.ThrowStatement).expression, ctx);
        return 'return';
      case ts.SyntaxKind.IfStatement:
        return this.execIf(s as ts.IfStatement, ctx);
      case ts.SyntaxKind.ForOfStatement:
      case ts.SyntaxKind.ForInStatement:
        this.execForOfIn(s as ts.ForOfStatement | ts.ForInStatement, ctx);
        return 'normal';
      case ts.SyntaxKind.ForStatement: {
        const f = s as ts.ForStatement;
        const inner: Ctx = { ...ctx, env: new Env(ctx.env, this.owner) };
        if (f.initializer) {
          if (ts.isVariableDeclarationList(f.initializer)) this.declareList(f.initializer, inner);
          else this.eval(f.initializer, inner);
        }
        this.branch(f.statement, cond(inner));
        return 'normal';
      }
      case ts.SyntaxKind.WhileStatement:
      case ts.SyntaxKind.DoStatement:
        this.branch((s as ts.WhileStatement | ts.DoStatement).statement, cond(ctx));
        return 'normal';
      case ts.SyntaxKind.SwitchStatement: {
        const sw = s as ts.SwitchStatement;
        this.eval(sw.expression, ctx);
        const inner = cond({ ...ctx, env: new Env(ctx.env, this.owner) });
        for (const clause of sw.caseBlock.clauses) this.execStatements(clause.statements, inner);
        return 'normal';
      }
      case ts.SyntaxKind.TryStatement: {
        const t = s as ts.TryStatement;
        const c = this.block(t.tryBlock.statements, ctx);
        if (t.catchClause) this.block(t.catchClause.block.statements, cond(ctx));
        if (t.finallyBlock) this.block(t.finallyBlock.statements, ctx);
        return c;
      }
      case ts.SyntaxKind.LabeledStatement:
        return this.exec((s as ts.LabeledStatement).statement, ctx);
      case ts.SyntaxKind.BreakStatement:
        return 'break';
      case ts.SyntaxKind.ContinueStatement:
        return 'continue';
      case ts.SyntaxKind.ClassDeclaration: {
        const c = s as ts.ClassDeclaration;
        if (c.name) ctx.env.declare(c.name.text, this.makeClass(c, ctx));
        return 'normal';
      }
      case ts.SyntaxKind.ExportAssignment: {
        const ea = s as ts.ExportAssignment;
        const v = this.eval(ea.expression, ctx, nameForExport(ctx.file));
        const record = this.modules.get(ctx.file.abs)!;
        if (ea.isExportEquals) record.moduleObj.props.set('exports', v);
        else record.esm?.props.set('default', v);
        return 'normal';
      }
      default:
        // Function declarations are hoisted; imports/exports were bound before the body ran;
        // types and empty statements mean nothing at run time.
        return 'normal';
    }
  }

  private execIf(s: ts.IfStatement, ctx: Ctx): Completion {
    const t = truthiness(this.eval(s.expression, ctx));
    if (t === true) return this.branch(s.thenStatement, ctx);
    if (t === false) return s.elseStatement ? this.branch(s.elseStatement, ctx) : 'normal';
    const a = this.branch(s.thenStatement, cond(ctx));
    const b = s.elseStatement ? this.branch(s.elseStatement, cond(ctx)) : 'normal';
    return a === 'return' && b === 'return' ? 'return' : 'normal';
  }

  private execForOfIn(s: ts.ForOfStatement | ts.ForInStatement, ctx: Ctx): void {
    const iterable = this.eval(s.expression, ctx);
    let items: Value[];
    if (ts.isForInStatement(s)) {
      items =
        iterable.k === 'obj'
          ? [...iterable.props.keys()].map((v) => ({ k: 'str', v }))
          : [unknown('for-in key')];
    } else if (iterable.k === 'arr') {
      items = iterable.items;
    } else {
      items = [
        unknown(`an element of ${short(s.expression.getText(ctx.file.sf))}, which is not a static array`),
      ];
    }
    for (const item of items) {
      const inner = cond({ ...ctx, env: new Env(ctx.env, this.owner) });
      const init = s.initializer;
      if (ts.isVariableDeclarationList(init)) {
        for (const d of init.declarations) this.bind(d.name, item, inner);
      } else if (ts.isIdentifier(init)) {
        const holder = inner.env.assign(init.text, item);
        if (holder) this.mutated(holder);
      }
      const c = this.branch(s.statement, inner);
      if (c === 'break' || c === 'return') break;
    }
  }

  private declareList(list: ts.VariableDeclarationList, ctx: Ctx): void {
    for (const d of list.declarations) {
      const hint = ts.isIdentifier(d.name) ? d.name.text : undefined;
      const v = d.initializer ? this.eval(d.initializer, ctx, hint) : UNDEFINED;
      this.bind(d.name, v, ctx);
    }
  }

  private bind(name: ts.BindingName, value: Value, ctx: Ctx): void {
    if (ts.isIdentifier(name)) {
      ctx.env.declare(name.text, value);
      return;
    }
    if (ts.isObjectBindingPattern(name)) {
      for (const el of name.elements) {
        if (el.dotDotDotToken) {
          this.bind(el.name, unknown('rest of a destructured object'), ctx);
          continue;
        }
        const key = el.propertyName
          ? ts.isIdentifier(el.propertyName) || ts.isStringLiteral(el.propertyName)
            ? el.propertyName.text
            : undefined
          : ts.isIdentifier(el.name)
            ? el.name.text
            : undefined;
        let v = key === undefined ? unknown('computed destructuring key') : this.readProp(value, key);
        if (el.initializer && (v.k === 'undefined' || v.k === 'unknown')) v = this.eval(el.initializer, ctx);
        this.bind(el.name, v, ctx);
      }
      return;
    }
    name.elements.forEach((el, i) => {
      if (ts.isOmittedExpression(el)) return;
      let v: Value;
      if (el.dotDotDotToken)
        v = value.k === 'arr' ? arr(value.items.slice(i)) : unknown('rest of a destructured array');
      else
        v =
          value.k === 'arr'
            ? (value.items[i] ?? UNDEFINED)
            : unknown(`element ${i} of a value that is not a static array`);
      if (el.initializer && v.k === 'undefined') v = this.eval(el.initializer, ctx);
      this.bind(el.name, v, ctx);
    });
  }

  // ---- expressions -----------------------------------------------------------------------

  /** `nameHint` names anonymous functions and containers after the variable they are assigned to. */
  eval(e: ts.Expression, ctx: Ctx, nameHint?: string): Value {
    if (++this.steps > STEP_BUDGET) throw new BudgetExceeded();
    switch (e.kind) {
      case ts.SyntaxKind.Identifier:
        return this.lookup((e as ts.Identifier).text, ctx);
      case ts.SyntaxKind.StringLiteral:
      case ts.SyntaxKind.NoSubstitutionTemplateLiteral:
        return { k: 'str', v: (e as ts.StringLiteral).text };
      case ts.SyntaxKind.NumericLiteral:
        return { k: 'num', v: Number((e as ts.NumericLiteral).text) };
      case ts.SyntaxKind.TrueKeyword:
        return { k: 'bool', v: true };
      case ts.SyntaxKind.FalseKeyword:
        return { k: 'bool', v: false };
      case ts.SyntaxKind.NullKeyword:
        return UNDEFINED;
      case ts.SyntaxKind.RegularExpressionLiteral:
        return { k: 'regex', v: (e as ts.RegularExpressionLiteral).text };
      case ts.SyntaxKind.ThisKeyword:
        return ctx.env.lookup('#this') ?? unknown('`this` outside a class or method');
      case ts.SyntaxKind.TemplateExpression:
        return this.evalTemplate(e as ts.TemplateExpression, ctx);
      case ts.SyntaxKind.ParenthesizedExpression:
      case ts.SyntaxKind.AsExpression:
      case ts.SyntaxKind.TypeAssertionExpression:
      case ts.SyntaxKind.NonNullExpression:
      case ts.SyntaxKind.SatisfiesExpression:
      case ts.SyntaxKind.AwaitExpression:
        return this.eval((e as ts.ParenthesizedExpression).expression, ctx, nameHint);
      case ts.SyntaxKind.ArrowFunction:
      case ts.SyntaxKind.FunctionExpression: {
        const f = e as ts.ArrowFunction | ts.FunctionExpression;
        return this.makeFunc(f, ctx, f.name?.text ?? nameHint);
      }
      case ts.SyntaxKind.ClassExpression:
        return this.makeClass(e as ts.ClassExpression, ctx);
      case ts.SyntaxKind.ObjectLiteralExpression:
        return this.evalObject(e as ts.ObjectLiteralExpression, ctx);
      case ts.SyntaxKind.ArrayLiteralExpression:
        return this.evalArray(e as ts.ArrayLiteralExpression, ctx);
      case ts.SyntaxKind.PropertyAccessExpression: {
        const pa = e as ts.PropertyAccessExpression;
        return this.readProp(this.eval(pa.expression, ctx), pa.name.text);
      }
      case ts.SyntaxKind.ElementAccessExpression: {
        const ea = e as ts.ElementAccessExpression;
        const target = this.eval(ea.expression, ctx);
        const key = primitive(this.eval(ea.argumentExpression, ctx));
        if (key === null || key === undefined)
          return unknown(`computed property ${short(ea.getText(ctx.file.sf))}`);
        return this.readProp(target, String(key));
      }
      case ts.SyntaxKind.CallExpression:
        return this.evalCall(e as ts.CallExpression, ctx, nameHint);
      case ts.SyntaxKind.NewExpression:
        return this.evalNew(e as ts.NewExpression, ctx, nameHint);
      case ts.SyntaxKind.BinaryExpression:
        return this.evalBinary(e as ts.BinaryExpression, ctx, nameHint);
      case ts.SyntaxKind.ConditionalExpression: {
        const c = e as ts.ConditionalExpression;
        const t = truthiness(this.eval(c.condition, ctx));
        if (t === true) return this.eval(c.whenTrue, ctx, nameHint);
        if (t === false) return this.eval(c.whenFalse, ctx, nameHint);
        return union([
          this.eval(c.whenTrue, cond(ctx), nameHint),
          this.eval(c.whenFalse, cond(ctx), nameHint),
        ]);
      }
      case ts.SyntaxKind.PrefixUnaryExpression: {
        const p = e as ts.PrefixUnaryExpression;
        const v = this.eval(p.operand, ctx);
        if (p.operator === ts.SyntaxKind.ExclamationToken) {
          const t = truthiness(v);
          return t === undefined ? unknown('negation of an unknown value') : { k: 'bool', v: !t };
        }
        return unknown('arithmetic');
      }
      case ts.SyntaxKind.TypeOfExpression:
        this.eval((e as ts.TypeOfExpression).expression, ctx);
        return unknown('typeof');
      case ts.SyntaxKind.VoidExpression:
        this.eval((e as ts.VoidExpression).expression, ctx);
        return UNDEFINED;
      case ts.SyntaxKind.SpreadElement:
        return this.eval((e as ts.SpreadElement).expression, ctx);
      default:
        return unknown(`${short(e.getText(ctx.file.sf))} cannot be evaluated statically`);
    }
  }

  /** Evaluates `a.b.c` or `this.x` without running anything, for code that never ran. */
  evalReceiver(e: ts.Expression, env: Env, file: ParsedFile): Value {
    if (ts.isIdentifier(e)) return env.lookup(e.text) ?? unknown(e.text);
    if (e.kind === ts.SyntaxKind.ThisKeyword) return env.lookup('#this') ?? unknown('this');
    if (ts.isPropertyAccessExpression(e))
      return this.readProp(this.evalReceiver(e.expression, env, file), e.name.text);
    if (ts.isParenthesizedExpression(e) || ts.isNonNullExpression(e) || ts.isAsExpression(e))
      return this.evalReceiver(e.expression, env, file);
    return unknown(short(e.getText(file.sf)));
  }

  private lookup(name: string, ctx: Ctx): Value {
    if (name === 'undefined') return UNDEFINED;
    return ctx.env.lookup(name) ?? unknown(`'${name}' is not defined in the analysed files`);
  }

  private evalTemplate(t: ts.TemplateExpression, ctx: Ctx): Value {
    let s = t.head.text;
    let known = true;
    for (const span of t.templateSpans) {
      const p = primitive(this.eval(span.expression, ctx));
      if (p === null) known = false;
      s += String(p) + span.literal.text;
    }
    return known ? { k: 'str', v: s } : unknown(`the computed string ${short(t.getText(ctx.file.sf))}`);
  }

  private evalObject(o: ts.ObjectLiteralExpression, ctx: Ctx): Value {
    const obj: ObjValue = { ...newObj(), owner: this.owner };
    for (const p of o.properties) {
      if (ts.isPropertyAssignment(p)) {
        const key = propName(p.name);
        const v = this.eval(p.initializer, ctx, key);
        if (key !== undefined) obj.props.set(key, v);
      } else if (ts.isShorthandPropertyAssignment(p)) {
        obj.props.set(p.name.text, this.lookup(p.name.text, ctx));
      } else if (ts.isMethodDeclaration(p) && p.body) {
        const key = propName(p.name);
        if (key !== undefined) obj.props.set(key, this.makeFunc(p, ctx, key));
      } else if (ts.isSpreadAssignment(p)) {
        const src = this.eval(p.expression, ctx);
        if (src.k === 'obj') for (const [k, v] of src.props) obj.props.set(k, v);
      }
    }
    return obj;
  }

  private evalArray(a: ts.ArrayLiteralExpression, ctx: Ctx): Value {
    const out = arr([]);
    out.owner = this.owner;
    for (const el of a.elements) {
      if (ts.isSpreadElement(el)) {
        const v = this.eval(el.expression, ctx);
        if (v.k === 'arr') {
          out.items.push(...v.items);
          out.nodes.push(...v.nodes.map((n) => n ?? el));
        } else {
          out.items.push(unknown(`the spread ${short(el.getText(ctx.file.sf))} is not a static array`));
          out.nodes.push(el);
        }
      } else if (!ts.isOmittedExpression(el)) {
        out.items.push(this.eval(el, ctx));
        out.nodes.push(el);
      }
    }
    return out;
  }

  private evalBinary(b: ts.BinaryExpression, ctx: Ctx, nameHint?: string): Value {
    const op = b.operatorToken.kind;
    if (op === ts.SyntaxKind.EqualsToken)
      return this.assign(b.left, this.eval(b.right, ctx, nameHintOf(b.left)), ctx);
    if (
      op === ts.SyntaxKind.AmpersandAmpersandToken ||
      op === ts.SyntaxKind.BarBarToken ||
      op === ts.SyntaxKind.QuestionQuestionToken
    ) {
      const left = this.eval(b.left, ctx, nameHint);
      const t =
        op === ts.SyntaxKind.QuestionQuestionToken
          ? left.k === 'undefined'
            ? false
            : left.k === 'unknown'
              ? undefined
              : true
          : truthiness(left);
      const takeRight = op === ts.SyntaxKind.AmpersandAmpersandToken ? t : t === undefined ? undefined : !t;
      if (takeRight === true) return this.eval(b.right, ctx, nameHint);
      if (takeRight === false) return left;
      // `a && b` yields `a` only when it is falsy: an alternative that registers nothing.
      const leftAlt: Value = op === ts.SyntaxKind.AmpersandAmpersandToken ? { k: 'bool', v: false } : left;
      return union([leftAlt, this.eval(b.right, cond(ctx), nameHint)]);
    }
    const left = this.eval(b.left, ctx);
    const right = this.eval(b.right, ctx);
    const l = primitive(left);
    const r = primitive(right);
    if (op === ts.SyntaxKind.PlusToken || op === ts.SyntaxKind.PlusEqualsToken) {
      const v: Value =
        l !== null && r !== null
          ? typeof l === 'number' && typeof r === 'number'
            ? { k: 'num', v: l + r }
            : { k: 'str', v: String(l) + String(r) }
          : unknown(`the computed value ${short(b.getText(ctx.file.sf))}`);
      if (op === ts.SyntaxKind.PlusEqualsToken && ts.isIdentifier(b.left)) {
        const holder = ctx.env.assign(b.left.text, v);
        if (holder) this.mutated(holder);
      }
      return v;
    }
    if (l !== null && r !== null) {
      switch (op) {
        case ts.SyntaxKind.EqualsEqualsEqualsToken:
        case ts.SyntaxKind.EqualsEqualsToken:
          return { k: 'bool', v: l === r };
        case ts.SyntaxKind.ExclamationEqualsEqualsToken:
        case ts.SyntaxKind.ExclamationEqualsToken:
          return { k: 'bool', v: l !== r };
      }
    }
    return unknown(`the computed value ${short(b.getText(ctx.file.sf))}`);
  }

  private assign(target: ts.Expression, v: Value, ctx: Ctx): Value {
    if (ts.isIdentifier(target)) {
      const holder = ctx.env.assign(target.text, v);
      if (holder) this.mutated(holder);
      else ctx.env.declare(target.text, v);
    } else if (ts.isPropertyAccessExpression(target) || ts.isElementAccessExpression(target)) {
      const key = ts.isPropertyAccessExpression(target)
        ? target.name.text
        : primitive(this.eval(target.argumentExpression, ctx));
      const obj = this.eval(target.expression, ctx);
      if (obj.k === 'obj' && key !== null && key !== undefined) {
        this.mutated(obj);
        obj.props.set(String(key), v);
      }
    }
    return v;
  }

  // ---- calls -----------------------------------------------------------------------------

  private evalArgs(args: readonly ts.Expression[] | undefined, ctx: Ctx): ArgInfo[] {
    const out: ArgInfo[] = [];
    for (const a of args ?? []) {
      if (ts.isSpreadElement(a)) {
        const v = this.eval(a.expression, ctx);
        if (v.k === 'arr')
          v.items.forEach((item, i) =>
            out.push({ node: (v.nodes[i] as ts.Expression) ?? a, value: item, spread: true }),
          );
        else
          out.push({
            node: a,
            value: unknown(`the spread ${short(a.getText(ctx.file.sf))} is not a static array`),
            spread: true,
          });
      } else {
        out.push({ node: a, value: this.eval(a, ctx), spread: false });
      }
    }
    return out;
  }

  private site(
    node: ts.CallExpression | ts.NewExpression,
    args: ArgInfo[],
    ctx: Ctx,
    isNew = false,
  ): CallSite {
    return { node, args, file: ctx.file.abs, conditional: ctx.conditional > 0, isNew };
  }

  private evalCall(c: ts.CallExpression, ctx: Ctx, nameHint?: string): Value {
    const callee = c.expression;
    if (ts.isIdentifier(callee) && callee.text === 'require' && !ctx.env.lookup('require')) {
      const a = c.arguments[0];
      if (a && ts.isStringLiteralLike(a)) return this.requireModule(a.text, ctx);
      return unknown(`the dynamic require(${short(a ? a.getText(ctx.file.sf) : '')})`);
    }
    if (callee.kind === ts.SyntaxKind.ImportKeyword) {
      const a = c.arguments[0];
      if (a && ts.isStringLiteralLike(a)) {
        const { record, value } = this.resolveModule(a.text, ctx);
        return record ? this.readModule(record.file.abs, ctx.file.abs, (r) => this.namespaceOf(r)) : value!;
      }
      return unknown(`the dynamic import(${short(a ? a.getText(ctx.file.sf) : '')})`);
    }
    if (ts.isPropertyAccessExpression(callee)) {
      const receiver = this.eval(callee.expression, ctx);
      const site = this.site(c, this.evalArgs(c.arguments, ctx), ctx);
      return this.callMethod(receiver, callee.name.text, site, ctx, nameHint);
    }
    const fn = this.eval(callee, ctx);
    return this.callValue(fn, this.site(c, this.evalArgs(c.arguments, ctx), ctx), ctx, undefined, nameHint);
  }

  private evalNew(n: ts.NewExpression, ctx: Ctx, nameHint?: string): Value {
    const ctor = this.eval(n.expression, ctx);
    const site = this.site(n, this.evalArgs(n.arguments, ctx), ctx, true);
    if (ctor.k === 'class') return this.construct(ctor, site, ctx);
    return this.callValue(ctor, site, ctx, undefined, nameHint);
  }

  callMethod(receiver: Value, method: string, site: CallSite, ctx: Ctx, nameHint?: string): Value {
    switch (receiver.k) {
      case 'container':
        this.executedCalls.set(site.node, this.owner);
        return receiver.c.frontEnd.callMethod(receiver.c, method, site, this);
      case 'routeBuilder':
        this.executedCalls.set(site.node, this.owner);
        return (
          receiver.c.frontEnd.callRouteBuilder?.(receiver, method, site, this) ?? unknown('route builder')
        );
      case 'arr':
        return this.arrayMethod(receiver, method, site, ctx);
      case 'func':
        if (method === 'bind')
          return { ...receiver, bound: receiver.bound + Math.max(0, site.args.length - 1) };
        if (method === 'call')
          return this.callFunction(receiver, { ...site, args: site.args.slice(1) }, ctx, site.args[0]?.value);
        if (method === 'apply') {
          const list = site.args[1]?.value;
          const args =
            list?.k === 'arr'
              ? list.items.map((value) => ({ node: site.args[1]!.node, value, spread: true }))
              : [];
          return this.callFunction(receiver, { ...site, args }, ctx, site.args[0]?.value);
        }
        return unknown(`${method}() of a function`);
      case 'union':
        return union(receiver.options.map((o) => this.callMethod(o, method, site, cond(ctx), nameHint)));
      case 'external':
        return this.externalCall(site, ctx, receiver);
      default: {
        const fn = this.readProp(receiver, method);
        return this.callValue(fn, site, ctx, receiver, nameHint);
      }
    }
  }

  callValue(fn: Value, site: CallSite, ctx: Ctx, thisValue?: Value, nameHint?: string): Value {
    switch (fn.k) {
      case 'func': {
        this.calleeOf.set(site.node, fn);
        const wrapped = site.args.find((a) => a.value.k === 'func');
        if (wrapped) this.wrappedArg.set(site.node, wrapped.value as FuncValue);
        return this.callFunction(fn, site, ctx, thisValue);
      }
      case 'builtin':
        if (!fn.call) return unknown(`${fn.name} is not callable`);
        this.executedCalls.set(site.node, this.owner);
        return fn.call(nameHint ? { ...site, nameHint } : site);
      case 'class':
        return this.construct(fn, site, ctx);
      case 'external':
        return this.externalCall(site, ctx, fn);
      case 'union':
        return union(fn.options.map((o) => this.callValue(o, site, cond(ctx), thisValue, nameHint)));
      case 'unknown':
        return unknown(`the result of ${short(site.node.getText(this.fileOf(site.file).sf))}: ${fn.reason}`);
      default:
        return unknown(`${short(site.node.expression.getText(this.fileOf(site.file).sf))} is not a function`);
    }
  }

  /** A call into a package: its result is external too, remembering a wrapped workspace function. */
  private externalCall(site: CallSite, ctx: Ctx, callee: ExternalValue): Value {
    const wraps = site.args.find((a) => a.value.k === 'func')?.value as FuncValue | undefined;
    return { k: 'external', name: short(site.node.getText(ctx.file.sf)), wraps, module: callee.module };
  }

  callFunction(fn: FuncValue, site: CallSite, ctx: Ctx, thisValue?: Value): Value {
    const body = fn.node.body;
    if (!body) return unknown('a function without a body');
    if (fn.node.asteriskToken) return unknown('a generator function');
    if (this.callStack.includes(fn.node) || this.callStack.length >= MAX_CALL_DEPTH) {
      return unknown(`a recursive call of ${fn.name ?? 'a function'}`);
    }
    const env = new Env(fn.env, this.owner);
    if (!ts.isArrowFunction(fn.node)) env.declare('#this', thisValue ?? UNDEFINED);
    const file = this.fileOf(fn.file);
    const inner: Ctx = { file, env, conditional: ctx.conditional, frame: { returns: [] } };
    const params = fn.node.parameters.filter((p) => !(ts.isIdentifier(p.name) && p.name.text === 'this'));
    params.forEach((p, i) => {
      let v: Value;
      if (p.dotDotDotToken)
        v = arr(
          site.args.slice(i).map((a) => a.value),
          site.args.slice(i).map((a) => a.node),
        );
      else v = site.args[i]?.value ?? UNDEFINED;
      if (p.initializer && v.k === 'undefined') v = this.eval(p.initializer, inner);
      this.bind(p.name, v, inner);
      if (
        ts.isParameterPropertyDeclaration(p, p.parent) &&
        thisValue?.k === 'obj' &&
        ts.isIdentifier(p.name)
      ) {
        thisValue.props.set(p.name.text, v);
      }
    });
    this.callStack.push(fn.node);
    try {
      if (!ts.isBlock(body)) return this.eval(body, inner);
      this.hoistFunctions(body.statements, inner);
      this.execStatements(body.statements, inner);
      return union(inner.frame.returns);
    } finally {
      this.callStack.pop();
    }
  }

  private construct(cls: ClassValue, site: CallSite, ctx: Ctx): Value {
    const instance: ObjValue = { ...newObj(), proto: cls, owner: this.owner };
    const env = new Env(cls.env, this.owner);
    env.declare('#this', instance);
    const file = this.fileOf(cls.file);
    const fieldCtx: Ctx = { file, env, conditional: ctx.conditional, frame: { returns: [] } };
    let ctor: ts.ConstructorDeclaration | undefined;
    for (const m of cls.node.members) {
      if (ts.isPropertyDeclaration(m) && m.initializer && !isStatic(m)) {
        const key = propName(m.name);
        if (key !== undefined) instance.props.set(key, this.eval(m.initializer, fieldCtx, key));
      } else if (ts.isConstructorDeclaration(m) && m.body) {
        ctor = m;
      }
    }
    if (ctor)
      this.callFunction(
        this.makeFunc(ctor, { ...fieldCtx, env: cls.env }, 'constructor'),
        site,
        ctx,
        instance,
      );
    return instance;
  }

  private arrayMethod(a: Extract<Value, { k: 'arr' }>, method: string, site: CallSite, ctx: Ctx): Value {
    const cb = site.args[0]?.value;
    const each = (f: (v: Value, i: number, r: Value) => void) => {
      a.items.forEach((item, i) => {
        const r =
          cb?.k === 'func'
            ? this.callFunction(
                cb,
                {
                  ...site,
                  args: [
                    { node: (a.nodes[i] as ts.Expression) ?? site.node, value: item, spread: false },
                    { node: site.node, value: { k: 'num', v: i }, spread: false },
                  ],
                },
                cond(ctx),
              )
            : unknown('callback');
        f(item, i, r);
      });
    };
    switch (method) {
      case 'forEach':
        each(() => undefined);
        return UNDEFINED;
      case 'map': {
        const out = arr([]);
        each((_v, _i, r) => {
          out.items.push(r);
          out.nodes.push(undefined);
        });
        return out;
      }
      case 'filter': {
        const out = arr([]);
        a.items.forEach((item, i) => {
          const keep = cb?.k === 'func' ? undefined : truthiness(item);
          if (keep !== false) {
            out.items.push(item);
            out.nodes.push(a.nodes[i]);
          }
        });
        return out;
      }
      case 'concat': {
        const out = arr([...a.items], [...a.nodes]);
        for (const arg of site.args) {
          if (arg.value.k === 'arr') {
            out.items.push(...arg.value.items);
            out.nodes.push(...arg.value.nodes);
          } else {
            out.items.push(arg.value);
            out.nodes.push(arg.node);
          }
        }
        return out;
      }
      case 'flat': {
        const out = arr([]);
        a.items.forEach((item, i) => {
          if (item.k === 'arr') {
            out.items.push(...item.items);
            out.nodes.push(...item.nodes);
          } else {
            out.items.push(item);
            out.nodes.push(a.nodes[i]);
          }
        });
        return out;
      }
      case 'push':
        this.mutated(a);
        for (const arg of site.args) {
          a.items.push(arg.value);
          a.nodes.push(arg.node);
        }
        return { k: 'num', v: a.items.length };
      case 'slice':
        return arr([...a.items], [...a.nodes]);
      default:
        return unknown(`the array method ${method}()`);
    }
  }

  // ---- objects and functions -------------------------------------------------------------

  readProp(v: Value, key: string): Value {
    switch (v.k) {
      case 'obj': {
        const p = v.props.get(key);
        if (p) return p.k === 'lazy' ? p.get() : p;
        for (const star of v.stars ?? []) {
          const s = star();
          if (s.k === 'obj' && (s.props.has(key) || s.stars)) {
            const found = this.readProp(s, key);
            if (found.k !== 'unknown') return found;
          }
        }
        if (v.proto) {
          const m = this.classMember(v.proto, key, false);
          if (m) return m;
        }
        if (key === 'default' && v.cjsModule) return v;
        return unknown(`'${key}' is not set on this object`);
      }
      case 'class':
        return this.classMember(v, key, true) ?? unknown(`static '${key}'`);
      case 'arr':
        if (key === 'length') return { k: 'num', v: v.items.length };
        if (/^\d+$/.test(key)) return v.items[Number(key)] ?? UNDEFINED;
        return unknown(`array property ${key}`);
      case 'builtin':
        return v.props?.[key] ?? (key === 'default' ? v : unknown(`${v.name}.${key}`));
      case 'external':
        return { k: 'external', name: `${v.name}.${key}`, module: v.module };
      case 'union':
        return union(v.options.map((o) => this.readProp(o, key)));
      case 'unknown':
        return v;
      default:
        return unknown(`property '${key}' of a ${v.k} value`);
    }
  }

  private classMember(cls: ClassValue, key: string, statics: boolean): Value | undefined {
    for (const m of cls.node.members) {
      if (!ts.isMethodDeclaration(m) || !m.body || propName(m.name) !== key || isStatic(m) !== statics)
        continue;
      let f = cls.methods.get(m);
      if (!f) {
        f = this.makeFunc(
          m,
          { file: this.fileOf(cls.file), env: cls.env, conditional: 0, frame: { returns: [] } },
          key,
        );
        cls.methods.set(m, f);
      }
      return f;
    }
    const heritage = cls.node.heritageClauses?.find((h) => h.token === ts.SyntaxKind.ExtendsKeyword)
      ?.types[0];
    if (heritage) {
      const base = this.eval(heritage.expression, {
        file: this.fileOf(cls.file),
        env: cls.env,
        conditional: 0,
        frame: { returns: [] },
      });
      if (base.k === 'class') return this.classMember(base, key, statics);
    }
    return undefined;
  }

  private makeFunc(node: ts.FunctionLikeDeclaration, ctx: Ctx, name: string | undefined): FuncValue {
    if (!this.closures.has(node)) this.closures.set(node, { env: ctx.env, owner: this.owner });
    return { k: 'func', node, env: ctx.env, file: ctx.file.abs, name, bound: 0 };
  }

  private makeClass(node: ts.ClassLikeDeclaration, ctx: Ctx): ClassValue {
    return { k: 'class', node, env: ctx.env, file: ctx.file.abs, methods: new Map() };
  }

  private makeGlobals(): Env {
    const g = new Env(undefined, '');
    const objectBuiltin: Value = {
      k: 'builtin',
      name: 'Object',
      props: {
        values: { k: 'builtin', name: 'Object.values', call: (s) => objEntries(s, (_k, v) => v) },
        keys: { k: 'builtin', name: 'Object.keys', call: (s) => objEntries(s, (k) => ({ k: 'str', v: k })) },
        entries: {
          k: 'builtin',
          name: 'Object.entries',
          call: (s) => objEntries(s, (k, v) => arr([{ k: 'str', v: k }, v])),
        },
        freeze: { k: 'builtin', name: 'Object.freeze', call: (s) => s.args[0]?.value ?? UNDEFINED },
        assign: {
          k: 'builtin',
          name: 'Object.assign',
          call: (s) => {
            const target = s.args[0]?.value;
            if (target?.k !== 'obj') return target ?? UNDEFINED;
            this.mutated(target);
            for (const src of s.args.slice(1))
              if (src.value.k === 'obj') for (const [k, v] of src.value.props) target.props.set(k, v);
            return target;
          },
        },
      },
    };
    const objEntries = (s: CallSite, f: (k: string, v: Value) => Value): Value => {
      const o = s.args[0]?.value;
      if (o?.k !== 'obj') return unknown('the entries of an object that is not static');
      return arr([...o.props.keys()].map((k) => f(k, this.readProp(o, k))));
    };
    g.declare('Object', objectBuiltin);
    g.declare('process', { k: 'external', name: 'process' });
    g.declare('__dirname', unknown('__dirname'));
    g.declare('__filename', unknown('__filename'));
    return g;
  }
}

function reuseKey(c: Container): string {
  return `${c.owner}\0${c.kind}\0${c.createdAt.file}:${c.createdAt.line}:${c.createdAt.column}`;
}

/** Drops the layers `drop` selects, bumping the container's version when any go. */
export function removeLayers(c: Container, drop: (l: Layer) => boolean): void {
  const kept = c.layers.filter((l) => !drop(l));
  if (kept.length !== c.layers.length) {
    c.layers = kept;
    c.version++;
  }
}

function lazy(get: () => Value): LazyRef {
  let cached: Value | undefined;
  let busy = false;
  return {
    k: 'lazy',
    get: () => {
      if (cached) return cached;
      if (busy) return unknown('a circular import');
      busy = true;
      try {
        const v = get();
        // A module still being evaluated may set this later: cache only settled values.
        if (v.k !== 'unknown') cached = v;
        return v;
      } finally {
        busy = false;
      }
    },
  };
}

function fromJson(j: unknown): Value {
  if (typeof j === 'string') return { k: 'str', v: j };
  if (typeof j === 'number') return { k: 'num', v: j };
  if (typeof j === 'boolean') return { k: 'bool', v: j };
  if (Array.isArray(j)) return arr(j.map(fromJson));
  if (j && typeof j === 'object') return newObj(Object.entries(j).map(([k, v]) => [k, fromJson(v)]));
  return UNDEFINED;
}

function arr(items: Value[], nodes?: (ts.Node | undefined)[]): Extract<Value, { k: 'arr' }> {
  return { k: 'arr', items, nodes: nodes ?? items.map(() => undefined) };
}

function cond(ctx: Ctx): Ctx {
  return { ...ctx, conditional: ctx.conditional + 1 };
}

export function short(text: string, max = 80): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > max ? t.slice(0, max - 1) + '…' : t;
}

function propName(n: ts.PropertyName): string | undefined {
  if (ts.isIdentifier(n) || ts.isStringLiteral(n) || ts.isNumericLiteral(n) || ts.isPrivateIdentifier(n))
    return n.text;
  return undefined;
}

function nameHintOf(target: ts.Expression): string | undefined {
  if (ts.isIdentifier(target)) return target.text;
  if (ts.isPropertyAccessExpression(target)) return target.name.text;
  return undefined;
}

function nameForExport(file: ParsedFile): string {
  const base = file.rel
    .split('/')
    .pop()!
    .replace(/\.[^.]+$/, '');
  return base === 'index' ? (file.rel.split('/').slice(-2, -1)[0] ?? base) : base;
}

function isStatic(m: ts.ClassElement): boolean {
  return !!ts.getModifiers(m as ts.HasModifiers)?.some((x) => x.kind === ts.SyntaxKind.StaticKeyword);
}

function isExported(s: ts.Statement): boolean {
  return !!(
    ts.canHaveModifiers(s) && ts.getModifiers(s)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)
  );
}

function declaredNames(s: ts.Statement): string[] {
  if ((ts.isFunctionDeclaration(s) || ts.isClassDeclaration(s)) && s.name) return [s.name.text];
  if (ts.isVariableStatement(s)) {
    const out: string[] = [];
    const collect = (n: ts.BindingName): void => {
      if (ts.isIdentifier(n)) out.push(n.text);
      else for (const el of n.elements) if (!ts.isOmittedExpression(el)) collect(el.name);
    };
    for (const d of s.declarationList.declarations) collect(d.name);
    return out;
  }
  return [];
}
