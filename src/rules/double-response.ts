import { ts } from 'ts-morph';
import { FASTIFY_HOOK } from '../analysis/flow/convention';
import { describe, fitsConvention, type LintFunction, type Rule } from './rule';
import { lineOf, nameNode } from './wording';

export const doubleResponse: Rule = {
  meta: {
    id: 'double-response',
    severity: 'error',
    summary: 'A path that responds and then calls next, or responds twice.',
  },
  check(ctx) {
    for (const f of ctx.functions) {
      if (!fitsConvention(f)) continue;
      for (const d of ctx.facts(f).paths.doubles) {
        const line = lineOf(d.first);
        const message =
          d.kind === 'respond-respond'
            ? `${describe(f)} already responded at line ${line} and responds again here on the same path: Express throws ERR_HTTP_HEADERS_SENT.`
            : d.kind === 'respond-continue'
              ? `${describe(f)} sends at line ${line} but does not return the reply, so Fastify goes on with the request and the handler answers a second time; write \`return reply.send(...)\`.`
              : d.kind === 'respond-next'
                ? `${describe(f)} already responded at line ${line} and then calls next() here, so whatever runs next responds a second time (ERR_HTTP_HEADERS_SENT).`
                : `${describe(f)} called next() at line ${line} and then responds here, while the rest of the chain may already have responded.`;
        ctx.report({
          node: ts.isFunctionLike(d.second) ? nameNode(f.fn) : d.second,
          message,
          related: [{ message: 'the first one', node: d.first }],
          routes: f.routes,
        });
      }
      const done = asyncDoneCall(f);
      if (done)
        ctx.report({
          node: done,
          message: `${describe(f)} is async and also calls done(): Fastify goes on when done() is called and again when its promise settles, so the rest of the chain runs twice (addHook refuses such a hook at start-up); drop \`done\` or \`async\`.`,
          related: [{ message: 'declared async here', node: nameNode(f.fn) }],
          routes: f.routes,
        });
    }
  },
};

/** Fastify hooks whose `done` comes fourth: `(request, reply, payload, done)`. */
const DONE_FOURTH = new Set(['preParsing', 'preSerialization', 'onSend', 'onError']);

/** Fastify: the first call of `done` in an `async` hook that takes it. */
function asyncDoneCall(f: LintFunction): ts.Node | undefined {
  if (f.convention !== FASTIFY_HOOK) return undefined;
  const node = f.fn.node;
  if (!ts.getModifiers(node)?.some((m) => m.kind === ts.SyntaxKind.AsyncKeyword) || !node.body)
    return undefined;
  const hook = f.registrations[0]?.entry.hook ?? '';
  const param = node.parameters[DONE_FOURTH.has(hook) ? 3 : 2];
  if (!param || !ts.isIdentifier(param.name)) return undefined;
  const name = param.name.text;
  let found: ts.Node | undefined;
  const visit = (n: ts.Node): void => {
    if (found) return;
    if (ts.isCallExpression(n) && ts.isIdentifier(n.expression) && n.expression.text === name) found = n;
    else ts.forEachChild(n, visit);
  };
  visit(node.body);
  return found;
}
