import { effects, terminated } from '../analysis/flow/path-state';
import { describe, fitsConvention, type Rule } from './rule';
import { lineOf, nameNode, routesText } from './wording';

export const unterminatedMiddleware: Rule = {
  meta: {
    id: 'unterminated-middleware',
    severity: 'error',
    summary: 'A path through a middleware neither calls next, nor responds, nor throws: the request hangs.',
  },
  check(ctx) {
    for (const f of ctx.functions) {
      if (!fitsConvention(f)) continue;
      if (f.convention.settleAnswers) continue;
      const reported = new Set<unknown>();
      for (const end of ctx.facts(f).paths.ends) {
        if (terminated(end) || reported.has(end.at)) continue;
        // A catch that drops the error is the cause: swallowed-error says so.
        if (end.state.inCatch && effects(end.state) === end.state.inCatch.effects) continue;
        reported.add(end.at);
        const fell = end.how === 'fall';
        const next = f.convention.next !== undefined ? 'calling next(), ' : '';
        const outcome = f.convention.unanswered ?? 'hangs';
        ctx.report({
          node: fell ? nameNode(f.fn) : end.at,
          message: fell
            ? `${describe(f)} can reach the end of its body without ${next}responding or throwing, so ${routesText(f.routes)} ${outcome}.`
            : `${describe(f)} returns at line ${lineOf(end.at)} without ${next}responding or throwing, so ${routesText(f.routes)} ${outcome}.`,
          routes: f.routes,
        });
      }
    }
  },
};
