// The tree node of one registered function, as every front end shows it: its kind, or
// `unresolved` with the reason, at the registration, with the mount it was registered under.
import type { TreeNode } from './model';
import type { Entry } from './values';

export function entryLeaf(
  e: Entry,
  kind: TreeNode['type'],
  layerConditional: boolean,
  mount?: string,
): TreeNode {
  const conditional = layerConditional || e.conditional;
  const node: TreeNode = e.unresolved
    ? {
        type: 'unresolved',
        name: e.name,
        location: e.registeredAt,
        definedAt: e.definedAt,
        reason: e.unresolved,
        conditional,
      }
    : { type: kind, name: e.name, location: e.registeredAt, definedAt: e.definedAt, conditional };
  if (mount) node.mount = mount;
  return node;
}
