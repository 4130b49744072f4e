import { ts } from 'ts-morph';
import { short } from '../analysis/interpreter';
import { describe, type Rule } from './rule';

export const escapingAsyncThrow: Rule = {
  meta: {
    id: 'escaping-async-throw',
    severity: 'error',
    summary:
      'A throw inside a timer, event or callback started by a middleware: nothing catches it and the process crashes.',
  },
  check(ctx) {
    for (const f of ctx.functions) {
      for (const { thrown, via } of ctx.facts(f).async.escapingThrows) {
        const callee = ts.isCallExpression(via) ? short(via.expression.getText(), 40) : 'a callback';
        ctx.report({
          node: thrown,
          message: `This throw runs later, inside a callback given to ${callee} by ${describe(f)}: no middleware or error handler can catch it, so the process crashes.`,
          related: [{ message: 'the callback is scheduled here', node: via }],
          routes: f.routes,
        });
      }
    }
  },
};
