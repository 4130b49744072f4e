// The registrations of an Express app as written, for views: app -> routers -> items.
import { entryLeaf } from '../tree-leaf';
import type { TreeNode } from '../model';
import { pathText } from '../paths';
import type { Container, Entry, Layer } from '../values';
import { isCatchAll, isErrorHandler } from './express-chains';

interface Built {
  version: number;
  /** the mounted containers' trees it embeds: it is stale once any of them is rebuilt. */
  deps: [Container, TreeNode[]][];
  nodes: TreeNode[];
}

const built = new WeakMap<Container, Built>();
let building: { deps: [Container, TreeNode[]][]; cyclic: boolean } | undefined;

/** The tree of a container, rebuilt only when it or a container mounted in it changed. */
export function expressTree(c: Container, seen = new Set<Container>()): TreeNode[] {
  seen.add(c);
  try {
    const b = built.get(c);
    if (
      b &&
      b.version === c.version &&
      b.deps.every(([d, nodes]) => !seen.has(d) && expressTree(d, seen) === nodes)
    ) {
      return b.nodes;
    }
    const outer = building;
    building = { deps: [], cyclic: false };
    try {
      const nodes: TreeNode[] = [];
      for (const layer of c.layers) nodes.push(...layerNodes(layer, seen));
      if (!building.cyclic) built.set(c, { version: c.version, deps: building.deps, nodes });
      return nodes;
    } finally {
      if (outer && building.cyclic) outer.cyclic = true;
      building = outer;
    }
  } finally {
    seen.delete(c);
  }
}

function mountedTree(child: Container, seen: Set<Container>): TreeNode[] {
  if (seen.has(child)) {
    if (building) building.cyclic = true;
    return [];
  }
  const deps = building?.deps;
  const nodes = expressTree(child, seen);
  deps?.push([child, nodes]);
  return nodes;
}

function layerNodes(layer: Layer, seen: Set<Container>): TreeNode[] {
  switch (layer.type) {
    case 'unresolved':
      return [{ type: 'unresolved', name: layer.name, location: layer.at, reason: layer.reason }];
    case 'param':
      return [
        {
          type: 'param',
          name: layer.names.map((n) => ':' + n).join(', '),
          location: layer.at,
          conditional: layer.conditional,
          children: layer.entries.map((e) => entryNode(e, 'param', layer.conditional, undefined, seen)),
        },
      ];
    case 'route':
      return layer.paths.map((p) => ({
        type: 'route' as const,
        name: `${layer.method} ${p.text}`,
        method: layer.method,
        path: p.text,
        location: layer.at,
        conditional: layer.conditional,
        children: layer.entries.map((e, i, all) =>
          entryNode(
            e,
            isErrorHandler(e) ? 'errorHandler' : i === all.length - 1 ? 'handler' : 'middleware',
            layer.conditional,
            undefined,
            seen,
          ),
        ),
      }));
    case 'use': {
      const mount = layer.paths
        ? pathText(
            layer.paths.length === 1
              ? layer.paths
              : [{ kind: 'string', text: layer.paths.map((p) => p.text).join(', ') }],
          )
        : '/';
      return layer.entries.map((e) =>
        entryNode(
          e,
          isErrorHandler(e) ? 'errorHandler' : isCatchAll(e) ? 'handler' : 'middleware',
          layer.conditional,
          mount,
          seen,
        ),
      );
    }
  }
}

function entryNode(
  e: Entry,
  kind: TreeNode['type'],
  layerConditional: boolean,
  mount: string | undefined,
  seen: Set<Container>,
): TreeNode {
  const conditional = layerConditional || e.conditional;
  if (e.container) {
    const node: TreeNode = {
      type: e.container.kind,
      name: e.name,
      location: e.registeredAt,
      definedAt: e.container.createdAt,
      conditional,
      children: mountedTree(e.container, seen),
    };
    if (mount) node.mount = mount;
    return node;
  }
  return entryLeaf(e, kind, layerConditional, mount);
}
