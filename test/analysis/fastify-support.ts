// Shared by the Fastify analysis tests: each route of a fixture as one readable line.
import { ChainAnalyzer } from '../../src/analysis/analyzer';
import type { Route } from '../../src/analysis/model';
import { fixture } from '../support/fixtures';

export function routesOf(name: string): Route[] {
  const graph = ChainAnalyzer.open(fixture(name)).graph();
  return graph.apps.flatMap((a) => a.routes);
}

/** `name[kind @mount]` items of the chain, and the error chain's names. */
export function chainOf(
  routes: Route[],
  method: string,
  path: string,
): { chain: string[]; errors: string[] } {
  const r = routes.find((x) => x.method === method && x.path === path);
  if (!r)
    throw new Error(`no route ${method} ${path} in ${routes.map((x) => `${x.method} ${x.path}`).join(', ')}`);
  return {
    chain: r.chain.map((i) => `${i.name}[${i.kind} @${i.mount}]`),
    errors: r.errorChain.map((i) => i.name),
  };
}
