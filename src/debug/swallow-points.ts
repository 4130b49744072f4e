// Where the debugger can stop for each swallowed-error finding: inside the catch, with the
// caught error in scope. Runs in the analysis worker, next to the findings (it needs the syntax
// tree); the extension turns the points into breakpoints (swallow-sites.ts).
//
// What V8 accepts (checked with `node --inspect` and CDP getPossibleBreakpoints; test/debug/
// breakpoints-cdp.test.ts asserts it): every statement that runs code is a place to pause, and
// so is the closing brace of a function body (its return). A block is not, so a catch block
// without a statement (`catch (e) {}`, `catch {}`, one holding only comments, `;`, `var x;` or a
// function declaration) has no place to pause: a breakpoint on its brace slides forward to the
// first statement after the `try`, outside the catch, which every request reaches.
import { ts } from 'ts-morph';
import type { AnalysisModel } from '../analysis/analyzer';
import { factsOf } from '../analysis/flow/facts';
import type { Loc } from '../analysis/model';
import { locOf } from '../analysis/source-index';
import type { Finding } from '../lint/findings';
import type { SwallowPoint } from '../protocol/analysis-messages';
import { lintFunctions } from '../rules/functions';
import { describe } from '../rules/rule';
import { swallowsOf } from '../rules/swallowed-error';

const EMPTY_CATCH = 'V8 has no place to pause in a catch block without a statement';

/** One point per swallowed-error finding in `findings` (those left after suppressions and settings). */
export function swallowPoints(model: AnalysisModel, findings: readonly Finding[]): SwallowPoint[] {
  const wanted = new Set(findings.filter((f) => f.rule === 'swallowed-error').map((f) => key(f.location)));
  if (wanted.size === 0) return [];
  const index = model.interpreter.index;
  const points = new Map<string, SwallowPoint>();
  for (const s of swallowsOf(lintFunctions(model.apps), (f) => factsOf(f.fn.node, f.convention))) {
    const file = index.get(s.node.getSourceFile().fileName);
    if (!file) continue;
    const finding = locOf(file, s.reported);
    const k = key(finding);
    // the first swallow at a location is the one whose finding lint kept
    if (!wanted.has(k) || points.has(k)) continue;
    const place = stopPlace(s.node);
    const at = (pos: number): Loc => {
      const { line, character } = file.sf.getLineAndCharacterOfPosition(pos);
      return { file: finding.file, line: line + 1, column: character + 1 };
    };
    const point: SwallowPoint = { finding, label: `swallowed error in ${describe(s.f)}` };
    if (place.pos === undefined) point.reason = place.reason;
    else point.stopAt = at(place.pos);
    if (place.binding) point.binding = place.binding;
    if (place.when) point.when = place.when;
    points.set(k, point);
  }
  return [...points.values()];
}

export interface StopPlace {
  /** offset in the file of the place to pause; absent when there is none. */
  pos?: number;
  reason?: string;
  binding?: string;
  when?: string;
}

/**
 * Where to pause for a swallow node of the flow analysis: a catch clause (its first statement),
 * a `.catch`/`.then` callback (its first statement, else its closing brace), or the error
 * parameter of an err-first callback (the same, only when the parameter holds an error).
 */
export function stopPlace(node: ts.Node): StopPlace {
  if (ts.isCatchClause(node)) {
    const name = node.variableDeclaration?.name;
    const binding = name && ts.isIdentifier(name) ? name.text : undefined;
    const first = firstPausable(node.block.statements);
    return first
      ? { pos: first.getStart(), binding }
      : { reason: `${EMPTY_CATCH}; put a statement in it to stop there`, binding };
  }
  if (ts.isParameter(node) && ts.isFunctionLike(node.parent) && ts.isIdentifier(node.name)) {
    const body = bodyStart(node.parent as ts.FunctionLikeDeclaration);
    return body === undefined
      ? { reason: 'the callback has no body' }
      : { pos: body, binding: node.name.text, when: `${node.name.text} != null` };
  }
  if (ts.isFunctionLike(node)) {
    const fn = node as ts.FunctionLikeDeclaration;
    const p = fn.parameters[0];
    const binding = p && ts.isIdentifier(p.name) ? p.name.text : undefined;
    const body = bodyStart(fn);
    return body === undefined ? { reason: 'the callback has no body', binding } : { pos: body, binding };
  }
  return { reason: `no place to pause is known for a ${ts.SyntaxKind[node.kind]}` };
}

/** The first place a function's body pauses: its first statement, or its closing brace (the return). */
function bodyStart(fn: ts.FunctionLikeDeclaration): number | undefined {
  const body = fn.body;
  if (!body) return undefined;
  if (!ts.isBlock(body)) return body.getStart();
  return firstPausable(body.statements)?.getStart() ?? body.getEnd() - 1;
}

/** The first statement V8 can pause at, looking into nested blocks and labels. */
export function firstPausable(statements: readonly ts.Statement[]): ts.Statement | undefined {
  for (const s of statements) {
    const found = pausableIn(s);
    if (found) return found;
  }
  return undefined;
}

function pausableIn(s: ts.Statement): ts.Statement | undefined {
  if (ts.isBlock(s)) return firstPausable(s.statements);
  if (ts.isLabeledStatement(s)) return pausableIn(s.statement);
  if (
    ts.isEmptyStatement(s) ||
    // their positions are the declared function's or class's own, not the block's
    ts.isFunctionDeclaration(s) ||
    ts.isClassDeclaration(s) ||
    // erased by TypeScript
    ts.isInterfaceDeclaration(s) ||
    ts.isTypeAliasDeclaration(s) ||
    ts.isModuleDeclaration(s) ||
    hasModifier(s, ts.SyntaxKind.DeclareKeyword) ||
    (ts.isEnumDeclaration(s) && hasModifier(s, ts.SyntaxKind.ConstKeyword))
  )
    return undefined;
  // `var x;` compiles to nothing (`let x;` does: it initialises x)
  if (
    ts.isVariableStatement(s) &&
    !(s.declarationList.flags & ts.NodeFlags.BlockScoped) &&
    s.declarationList.declarations.every((d) => !d.initializer)
  )
    return undefined;
  return s;
}

function hasModifier(s: ts.Statement, kind: ts.SyntaxKind): boolean {
  return !!ts.canHaveModifiers(s) && !!ts.getModifiers(s)?.some((m) => m.kind === kind);
}

const key = (l: Loc): string => `${l.file}:${l.line}:${l.column}`;
