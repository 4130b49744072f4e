// Follows every path through a middleware or handler and records what each path does with the
// request: calls `next`, passes an error on, responds, throws, or hands `next`/the response to
// another function. `next` and the response are recognised by parameter position, never by name.
// Callbacks are followed where they are written (a promise's `.then`, an err-first callback, a
// `new Promise` executor); a `.catch` branches from the state before the chain it ends.
import { ts } from 'ts-morph';
import { RESPOND_METHODS, type Convention } from './convention';
import { dedupe, effects, START, type PathEnd, type PathState } from './path-state';

export interface DoubleResponse {
  /** respond-continue: a Fastify async hook that sent and did not return the reply. */
  kind: 'respond-respond' | 'respond-next' | 'next-respond' | 'respond-continue';
  first: ts.Node;
  second: ts.Node;
}

export interface PathFacts {
  ends: PathEnd[];
  doubles: DoubleResponse[];
  /** catch clauses and `.catch` callbacks after which a path neither passes the error on nor responds. */
  swallows: ts.Node[];
}

/** The conventional name of an err-first callback's first parameter. */
export const ERROR_PARAM = /^(err|error|e|er|ex)$/;

const ITERATION_METHODS = new Set([
  'forEach',
  'map',
  'filter',
  'some',
  'every',
  'find',
  'findIndex',
  'reduce',
  'flatMap',
]);

interface Names {
  next: Set<string>;
  res: Set<string>;
  err: Set<string>;
  ctx: Set<string>;
}

export function walkPaths(fn: ts.FunctionLikeDeclaration, conv: Convention): PathFacts {
  return new FlowWalker(fn, conv).run();
}

class FlowWalker {
  private readonly ends: PathEnd[] = [];
  private readonly doubles = new Map<ts.Node, DoubleResponse>();
  private readonly swallows = new Set<ts.Node>();
  private readonly localFns = new Map<string, ts.FunctionLikeDeclaration>();
  private readonly inlining = new Set<ts.Node>();
  /** per enclosing try (null: a callback boundary that throws do not cross): where throws go. */
  private readonly tries: (PathState[] | null)[] = [];
  private readonly jumps: PathState[][] = [];
  /** per inlined callback: the states its `return`s hand back to the call site. */
  private readonly frames: PathState[][] = [];
  private names: Names;
  /** err-first callback parameters in scope: testing one opens an error branch. */
  private errParams = new Map<string, ts.Node>();

  private readonly isAsync: boolean;

  constructor(
    private readonly fn: ts.FunctionLikeDeclaration,
    private readonly conv: Convention,
  ) {
    this.isAsync = !!ts.getModifiers(fn)?.some((m) => m.kind === ts.SyntaxKind.AsyncKeyword);
    const params = fn.parameters.filter((p) => !(ts.isIdentifier(p.name) && p.name.text === 'this'));
    const at = (i: number | undefined) => {
      const p = i === undefined ? undefined : params[i];
      return p && ts.isIdentifier(p.name) ? new Set([p.name.text]) : new Set<string>();
    };
    this.names = { next: at(conv.next), res: at(conv.res), err: at(conv.err), ctx: at(conv.ctx) };
  }

  run(): PathFacts {
    const body = this.fn.body;
    if (body && ts.isBlock(body)) {
      this.collectLocalFns(body);
      for (const s of this.block(body.statements, [START])) this.end('fall', s, this.fn);
    } else if (body) {
      for (const s of this.returned(body, this.expr(body, [START]), body)) this.end('return', s, body, body);
    }
    return { ends: this.ends, doubles: [...this.doubles.values()], swallows: [...this.swallows] };
  }

  // ---- ends and effects ------------------------------------------------------------------

