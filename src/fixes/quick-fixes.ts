// Quick fixes for findings: each one a small, exact edit that leaves the file parsing and
// type-checking. A fix is only offered when it can be computed for sure.
import { ts } from 'ts-morph';
import type { Finding } from '../lint/findings';
import {
  enclosingFunction,
  ensureParam,
  indentOf,
  indentUnit,
  isTypeScript,
  nodeAt,
  parse,
  type Fix,
  type TextEdit,
} from './edits';
import { ensureExpressType, ensureHelper } from './imports';

export interface FixContext {
  /** the current text of a workspace file (unsaved edits included). */
  read(file: string): string | undefined;
  /** whether the folder's package.json depends on a package. */
  dependsOn(pkg: string): boolean;
}

export function fixesFor(f: Finding, ctx: FixContext): Fix[] {
  const text = ctx.read(f.location.file);
  if (text === undefined) return [];
  const sf = parse(f.location.file, text);
  const one = (title: string, isPreferred: boolean, edits: TextEdit[] | undefined): Fix[] =>
    edits && edits.length ? [{ title, isPreferred, changes: [{ file: f.location.file, edits }] }] : [];
  switch (f.rule) {
    case 'double-response':
      return /does not return the reply/.test(f.message)
        ? one('Return the reply (return reply.send(...))', true, returnBefore(sf, f))
        : one('Return here, so nothing runs after this', true, returnBefore(sf, f));
    case 'swallowed-error':
      return one('Pass the error to next(err)', true, passCaughtError(sf, f));
    case 'unhandled-async-error':
      if (/neither awaited, returned/.test(f.message))
        return one('Pass a rejection to next()', true, catchToNext(sf, f));
      return [
        ...one('Wrap the body in try/catch that passes errors to next(err)', true, wrapTryCatch(sf, f)),
        ...one('Wrap the handler with asyncHandler', false, wrapAsyncHandler(sf, f, ctx)),
      ];
    case 'missing-error-handler':
      return one('Add an error-handling middleware at the end of the app', false, appendErrorHandler(sf, f));
    case 'error-handler-arity':
      return /takes the error first/.test(f.message)
        ? one('Add the fourth parameter, next', true, addNextParam(sf, f))
        : [];
    case 'unawaited-next':
      return one('Await next()', true, awaitNext(sf, f));
    default:
      return [];
  }
}

const isCall = (n: ts.Node): n is ts.CallExpression => ts.isCallExpression(n);

/** `res.sendStatus(401); next();` -> `return res.sendStatus(401);`: the first of the two returns. */
function returnBefore(sf: ts.SourceFile, f: Finding): TextEdit[] | undefined {
  const first = f.related[0]?.location;
  if (!first || first.file !== f.location.file) return undefined;
  const call = nodeAt(sf, first.line, first.column, isCall);
  let stmt: ts.Node | undefined = call;
  while (stmt && !ts.isStatement(stmt)) stmt = stmt.parent;
  if (
    !stmt ||
    !ts.isExpressionStatement(stmt) ||
    (!ts.isBlock(stmt.parent) && !ts.isSourceFile(stmt.parent) && !ts.isIfStatement(stmt.parent))
  )
    return undefined;
  // in a block, or the body of an `if`: `if (x) res.send();` -> `if (x) return res.send();`
  return [{ start: stmt.getStart(sf), end: stmt.getStart(sf), text: 'return ' }];
}

/** `next` for this function: its parameter, or one added (typed in TypeScript when its siblings are). */
function ensureNext(sf: ts.SourceFile, fn: ts.FunctionLikeDeclaration): { name: string; edits: TextEdit[] } {
  const index = nextIndex(fn);
  const added = ensureParam(sf, fn, index, 'next');
  if (added.edits.length === 0 || !isTypeScript(sf.fileName) || !fn.parameters.some((p) => p.type))
    return added;
  const types = ensureExpressType(sf, ['NextFunction']);
  // only `next` itself can have been added with a name we chose: give it its type
  const edits = added.edits.map((e) =>
    e.text.endsWith('next') ? { ...e, text: `${e.text}: ${types.names.NextFunction}` } : e,
  );
  return { name: added.name, edits: [...types.edits, ...edits] };
}

/** Where `next` is for this function: the 4th parameter of an error handler, else the 3rd. */
function nextIndex(fn: ts.FunctionLikeDeclaration): number {
  const first = fn.parameters[0];
  return fn.parameters.length >= 4 &&
    first &&
    ts.isIdentifier(first.name) &&
    /^(err|error|e|er|ex)$/.test(first.name.text)
    ? 3
    : 2;
}

