// The registrations of a Hono app as written, for views: app -> sub-apps (`route`) -> items.
// Paths registered through a `basePath()` app carry the base path.
import { entryLeaf } from '../tree-leaf';
import type { TreeNode } from '../model';
import type { Container, Layer } from '../values';
import { mountedLayers } from './hono-chains';

export function honoTree(c: Container, seen = new Set<Container>()): TreeNode[] {
  seen.add(c);
  try {
    return c.layers.flatMap((l) => layerNodes(l, seen));
  } finally {
    seen.delete(c);
  }
}

function layerNodes(layer: Layer, seen: Set<Container>): TreeNode[] {
  switch (layer.type) {
    case 'unresolved':
      return [{ type: 'unresolved', name: layer.name, location: layer.at, reason: layer.reason }];
    case 'param':
      return [];
    case 'route':
      return layer.paths.map((p) => ({
        type: 'route' as const,
        name: `${layer.method} ${p.text}`,
        method: layer.method,
        path: p.text,
        location: layer.at,
        conditional: layer.conditional,
        children: layer.entries.map((e, i, all) =>
          entryLeaf(e, i === all.length - 1 ? 'handler' : 'middleware', layer.conditional),
        ),
      }));
    case 'use': {
      const mount = layer.paths ? layer.paths.map((p) => p.text).join(', ') : undefined;
      return layer.entries.map((e) => {
        if (e.container) {
          const count = mountedLayers.get(e) ?? e.container.layers.length;
          const sub = { ...e.container, layers: e.container.layers.slice(0, count) };
          return {
            type: 'router' as const,
            name: e.name,
            location: e.registeredAt,
            definedAt: e.container.createdAt,
            conditional: layer.conditional || e.conditional,
            ...(mount ? { mount } : {}),
            children: seen.has(e.container) ? [] : honoTree(sub, new Set([...seen, e.container])),
          };
        }
        const kind = e.hook === 'onError' ? 'errorHandler' : e.hook === 'notFound' ? 'handler' : 'middleware';
        return entryLeaf(e, kind, layer.conditional, e.hook === 'notFound' ? '*' : mount);
      });
    }
  }
}