  private end(how: PathEnd['how'], state: PathState, at: ts.Node, value?: ts.Expression): void {
    if (this.frames.length > 0 && how !== 'throw') {
      this.frames[this.frames.length - 1]!.push(state);
      return;
    }
    // Fastify: an async hook that settles lets the request go on, unless it returned the reply.
    if (this.conv.asyncEndContinues && this.isAsync && how !== 'throw' && !(value && this.isReply(value))) {
      if (state.responses.length > 0) this.double('respond-continue', state.responses[0]!, at);
      state = { ...state, nexts: [...state.nexts.slice(0, 1), at] };
    }
    if (state.inCatch && how !== 'throw' && effects(state) === state.inCatch.effects)
      this.swallows.add(state.inCatch.node);
    this.ends.push({ state, how, at });
  }

  private respond(states: PathState[], node: ts.Node): PathState[] {
    return states.map((s) => {
      if (s.responses.length > 0) this.double('respond-respond', s.responses[0]!, node);
      else if (s.nexts.length > 0) this.double('next-respond', s.nexts[0]!, node);
      return { ...s, responses: [...s.responses.slice(0, 1), node] };
    });
  }

  private callNext(states: PathState[], node: ts.Node, passesError: boolean): PathState[] {
    return states.map((s) => {
      if (s.responses.length > 0) this.double('respond-next', s.responses[0]!, node);
      return passesError
        ? { ...s, errors: [...s.errors, node] }
        : { ...s, nexts: [...s.nexts.slice(0, 1), node] };
    });
  }

  private double(kind: DoubleResponse['kind'], first: ts.Node, second: ts.Node): void {
    if (!this.doubles.has(second)) this.doubles.set(second, { kind, first, second });
  }

  /** Fastify handlers: returning a value (not the reply) answers with it. */
  private returned(e: ts.Expression, states: PathState[], at: ts.Node): PathState[] {
    if (!this.conv.returnResponds || this.frames.length > 0 || this.isReply(e)) return states;
    let inner = e;
    while (ts.isAwaitExpression(inner) || ts.isParenthesizedExpression(inner)) inner = inner.expression;
    if (inner.kind === ts.SyntaxKind.VoidExpression || (ts.isIdentifier(inner) && inner.text === 'undefined'))
      return states;
    // Hono middleware: `return next()` passes the request on; it is not a response.
    if (
      ts.isCallExpression(inner) &&
      ts.isIdentifier(inner.expression) &&
      this.names.next.has(inner.expression.text)
    )
      return states;
    return this.respond(states, at);
  }

  /** `reply`, or a call on it (`reply.send(x)`, `reply.code(400).send()`). */
  private isReply(e: ts.Expression): boolean {
    let inner = e;
    while (ts.isAwaitExpression(inner) || ts.isParenthesizedExpression(inner)) inner = inner.expression;
    return this.isRoot(inner, this.names.res);
  }

  // ---- statements ------------------------------------------------------------------------

  private block(statements: readonly ts.Statement[], states: PathState[]): PathState[] {
    for (const s of statements) {
      if (states.length === 0) break;
      states = this.stmt(s, states);
    }
    return states;
  }

