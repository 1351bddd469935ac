import type { Schemas } from '../../../api/types';
import { KIND_LABEL, t as tc } from '../../../i18n/common';
import { SelectField } from '../../../ui/fields';
import { t } from '../i18n';

export function UnitSelect(props: { units: Schemas['Unit'][]; value: string; onValue: (v: string) => void; error?: string; testid: string; label?: string }) {
  return (
    <SelectField
      label={props.label ?? t('admin.unit')}
      value={props.value}
      onValue={props.onValue}
      placeholder={t('admin.pickUnit')}
      options={props.units
        .filter((unit) => unit.is_active)
        .map((unit) => ({ value: String(unit.id), label: tc('fmt.teamUnit', { team: unit.name, unit: tc(KIND_LABEL[unit.kind]) }) }))}
      error={props.error}
      testid={props.testid}
    />
  );
}