/** `catch (e) { log(e); }` -> `catch (e) { log(e); next(e); }`; likewise a `.catch(cb)`. */
function passCaughtError(sf: ts.SourceFile, f: Finding): TextEdit[] | undefined {
  const clause = nodeAt(sf, f.location.line, f.location.column, ts.isCatchClause);
  const target =
    clause ??
    nodeAt(
      sf,
      f.location.line,
      f.location.column,
      (n): n is ts.ArrowFunction | ts.FunctionExpression =>
        ts.isArrowFunction(n) || ts.isFunctionExpression(n),
    );
  if (!target) return undefined;
  const fn = enclosingFunction(clause ? clause : target.parent);
  if (!fn) return undefined;
  const next = ensureNext(sf, fn);
  const edits = [...next.edits];
  if (clause) {
    let err = 'err';
    const v = clause.variableDeclaration;
    if (v && ts.isIdentifier(v.name)) err = v.name.text;
    else if (!v)
      edits.push({
        start: clause.getStart(sf) + 'catch'.length,
        end: clause.getStart(sf) + 'catch'.length,
        text: ` (${err})`,
      });
    else return undefined;
    edits.push(...appendToBlock(sf, clause.block, `${next.name}(${err});`));
    return edits;
  }
  const cb = target as ts.ArrowFunction | ts.FunctionExpression;
  const p = cb.parameters[0];
  const err = p && ts.isIdentifier(p.name) ? p.name.text : undefined;
  if (!err) return undefined;
  if (ts.isBlock(cb.body)) return [...edits, ...appendToBlock(sf, cb.body, `${next.name}(${err});`)];
  const body = cb.body;
  return [
    ...edits,
    {
      start: body.getStart(sf),
      end: body.getEnd(),
      text: `{\n${indentOf(sf, cb)}${indentUnit(sf)}${body.getText(sf)};\n${indentOf(sf, cb)}${indentUnit(sf)}${next.name}(${err});\n${indentOf(sf, cb)}}`,
    },
  ];
}

function appendToBlock(sf: ts.SourceFile, block: ts.Block, line: string): TextEdit[] {
  const close = block.getEnd() - 1;
  const inner = indentOf(sf, block) + indentUnit(sf);
  const last = block.statements[block.statements.length - 1];
  if (!last)
    return [{ start: block.getStart(sf) + 1, end: close, text: `\n${inner}${line}\n${indentOf(sf, block)}` }];
  return [{ start: last.getEnd(), end: last.getEnd(), text: `\n${indentOf(sf, last)}${line}` }];
}

function asyncFunctionAt(sf: ts.SourceFile, f: Finding): ts.FunctionLikeDeclaration | undefined {
  const node = nodeAt(
    sf,
    f.location.line,
    f.location.column,
    (n): n is ts.Node => ts.isAwaitExpression(n) || ts.isThrowStatement(n),
  );
  return node && enclosingFunction(node);
}

/** The body of an async handler inside `try { ... } catch (err) { next(err); }`. */
function wrapTryCatch(sf: ts.SourceFile, f: Finding): TextEdit[] | undefined {
  const fn = asyncFunctionAt(sf, f);
  if (!fn?.body) return undefined;
  const next = ensureNext(sf, fn);
  const unit = indentUnit(sf);
  const outer = indentOf(sf, fn.body) === indentOf(sf, fn) ? indentOf(sf, fn) : indentOf(sf, fn.body);
  if (!ts.isBlock(fn.body)) {
    const expr = fn.body.getText(sf);
    return [
      ...next.edits,
      {
        start: fn.body.getStart(sf),
        end: fn.body.getEnd(),
        text: `{\n${outer}${unit}try {\n${outer}${unit}${unit}return ${expr};\n${outer}${unit}} catch (err) {\n${outer}${unit}${unit}${next.name}(err);\n${outer}${unit}}\n${outer}}`,
      },
    ];
  }
  const body = fn.body;
  const first = body.statements[0];
  const last = body.statements[body.statements.length - 1];
  if (!first || !last) return undefined;
  const inner = sf.text.slice(first.getFullStart(), last.getEnd());
  const reindented = inner.replace(/\n/g, `\n${unit}`);
  const stmtIndent = indentOf(sf, first);
  return [
    ...next.edits,
    {
      start: first.getFullStart(),
      end: last.getEnd(),
      text: `\n${stmtIndent}try {${reindented}\n${stmtIndent}} catch (err) {\n${stmtIndent}${unit}${next.name}(err);\n${stmtIndent}}`,
    },
  ];
}

/** `app.get('/', async (req, res) => ...)` -> `app.get('/', asyncHandler(async (req, res) => ...))`. */
function wrapAsyncHandler(sf: ts.SourceFile, f: Finding, ctx: FixContext): TextEdit[] | undefined {
  const fn = asyncFunctionAt(sf, f);
  if (
    !fn ||
    !(ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) ||
    !ts.isCallExpression(fn.parent) ||
    !fn.parent.arguments.includes(fn)
  ) {
    return undefined;
  }
  const helper = ensureHelper(sf, 'asyncHandler', ctx.dependsOn('express-async-handler'));
  if (!helper) return undefined;
  return [
    ...helper,
    { start: fn.getStart(sf), end: fn.getStart(sf), text: 'asyncHandler(' },
    { start: fn.getEnd(), end: fn.getEnd(), text: ')' },
  ];
}