  private stmt(s: ts.Statement, states: PathState[]): PathState[] {
    switch (s.kind) {
      case ts.SyntaxKind.ExpressionStatement:
        return this.expr((s as ts.ExpressionStatement).expression, states);
      case ts.SyntaxKind.VariableStatement:
        for (const d of (s as ts.VariableStatement).declarationList.declarations) {
          if (d.initializer) {
            this.alias(d.name, d.initializer);
            states = this.expr(d.initializer, states);
          }
        }
        return states;
      case ts.SyntaxKind.Block:
        return this.block((s as ts.Block).statements, states);
      case ts.SyntaxKind.ReturnStatement: {
        const e = (s as ts.ReturnStatement).expression;
        const after = e ? this.returned(e, this.expr(e, states), s) : states;
        for (const st of after) this.end('return', st, s, e);
        return [];
      }
      case ts.SyntaxKind.ThrowStatement: {
        const after = this.expr((s as ts.ThrowStatement).expression, states);
        const target = this.tries[this.tries.length - 1];
        if (target) target.push(...after);
        else for (const st of after) this.end('throw', st, s);
        return [];
      }
      case ts.SyntaxKind.IfStatement: {
        const i = s as ts.IfStatement;
        const c = this.expr(i.expression, states);
        const then = this.stmt(i.thenStatement, this.assume(c, i.expression, true));
        const otherwise = this.assume(c, i.expression, false);
        const els = i.elseStatement ? this.stmt(i.elseStatement, otherwise) : otherwise;
        return dedupe([...then, ...els]);
      }
      case ts.SyntaxKind.ForStatement:
      case ts.SyntaxKind.ForOfStatement:
      case ts.SyntaxKind.ForInStatement:
      case ts.SyntaxKind.WhileStatement:
      case ts.SyntaxKind.DoStatement:
        return this.loop(s as ts.IterationStatement, states);
      case ts.SyntaxKind.SwitchStatement:
        return this.switchStmt(s as ts.SwitchStatement, states);
      case ts.SyntaxKind.TryStatement:
        return this.tryStmt(s as ts.TryStatement, states);
      case ts.SyntaxKind.LabeledStatement:
        return this.stmt((s as ts.LabeledStatement).statement, states);
      case ts.SyntaxKind.BreakStatement:
      case ts.SyntaxKind.ContinueStatement:
        this.jumps[this.jumps.length - 1]?.push(...states);
        return [];
      default:
        return states;
    }
  }

  private loop(s: ts.IterationStatement, states: PathState[]): PathState[] {
    if (ts.isForStatement(s)) {
      const init = s.initializer;
      if (init && ts.isVariableDeclarationList(init)) {
        for (const d of init.declarations) if (d.initializer) states = this.expr(d.initializer, states);
      } else if (init) states = this.expr(init, states);
      if (s.condition) states = this.expr(s.condition, states);
    } else if (ts.isForOfStatement(s) || ts.isForInStatement(s)) {
      states = this.expr(s.expression, states);
    } else if (ts.isWhileStatement(s)) {
      states = this.expr(s.expression, states);
    }
    this.jumps.push([]);
    const body = this.stmt(s.statement, states);
    const jumped = this.jumps.pop()!;
    // The body runs zero or more times: once stands for "some"; a do-loop runs at least once.
    return dedupe(ts.isDoStatement(s) ? [...body, ...jumped] : [...states, ...body, ...jumped]);
  }

  private switchStmt(s: ts.SwitchStatement, states: PathState[]): PathState[] {
    states = this.expr(s.expression, states);
    this.jumps.push([]);
    let falling: PathState[] = [];
    for (const clause of s.caseBlock.clauses) {
      const entry = ts.isCaseClause(clause) ? this.expr(clause.expression, states) : states;
      falling = this.block(clause.statements, dedupe([...entry, ...falling]));
    }
    const broken = this.jumps.pop()!;
    const hasDefault = s.caseBlock.clauses.some(ts.isDefaultClause);
    return dedupe([...falling, ...broken, ...(hasDefault ? [] : states)]);
  }

  private tryStmt(s: ts.TryStatement, states: PathState[]): PathState[] {
    // An error can come before anything in the block happened, or at a throw inside it.
    const thrown: PathState[] = [...states];
    this.tries.push(s.catchClause ? thrown : (this.tries[this.tries.length - 1] ?? null));
    const tried = this.block(s.tryBlock.statements, states);
    this.tries.pop();
    let out = tried;
    if (s.catchClause) {
      const saved = this.names;
      const v = s.catchClause.variableDeclaration?.name;
      if (v && ts.isIdentifier(v)) this.names = { ...saved, err: new Set([...saved.err, v.text]) };
      const node = s.catchClause;
      const entries = dedupe(thrown).map((st) => ({ ...st, inCatch: { node, effects: effects(st) } }));
      out = dedupe([...tried, ...this.block(s.catchClause.block.statements, entries)]);
      this.names = saved;
    }
    if (s.finallyBlock) out = this.block(s.finallyBlock.statements, out);
    return out;
  }

  // ---- expressions -----------------------------------------------------------------------

