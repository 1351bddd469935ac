import type { Schemas } from '../../../api/types';
import { KIND_LABEL, t as tc } from '../../../i18n/common';
import { SelectField } from '../../../ui/fields';
import { buildUnitTree, type TreeNode } from '../../admin/unitTree';

type Unit = Schemas['Unit'];

/** The units in scope in tree order (district, its streets, their communities), with their depth. */
export function unitsInTreeOrder(units: Unit[]): { unit: Unit; depth: number }[] {
  const out: { unit: Unit; depth: number }[] = [];
  const walk = (nodes: TreeNode<Unit>[], depth: number) =>
    nodes.forEach((node) => {
      out.push({ unit: node.unit, depth });
      walk(node.children, depth + 1);
    });
  walk(buildUnitTree(units.filter((u) => u.is_active)), 0);
  return out;
}

/** Where a screen opens: the unit named in the address, else the top of the person's scope. */
export function pickUnit(units: Unit[], wanted: string | undefined): Unit | undefined {
  const byId = units.find((u) => String(u.id) === wanted && u.is_active);
  return byId ?? unitsInTreeOrder(units)[0]?.unit;
}

/** Choose a unit of one's scope; shown only when there is more than one. */
export function UnitPicker(props: { units: Unit[]; value: number | undefined; onChange: (unitId: number) => void; label: string; testid?: string }) {
  const ordered = unitsInTreeOrder(props.units);
  if (ordered.length < 2) return null;
  return (
    <SelectField
      label={props.label}
      value={props.value === undefined ? '' : String(props.value)}
      onValue={(v) => v && props.onChange(Number(v))}
      options={ordered.map(({ unit, depth }) => ({
        value: String(unit.id),
        label: '\u3000'.repeat(depth) + tc('fmt.teamUnit', { team: unit.name, unit: tc(KIND_LABEL[unit.kind]) }),
      }))}
      testid={props.testid ?? 'unit-picker'}
    />
  );
}
