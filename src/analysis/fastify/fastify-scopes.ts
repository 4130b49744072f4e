// The encapsulation contexts of a Fastify app, walked in the order avvio loads them: each
// context's registrations in call order, a plugin's own where it is registered. A hook added to
// a context reaches that context's routes and every descendant's, whenever the descendant is
// made (Fastify copies the parent's hooks into a new context and adds later ones to existing
// children), and runs in the order the hooks were added. `fp(plugin)` contexts share their
// parent's scope.
import type { FullPath } from '../paths';
import { joinPath } from '../paths';
import type { Container, Entry, Layer } from '../values';
import { ERROR_HANDLER, NOT_FOUND } from './fastify-hooks';
import { pluginContexts } from './fastify-plugins';

/** An encapsulation context's own hooks and error handlers. */
export interface Scope {
  parent: Scope | undefined;
  hooks: Added[];
  errorHandlers: Added[];
}

/** A registration with its place in load order. */
export interface Added {
  entry: Entry;
  seq: number;
  /** made inside `fp(plugin)`, which loads after its parent's code: only later routes see it. */
  deferred: boolean;
  container: Container;
  prefix: FullPath;
}

export interface ScopedRoute {
  layer: Extract<Layer, { type: 'route' }>;
  container: Container;
  scope: Scope;
  prefix: FullPath;
  seq: number;
  notFound: boolean;
}

export interface ContextWalk {
  routes: ScopedRoute[];
  /** every hook and error handler, in load order. */
  added: (Added & { scope: Scope })[];
}

export function walkContexts(app: Container): ContextWalk {
  const out: ContextWalk = { routes: [], added: [] };
  let seq = 0;
  const walk = (c: Container, scope: Scope, prefix: FullPath, deferred: boolean, seen: Set<Container>) => {
    if (seen.has(c)) return;
    seen.add(c);
    for (const l of c.layers) {
      seq++;
      if (l.type === 'route') {
        out.routes.push({
          layer: l,
          container: c,
          scope,
          prefix,
          seq,
          notFound: l.entries.some((e) => e.hook === NOT_FOUND),
        });
      }
      if (l.type !== 'use') continue;
      for (const e of l.entries) {
        if (e.container) {
          const encapsulated = pluginContexts.get(e.container)?.encapsulated ?? true;
          const childPrefix = encapsulated && l.paths?.[0] ? joinPath(prefix, l.paths[0]) : prefix;
          const childScope: Scope = encapsulated ? { parent: scope, hooks: [], errorHandlers: [] } : scope;
          walk(e.container, childScope, childPrefix, encapsulated ? false : true, new Set(seen));
          continue;
        }
        if (!e.hook) continue;
        const added = { entry: e, seq, deferred, container: c, prefix };
        (e.hook === ERROR_HANDLER ? scope.errorHandlers : scope.hooks).push(added);
        out.added.push({ ...added, scope });
      }
    }
  };
  walk(app, { parent: undefined, hooks: [], errorHandlers: [] }, [], false, new Set());
  return out;
}

/** The scope and its ancestors, nearest first. */
export function scopeChain(scope: Scope): Scope[] {
  const out: Scope[] = [];
  for (let s: Scope | undefined = scope; s; s = s.parent) out.push(s);
  return out;
}
