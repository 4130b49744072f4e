// The registrations of a Fastify app as written, for views: contexts (plugins, with their
// prefix) nested as routers, hooks, error and not-found handlers, routes with their option hooks.
import type { ItemKind, TreeNode } from '../model';
import type { Container, Entry } from '../values';
import { ERROR_HANDLER, NOT_FOUND, ROUTE_ERROR_HANDLER } from './fastify-hooks';

export function fastifyTree(c: Container, seen: Set<Container> = new Set()): TreeNode[] {
  if (seen.has(c)) return [];
  seen = new Set(seen).add(c);
  return c.layers.flatMap((l): TreeNode[] => {
    if (l.type === 'unresolved')
      return [{ type: 'unresolved', name: l.name, location: l.at, reason: l.reason }];
    if (l.type === 'use')
      return l.entries.map((e): TreeNode => {
        if (e.container)
          return {
            type: 'router',
            name: e.container.name,
            location: l.at,
            definedAt: e.definedAt,
            ...(l.paths?.[0] ? { mount: l.paths[0].text } : {}),
            conditional: e.conditional,
            children: fastifyTree(e.container, seen),
          };
        return leaf(e);
      });
    if (l.type === 'route') {
      const notFound = l.entries.some((e) => e.hook === NOT_FOUND);
      return l.paths.map((p) => ({
        type: 'route' as const,
        name: notFound ? 'setNotFoundHandler' : `${l.method} ${p.text}`,
        method: l.method,
        path: notFound ? '/*' : p.text,
        location: l.at,
        conditional: l.conditional,
        children: l.entries.map(leaf),
      }));
    }
    return [];
  });
}

function leaf(e: Entry): TreeNode {
  return {
    type: kindOf(e),
    name: e.name,
    location: e.registeredAt,
    definedAt: e.definedAt,
    conditional: e.conditional,
    ...(e.unresolved ? { reason: e.unresolved } : {}),
  };
}

function kindOf(e: Entry): ItemKind {
  if (e.hook === ERROR_HANDLER || e.hook === ROUTE_ERROR_HANDLER) return 'errorHandler';
  if (!e.hook || e.hook === NOT_FOUND) return 'handler';
  return `hook:${e.hook}` as ItemKind;
}