  private expr(e: ts.Expression, states: PathState[]): PathState[] {
    if (states.length === 0) return states;
    switch (e.kind) {
      case ts.SyntaxKind.ParenthesizedExpression:
      case ts.SyntaxKind.AsExpression:
      case ts.SyntaxKind.NonNullExpression:
      case ts.SyntaxKind.TypeAssertionExpression:
      case ts.SyntaxKind.SatisfiesExpression:
      case ts.SyntaxKind.AwaitExpression:
      case ts.SyntaxKind.SpreadElement:
      case ts.SyntaxKind.VoidExpression:
      case ts.SyntaxKind.TypeOfExpression:
        return this.expr((e as ts.ParenthesizedExpression).expression, states);
      case ts.SyntaxKind.CallExpression:
        return this.call(e as ts.CallExpression, states);
      case ts.SyntaxKind.NewExpression:
        return this.newExpr(e as ts.NewExpression, states);
      case ts.SyntaxKind.BinaryExpression:
        return this.binary(e as ts.BinaryExpression, states);
      case ts.SyntaxKind.ConditionalExpression: {
        const c = e as ts.ConditionalExpression;
        const after = this.expr(c.condition, states);
        return dedupe([
          ...this.expr(c.whenTrue, this.assume(after, c.condition, true)),
          ...this.expr(c.whenFalse, this.assume(after, c.condition, false)),
        ]);
      }
      case ts.SyntaxKind.PrefixUnaryExpression:
      case ts.SyntaxKind.PostfixUnaryExpression:
        return this.expr((e as ts.PrefixUnaryExpression).operand, states);
      case ts.SyntaxKind.PropertyAccessExpression:
      case ts.SyntaxKind.ElementAccessExpression:
        return this.expr((e as ts.PropertyAccessExpression).expression, states);
      case ts.SyntaxKind.TemplateExpression:
        for (const span of (e as ts.TemplateExpression).templateSpans)
          states = this.expr(span.expression, states);
        return states;
      case ts.SyntaxKind.ArrayLiteralExpression:
        for (const el of (e as ts.ArrayLiteralExpression).elements) states = this.expr(el, states);
        return states;
      case ts.SyntaxKind.ObjectLiteralExpression:
        for (const p of (e as ts.ObjectLiteralExpression).properties) {
          if (ts.isPropertyAssignment(p)) states = this.expr(p.initializer, states);
          else if (ts.isSpreadAssignment(p)) states = this.expr(p.expression, states);
        }
        return states;
      default:
        return states;
    }
  }

  private binary(b: ts.BinaryExpression, states: PathState[]): PathState[] {
    const op = b.operatorToken.kind;
    if (op === ts.SyntaxKind.AmpersandAmpersandToken || op === ts.SyntaxKind.BarBarToken) {
      const left = this.expr(b.left, states);
      const and = op === ts.SyntaxKind.AmpersandAmpersandToken;
      return dedupe([
        ...this.assume(left, b.left, !and),
        ...this.expr(b.right, this.assume(left, b.left, and)),
      ]);
    }
    if (op === ts.SyntaxKind.QuestionQuestionToken) {
      const left = this.expr(b.left, states);
      return dedupe([...left, ...this.expr(b.right, left)]);
    }
    if (op >= ts.SyntaxKind.FirstAssignment && op <= ts.SyntaxKind.LastAssignment) {
      let after = this.expr(b.right, states);
      if (ts.isIdentifier(b.left)) {
        this.alias(b.left, b.right);
        after = after.map((s) => forget(s, b.left.getText()));
      }
      // Koa: assigning the body answers the request.
      if (
        ts.isPropertyAccessExpression(b.left) &&
        b.left.name.text === 'body' &&
        this.isRoot(b.left.expression, this.names.ctx)
      ) {
        return this.respond(after, b);
      }
      return after;
    }
    return this.expr(b.right, this.expr(b.left, states));
  }

