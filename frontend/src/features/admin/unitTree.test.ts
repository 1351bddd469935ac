import { describe, expect, it } from 'vitest';
import { buildUnitTree } from './unitTree';

const unit = (id: number, name: string, parent_id: number | null) => ({ id, name, parent_id });

describe('the unit tree', () => {
  it('nests districts, streets and communities, each level sorted by name', () => {
    const tree = buildUnitTree(
      [unit(3, '中三里社区', 2), unit(1, '朝阳区', null), unit(2, '三里屯街道', 1), unit(4, '北三里社区', 2), unit(5, '望京街道', 1)],
      'zh-CN',
    );
    expect(tree.map((n) => n.unit.name)).toEqual(['朝阳区']);
    expect(tree[0].children.map((n) => n.unit.name)).toEqual(['三里屯街道', '望京街道']);
    expect(tree[0].children[0].children.map((n) => n.unit.name)).toEqual(['北三里社区', '中三里社区']);
  });

  it('shows a unit whose parent is out of sight as a root', () => {
    const tree = buildUnitTree([unit(9, '花家地社区', 7)]);
    expect(tree.map((n) => n.unit.id)).toEqual([9]);
  });
});
