// The registrations of a Koa app as written, for views: app -> routers (through routes()) and
// mounted sub-apps -> items. allowedMethods() is no item; a koa-mount call shows as its target
// under the mount path.
import { entryLeaf } from '../tree-leaf';
import type { TreeNode } from '../model';
import { joinPath, pathText } from '../paths';
import type { Container, Layer } from '../values';
import { isKoaBoundary } from './koa-chains';
import { cannotCallNext, type KoaRegistry } from './koa-registry';

export function koaTree(app: Container, reg: KoaRegistry): TreeNode[] {
  return containerNodes(app, reg, new Set([app]), undefined);
}

function containerNodes(
  c: Container,
  reg: KoaRegistry,
  seen: Set<Container>,
  mount: string | undefined,
): TreeNode[] {
  return c.layers.flatMap((layer) => layerNodes(c, layer, reg, seen, mount));
}

function layerNodes(
  c: Container,
  layer: Layer,
  reg: KoaRegistry,
  seen: Set<Container>,
  outerMount: string | undefined,
): TreeNode[] {
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
          children: layer.entries.map((e) => entryLeaf(e, 'param', layer.conditional, undefined)),
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
          entryLeaf(e, i === all.length - 1 ? 'handler' : 'middleware', layer.conditional, undefined),
        ),
      }));
    case 'use': {
      const mount = layer.paths
        ? reg.mounts.has(c) && outerMount
          ? pathText(joinPath([{ kind: 'string', text: outerMount }], layer.paths[0]!))
          : layer.paths.map((p) => p.text).join(', ')
        : outerMount;
      const out: TreeNode[] = [];
      for (const e of layer.entries) {
        if (reg.isAllowedMethods(e)) continue;
        const sub = e.container;
        if (sub && reg.mounts.has(sub)) {
          if (seen.has(sub)) continue;
          seen.add(sub);
          out.push(...containerNodes(sub, reg, seen, mount));
          seen.delete(sub);
          continue;
        }
        if (sub) {
          const node: TreeNode = {
            type: sub.kind,
            name: e.name,
            location: e.registeredAt,
            definedAt: sub.createdAt,
            conditional: layer.conditional || e.conditional,
            children: [],
          };
          const prefix = reg.prefixes.get(sub);
          const shown = mount ?? (prefix ? '/' : undefined);
          if (shown !== undefined || prefix)
            node.mount = prefix
              ? pathText(joinPath([{ kind: 'string', text: shown ?? '/' }], prefix))
              : shown;
          if (!seen.has(sub)) {
            seen.add(sub);
            node.children = containerNodes(sub, reg, seen, undefined);
            seen.delete(sub);
          }
          out.push(node);
          continue;
        }
        const kind = isKoaBoundary(e) ? 'errorHandler' : cannotCallNext(e) ? 'handler' : 'middleware';
        out.push(entryLeaf(e, kind, layer.conditional, mount));
      }
      return out;
    }
  }
}
