/** Units as the tree they form: district → street → community, each level sorted by name. */
export interface TreeNode<U> {
  unit: U;
  children: TreeNode<U>[];
}

export function buildUnitTree<U extends { id: number; parent_id: number | null; name: string }>(units: U[], locale?: string): TreeNode<U>[] {
  const nodes = new Map<number, TreeNode<U>>(units.map((unit) => [unit.id, { unit, children: [] }]));
  const roots: TreeNode<U>[] = [];
  for (const node of nodes.values()) {
    const parent = node.unit.parent_id === null ? undefined : nodes.get(node.unit.parent_id);
    // A unit whose parent is outside what we can see is a root of our view.
    (parent ? parent.children : roots).push(node);
  }
  const byName = (a: TreeNode<U>, b: TreeNode<U>) => a.unit.name.localeCompare(b.unit.name, locale);
  const sort = (list: TreeNode<U>[]) => {
    list.sort(byName);
    list.forEach((node) => sort(node.children));
  };
  sort(roots);
  return roots;
}
