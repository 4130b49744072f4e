import { ts } from 'ts-morph';
import { describe, fitsConvention, type Rule } from './rule';
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
    }
  },
};
