// The facts rules ask about a function, computed once per function and convention and kept
// while its source is unchanged (nodes of unchanged files survive a re-analysis).
import type { ts } from 'ts-morph';
import { asyncFacts, type AsyncFacts } from './async-facts';
import { contextFacts, type ContextFacts } from './context-access';
import type { Convention } from './convention';
import { walkPaths, type PathFacts } from './flow-walker';

export interface FunctionFacts {
  readonly paths: PathFacts;
  readonly context: ContextFacts;
  readonly async: AsyncFacts;
}

const cache = new WeakMap<ts.Node, Map<Convention, FunctionFacts>>();

export function factsOf(fn: ts.FunctionLikeDeclaration, conv: Convention): FunctionFacts {
  let byConv = cache.get(fn);
  if (!byConv) cache.set(fn, (byConv = new Map()));
  let facts = byConv.get(conv);
  if (!facts) {
    let paths: PathFacts | undefined;
    let context: ContextFacts | undefined;
    let async: AsyncFacts | undefined;
    facts = {
      get paths() {
        return (paths ??= walkPaths(fn, conv));
      },
      get context() {
        return (context ??= contextFacts(fn, conv));
      },
      get async() {
        return (async ??= asyncFacts(fn, conv));
      },
    };
    byConv.set(conv, facts);
  }
  return facts;
}