  private newExpr(n: ts.NewExpression, states: PathState[]): PathState[] {
    // `new Promise(executor)` runs the executor right away.
    const executor = n.arguments?.[0];
    if (
      ts.isIdentifier(n.expression) &&
      n.expression.text === 'Promise' &&
      executor &&
      isFunction(executor)
    ) {
      return this.inline(executor, states);
    }
    return this.args(n.arguments ?? [], states);
  }

  private call(c: ts.CallExpression, states: PathState[]): PathState[] {
    const callee = c.expression;
    if (ts.isIdentifier(callee) && this.names.next.has(callee.text)) {
      const after = this.args(c.arguments, states);
      return this.callNext(after, c, passesError(c.arguments[0]));
    }
    // (async () => { ... })(): runs right here
    let inner: ts.Expression = callee;
    while (ts.isParenthesizedExpression(inner)) inner = inner.expression;
    if (isFunction(inner)) return this.inline(inner, this.args(c.arguments, states));
    if (ts.isIdentifier(callee) && this.localFns.has(callee.text)) {
      return this.inline(this.localFns.get(callee.text)!, this.args(c.arguments, states));
    }
    if (ts.isPropertyAccessExpression(callee)) {
      const method = callee.name.text;
      if (method === 'then' || method === 'catch' || method === 'finally')
        return this.promiseChain(c, states);
      if (this.isRoot(callee.expression, this.names.res) && RESPOND_METHODS.has(method)) {
        return this.respondCall(c, method, this.expr(callee.expression, states));
      }
      if (this.isRoot(callee.expression, this.names.ctx)) {
        if (method === 'throw') {
          for (const s of this.args(c.arguments, states)) this.end('throw', s, c);
          return [];
        }
        if (method === 'redirect' || method === 'attachment')
          return this.respond(this.args(c.arguments, states), c);
      }
      states = this.expr(callee.expression, states);
      if (ITERATION_METHODS.has(method)) return this.iteration(c, states);
    } else {
      states = this.expr(callee, states);
    }
    return this.args(c.arguments, states);
  }

  /** `res.send(...)`, and the callback forms `sendFile(p, err => ...)` and `render(v, (err, html) => ...)`. */
  private respondCall(c: ts.CallExpression, method: string, states: PathState[]): PathState[] {
    const callback = c.arguments.find(
      (a) => isFunction(a) || (ts.isIdentifier(a) && this.localFns.has(a.text)),
    );
    const plain = c.arguments.filter((a) => a !== callback);
    states = this.args(plain, states);
    if (!callback) return this.respond(states, c);
    // render(view, cb) sends nothing itself: the callback answers. sendFile/download send the
    // file themselves; their callback only hears how it went.
    if (method !== 'render') return this.respond(states, c);
    const cb = isFunction(callback) ? callback : this.localFns.get((callback as ts.Identifier).text)!;
    return this.inline(cb, states);
  }

  private iteration(c: ts.CallExpression, states: PathState[]): PathState[] {
    const cb = c.arguments[0];
    if (!cb || !isFunction(cb)) return this.args(c.arguments, states);
    // The callback runs zero or more times: responding in it twice is not assumed.
    return dedupe([...states, ...this.inline(cb, states)]);
  }

  /** `p.then(a).then(b).catch(c).finally(d)`: success runs the thens, failure the catch. */
  private promiseChain(c: ts.CallExpression, states: PathState[]): PathState[] {
    const links: { method: string; call: ts.CallExpression }[] = [];
    let base: ts.Expression = c;
    while (ts.isCallExpression(base) && ts.isPropertyAccessExpression(base.expression)) {
      const m = base.expression.name.text;
      if (m !== 'then' && m !== 'catch' && m !== 'finally') break;
      links.unshift({ method: m, call: base });
      base = base.expression.expression;
    }
    // A rejection can come before anything the promise's work did: failures start from `states`.
    let ok = this.expr(base, states);
    let failed: PathState[] = [];
    let handled = false;
    for (const { method, call } of links) {
      const [first, second] = call.arguments;
      if (method === 'then') {
        if (second) failed = [...failed, ...this.handler(second, states, call)];
        if (second) handled = true;
        if (first) ok = this.handler(first, ok, undefined);
      } else if (method === 'catch') {
        if (first) failed = [...failed, ...this.handler(first, states, call)];
        handled = true;
      } else if (first) {
        ok = this.handler(first, ok, undefined);
        failed = this.handler(first, failed, undefined);
      }
    }
    return dedupe(handled ? [...ok, ...failed] : ok);
  }