/** `audit(req);` -> `audit(req).catch(next);` */
function catchToNext(sf: ts.SourceFile, f: Finding): TextEdit[] | undefined {
  const call = nodeAt(sf, f.location.line, f.location.column, isCall);
  const fn = call && enclosingFunction(call);
  if (!call || !fn) return undefined;
  const next = ensureNext(sf, fn);
  return [...next.edits, { start: call.getEnd(), end: call.getEnd(), text: `.catch(${next.name})` }];
}

/** An error handler after the app's last registration in the file that creates it. */
function appendErrorHandler(sf: ts.SourceFile, f: Finding): TextEdit[] | undefined {
  const create = nodeAt(sf, f.location.line, f.location.column, isCall);
  const decl = create?.parent;
  if (!create || !decl || !ts.isVariableDeclaration(decl) || !ts.isIdentifier(decl.name)) return undefined;
  const app = decl.name.text;
  const stmt = decl.parent.parent;
  if (!ts.isVariableStatement(stmt)) return undefined;
  const block = stmt.parent;
  if (!ts.isBlock(block) && !ts.isSourceFile(block)) return undefined;
  const statements = [...block.statements];
  const mentionsApp = (s: ts.Statement) => {
    let hit = false;
    const visit = (n: ts.Node): void => {
      if (hit) return;
      if (ts.isCallExpression(n)) {
        const callee = n.expression;
        const onApp =
          ts.isPropertyAccessExpression(callee) &&
          ts.isIdentifier(callee.expression) &&
          callee.expression.text === app &&
          callee.name.text !== 'listen';
        const withApp = n.arguments.some((a) => ts.isIdentifier(a) && a.text === app);
        if (onApp || withApp) hit = true;
      }
      ts.forEachChild(n, visit);
    };
    visit(s);
    return hit;
  };
  const after =
    [...statements]
      .reverse()
      .find((s) => s.pos > stmt.pos && ts.isExpressionStatement(s) && mentionsApp(s)) ?? stmt;
  const indent = indentOf(sf, after);
  const unit = indentUnit(sf);
  const edits: TextEdit[] = [];
  let params = 'err, req, res, next';
  if (isTypeScript(sf.fileName)) {
    const types = ensureExpressType(sf, ['NextFunction', 'Request', 'Response']);
    edits.push(...types.edits);
    params = `err: unknown, _req: ${types.names.Request}, res: ${types.names.Response}, next: ${types.names.NextFunction}`;
  }
  const handler = [
    `${app}.use((${params}) => {`,
    `${unit}if (res.headersSent) return next(err);`,
    `${unit}console.error(err);`,
    `${unit}res.status(500).json({ error: 'Internal Server Error' });`,
    `});`,
  ]
    .map((l) => indent + l)
    .join('\n');
  edits.push({ start: after.getEnd(), end: after.getEnd(), text: `\n\n${handler}` });
  return edits;
}

/** `(err, req, res) => ...` -> `(err, req, res, next) => ...` */
function addNextParam(sf: ts.SourceFile, f: Finding): TextEdit[] | undefined {
  const defined = f.related.find((r) => r.message === 'defined here')?.location ?? f.location;
  if (defined.file !== f.location.file) return undefined;
  const isFn = (n: ts.Node): n is ts.FunctionLikeDeclaration =>
    ts.isFunctionDeclaration(n) || ts.isFunctionExpression(n) || ts.isArrowFunction(n);
  let fn: ts.FunctionLikeDeclaration | undefined = nodeAt(sf, f.location.line, f.location.column, isFn);
  if (!fn) {
    const name = nodeAt(sf, defined.line, defined.column, ts.isIdentifier);
    fn = name && isFn(name.parent) ? name.parent : undefined;
  }
  if (!fn || fn.parameters.length !== 3) return undefined;
  const last = fn.parameters[2]!;
  const ts_ = isTypeScript(sf.fileName);
  if (ts_ && last.type) {
    const types = ensureExpressType(sf, ['NextFunction']);
    return [
      ...types.edits,
      { start: last.getEnd(), end: last.getEnd(), text: `, _next: ${types.names.NextFunction}` },
    ];
  }
  return [{ start: last.getEnd(), end: last.getEnd(), text: ts_ ? ', _next' : ', next' }];
}

/** `next();` -> `await next();`, making the function async when it is not. */
function awaitNext(sf: ts.SourceFile, f: Finding): TextEdit[] | undefined {
  const call = nodeAt(sf, f.location.line, f.location.column, isCall);
  const fn = call && enclosingFunction(call);
  if (!call || !fn) return undefined;
  const edits: TextEdit[] = [{ start: call.getStart(sf), end: call.getStart(sf), text: 'await ' }];
  if (!ts.getModifiers(fn)?.some((m) => m.kind === ts.SyntaxKind.AsyncKeyword))
    edits.push({ start: fn.getStart(sf), end: fn.getStart(sf), text: 'async ' });
  return edits;
}
