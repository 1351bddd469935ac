import { useQuery } from '../../../ui/data';
import { SelectField } from '../../../ui/fields';
import { listDepartments, listHandlers } from '../api';
import { t } from '../i18n';

export interface DispatchChoice {
  department: string;
  handler: string;
}

/**
 * Where a case goes: a department serving its unit (empty: the one its category routes to)
 * and, optionally, one of that department's handlers.
 */
export function DispatchFields(props: { unitId?: number; value: DispatchChoice; onChange: (value: DispatchChoice) => void; testid: string; error?: string }) {
  const { value, onChange } = props;
  const departments = useQuery(() => listDepartments(props.unitId), [props.unitId]);
  const handlers = useQuery(() => (value.department ? listHandlers(Number(value.department)) : Promise.resolve([])), [value.department]);
  return (
    <>
      <SelectField
        label={t('detail.departmentPick')}
        value={value.department}
        onValue={(department) => onChange({ department, handler: '' })}
        placeholder={t('detail.departmentDefault')}
        options={(departments.data ?? []).map((d) => ({ value: String(d.id), label: d.name }))}
        error={props.error}
        testid={props.testid + '-department'}
      />
      {value.department && (handlers.data ?? []).length > 0 && (
        <SelectField
          label={t('detail.handlerPick')}
          value={value.handler}
          onValue={(handler) => onChange({ ...value, handler })}
          placeholder={t('detail.handlerAny')}
          options={(handlers.data ?? []).map((h) => ({ value: String(h.id), label: h.display_name }))}
          testid={props.testid + '-handler'}
        />
      )}
    </>
  );
}

export const dispatchBody = (choice: DispatchChoice) => ({
  ...(choice.department ? { department_id: Number(choice.department) } : {}),
  ...(choice.handler ? { handler_id: Number(choice.handler) } : {}),
});