  /** A callback given to then/catch: `next` itself, a function, or something else. */
  private handler(h: ts.Expression, states: PathState[], catchNode: ts.Node | undefined): PathState[] {
    if (ts.isIdentifier(h) && this.names.next.has(h.text))
      return this.callNext(states, h, catchNode !== undefined);
    const fn = isFunction(h) ? h : ts.isIdentifier(h) ? this.localFns.get(h.text) : undefined;
    if (!fn) return states.map((s) => ({ ...s, delegated: true }));
    if (!catchNode) return this.inline(fn, states);
    const entries = states.map((s) => ({ ...s, inCatch: { node: fn, effects: effects(s) } }));
    const saved = this.names;
    const p = fn.parameters[0];
    if (p && ts.isIdentifier(p.name)) this.names = { ...saved, err: new Set([...saved.err, p.name.text]) };
    const out = this.inline(fn, entries);
    this.names = saved;
    return out;
  }

  private args(args: readonly ts.Expression[], states: PathState[]): PathState[] {
    for (const a of args) {
      if (
        ts.isIdentifier(a) &&
        (this.names.next.has(a.text) || this.names.res.has(a.text) || this.names.ctx.has(a.text))
      ) {
        // Handing `next` or the response to another function: it finishes the job.
        states = states.map((s) => ({ ...s, delegated: true }));
      } else if (isFunction(a)) {
        states = this.inline(a, states);
      } else if (ts.isIdentifier(a) && this.localFns.has(a.text)) {
        states = this.inline(this.localFns.get(a.text)!, states);
      } else {
        states = this.expr(a, states);
      }
    }
    return states;
  }

  /** Runs a callback's body as part of the path; its returns come back here. */
  private inline(fn: ts.FunctionLikeDeclaration, states: PathState[]): PathState[] {
    if (this.inlining.has(fn) || !fn.body || states.length === 0) return states;
    this.inlining.add(fn);
    const saved = this.names;
    const shadowed = new Set<string>();
    for (const p of fn.parameters) collectNames(p.name, shadowed);
    const drop = (set: Set<string>) => new Set([...set].filter((n) => !shadowed.has(n)));
    this.names = { next: drop(saved.next), res: drop(saved.res), err: drop(saved.err), ctx: drop(saved.ctx) };
    this.frames.push([]);
    this.tries.push(null);
    // An err-first callback: its error branch must pass the error on, like a catch.
    const first = fn.parameters[0];
    const errParam =
      first && ts.isIdentifier(first.name) && ERROR_PARAM.test(first.name.text) ? first.name.text : undefined;
    const savedErrParams = this.errParams;
    if (errParam) this.errParams = new Map([...this.errParams, [errParam, first!]]);
    if (errParam) this.names = { ...this.names, err: new Set([...this.names.err, errParam]) };
    let out: PathState[];
    if (ts.isBlock(fn.body)) {
      this.collectLocalFns(fn.body);
      out = this.block(fn.body.statements, states);
    } else {
      out = this.expr(fn.body, states);
    }
    this.tries.pop();
    out = dedupe([...out, ...this.frames.pop()!]);
    this.errParams = savedErrParams;
    this.names = saved;
    this.inlining.delete(fn);
    return out;
  }

  // ---- names and conditions --------------------------------------------------------------

  private collectLocalFns(body: ts.Block): void {
    for (const s of body.statements) {
      if (ts.isFunctionDeclaration(s) && s.name && s.body) this.localFns.set(s.name.text, s);
      if (ts.isVariableStatement(s)) {
        for (const d of s.declarationList.declarations) {
          if (ts.isIdentifier(d.name) && d.initializer && isFunction(d.initializer))
            this.localFns.set(d.name.text, d.initializer);
        }
      }
    }
  }

