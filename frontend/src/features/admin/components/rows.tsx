import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { t as tc } from '../../../i18n/common';
import { ActionButton, ConfirmButton, SubmitButton } from '../../../ui/buttons';
import { Badge, ErrorBox } from '../../../ui/feedback';
import { Field, Toggle } from '../../../ui/fields';
import { problem, useForm } from '../../../ui/form';
import type { Activation } from '../api';
import { t } from '../i18n';

export interface Row {
  id: number;
  name: string;
  is_active: boolean;
}

export function ListControls(props: { sort: 'name' | '-name'; onSort: (sort: 'name' | '-name') => void; inactive: boolean; onInactive: (v: boolean) => void }) {
  return (
    <div class="controls">
      <div class="segmented" role="group" aria-label={t('admin.sortLabel')}>
        {(['name', '-name'] as const).map((sort) => (
          <button
            key={sort}
            type="button"
            class={'seg' + (props.sort === sort ? ' seg-on' : '')}
            aria-pressed={props.sort === sort}
            data-testid={sort === 'name' ? 'sort-asc' : 'sort-desc'}
            onClick={() => props.onSort(sort)}
          >
            {sort === 'name' ? t('admin.sortAsc') : t('admin.sortDesc')}
          </button>
        ))}
      </div>
      <Toggle label={t('admin.includeInactive')} checked={props.inactive} onChange={props.onInactive} testid="include-inactive" />
    </div>
  );
}

function RenameForm<R extends Row>(props: { row: R; rename: (name: string) => Promise<R>; onDone: (row: R) => void; onCancel: () => void }) {
  const form = useForm({
    initial: { name: props.row.name },
    validate: (v) => ({ name: v.name.trim() ? undefined : problem('required') }),
    submit: async (v) => props.onDone(await props.rename(v.name.trim())),
  });
  return (
    <form class="inline-form" onSubmit={form.onSubmit} noValidate>
      <ErrorBox error={form.errors.general} />
      <Field label={t('admin.name')} maxLength={80} {...form.text('name')} testid={`rename-${props.row.id}`} />
      <div class="btn-row">
        <SubmitButton label={tc('common.save')} busy={form.busy} class="btn btn-primary" testid={`rename-save-${props.row.id}`} />
        <button type="button" class="btn btn-secondary" onClick={props.onCancel}>
          {tc('common.cancel')}
        </button>
      </div>
    </form>
  );
}

/**
 * One unit, team or area: its name and state, details (`children`), and either its editor
 * (`editor`, a rename form by default) or its buttons.
 */
export function AdminRow<R extends Row>(props: {
  row: R;
  testid: string;
  children?: ComponentChildren;
  links?: ComponentChildren;
  rename: (name: string) => Promise<R>;
  setActive: (action: Activation) => Promise<R>;
  onSaved: (row: R) => void;
  editor?: (close: () => void) => ComponentChildren;
}) {
  const { row } = props;
  const [editing, setEditing] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const activation = (action: Activation) => {
    setError(null);
    props.setActive(action).then(props.onSaved, setError);
  };
  const close = () => setEditing(false);
  return (
    <div class={'admin-row' + (row.is_active ? '' : ' is-inactive')} data-testid={props.testid}>
      <div class="row-between">
        <p class="item-title">{row.name}</p>
        {!row.is_active && <Badge kind="muted">{tc('common.inactive')}</Badge>}
      </div>
      {props.children}
      {editing ? (
        props.editor ? (
          props.editor(close)
        ) : (
          <RenameForm
            row={row}
            rename={props.rename}
            onCancel={close}
            onDone={(fresh) => {
              close();
              props.onSaved(fresh);
            }}
          />
        )
      ) : (
        <div class="btn-row">
          {props.links}
          <button type="button" class="btn btn-secondary" onClick={() => setEditing(true)} data-testid={`edit-${row.id}`}>
            {tc('common.edit')}
          </button>
          {row.is_active ? (
            <ConfirmButton
              label={t('admin.deactivate')}
              confirmLabel={t('admin.confirmDeactivate')}
              onConfirm={() => activation('deactivate')}
              testid={`deactivate-${row.id}`}
            />
          ) : (
            <ActionButton onClick={() => activation('activate')} testid={`activate-${row.id}`}>
              {t('admin.activate')}
            </ActionButton>
          )}
        </div>
      )}
      <ErrorBox error={error} />
    </div>
  );
}