  /** `const n = next;` makes `n` another name for next (likewise for the response). */
  private alias(name: ts.BindingName | ts.Identifier, init: ts.Expression): void {
    if (!ts.isIdentifier(name) || !ts.isIdentifier(init)) return;
    for (const set of [this.names.next, this.names.res, this.names.ctx])
      if (set.has(init.text)) set.add(name.text);
  }

  private isRoot(e: ts.Expression, names: Set<string>): boolean {
    while (
      ts.isCallExpression(e) ||
      ts.isPropertyAccessExpression(e) ||
      ts.isParenthesizedExpression(e) ||
      ts.isNonNullExpression(e)
    ) {
      e = e.expression;
    }
    return ts.isIdentifier(e) && names.has(e.text);
  }

  /** Keeps the paths on which `cond` can be `value`, remembering it for later tests of the same condition. */
  private assume(states: PathState[], cond: ts.Expression, value: boolean): PathState[] {
    let e = cond;
    while (ts.isParenthesizedExpression(e)) e = e.expression;
    while (ts.isPrefixUnaryExpression(e) && e.operator === ts.SyntaxKind.ExclamationToken) {
      value = !value;
      e = e.operand;
      while (ts.isParenthesizedExpression(e)) e = e.expression;
    }
    if (!isPure(e)) return states;
    const key = e.getText();
    const errBranch = value && ts.isIdentifier(e) ? this.errParams.get(e.text) : undefined;
    const out: PathState[] = [];
    for (const s of states) {
      const known = s.assumed.get(key);
      if (known === !value) continue;
      let next = known === value ? s : { ...s, assumed: new Map([...s.assumed, [key, value]]) };
      if (errBranch && known === undefined)
        next = { ...next, inCatch: { node: errBranch, effects: effects(next) } };
      out.push(next);
    }
    return out;
  }
}

/** `next()`, `next('route')`, `next('router')`, `next(null)` go on; anything else is an error. */
function passesError(arg: ts.Expression | undefined): boolean {
  if (!arg) return false;
  if (ts.isStringLiteralLike(arg)) return arg.text !== 'route' && arg.text !== 'router';
  if (arg.kind === ts.SyntaxKind.NullKeyword) return false;
  if (ts.isIdentifier(arg) && arg.text === 'undefined') return false;
  return true;
}

function isFunction(n: ts.Node): n is ts.ArrowFunction | ts.FunctionExpression {
  return ts.isArrowFunction(n) || ts.isFunctionExpression(n);
}

function collectNames(b: ts.BindingName, out: Set<string>): void {
  if (ts.isIdentifier(b)) out.add(b.text);
  else for (const el of b.elements) if (!ts.isOmittedExpression(el)) collectNames(el.name, out);
}

/** Conditions worth remembering: no calls that could change state, no assignments. */
function isPure(e: ts.Expression): boolean {
  let pure = true;
  const visit = (n: ts.Node): void => {
    if (!pure) return;
    if (
      ts.isCallExpression(n) ||
      ts.isNewExpression(n) ||
      ts.isAwaitExpression(n) ||
      ts.isPostfixUnaryExpression(n)
    )
      pure = false;
    else if (
      ts.isBinaryExpression(n) &&
      n.operatorToken.kind >= ts.SyntaxKind.FirstAssignment &&
      n.operatorToken.kind <= ts.SyntaxKind.LastAssignment
    )
      pure = false;
    else ts.forEachChild(n, visit);
  };
  visit(e);
  return pure;
}

/** After `x = ...`, what was assumed about conditions mentioning `x` no longer holds. */
function forget(s: PathState, name: string): PathState {
  if (s.assumed.size === 0) return s;
  const word = new RegExp(`(^|[^\\w$])${name.replace(/[$]/g, '\\$')}($|[^\\w$])`);
  const kept = [...s.assumed].filter(([k]) => !word.test(k));
  return kept.length === s.assumed.size ? s : { ...s, assumed: new Map(kept) };
}
