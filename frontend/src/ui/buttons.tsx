import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { offline } from '../api/connectivity';
import { t } from '../i18n/common';

/** Submit button that is disabled, and says why, while offline. */
export function SubmitButton(props: { label: string; busyLabel?: string; busy?: boolean; testid?: string; class?: string; disabled?: boolean }) {
  const isOffline = offline.value;
  return (
    <div class="submit-row">
      <button
        type="submit"
        class={props.class ?? 'btn btn-primary btn-block'}
        disabled={isOffline || props.busy || props.disabled}
        aria-busy={props.busy || undefined}
        data-testid={props.testid}
      >
        {props.busy && <span class="spinner spinner-light" aria-hidden="true" />}
        {props.busy && props.busyLabel ? props.busyLabel : props.label}
      </button>
      {isOffline && (
        <p class="needs-net" data-testid="needs-connection">
          {t('offline.needsLong')}
        </p>
      )}
    </div>
  );
}

/** A button for an action on the server; disabled while offline. */
export function ActionButton(props: {
  onClick: () => void;
  children: ComponentChildren;
  class?: string;
  testid?: string;
  busy?: boolean;
  disabled?: boolean;
  pressed?: boolean;
}) {
  const isOffline = offline.value;
  return (
    <button
      type="button"
      class={props.class ?? 'btn btn-secondary'}
      onClick={props.onClick}
      disabled={isOffline || props.busy || props.disabled}
      aria-pressed={props.pressed}
      title={isOffline ? t('offline.needs') : undefined}
      data-testid={props.testid}
    >
      {props.busy && <span class="spinner" aria-hidden="true" />}
      {props.children}
    </button>
  );
}

/** Two steps for destructive actions: tap, then confirm. */
export function ConfirmButton(props: { label: string; confirmLabel: string; onConfirm: () => void; testid?: string; class?: string; busy?: boolean }) {
  const [armed, setArmed] = useState(false);
  if (!armed)
    return (
      <ActionButton class={props.class ?? 'btn btn-danger-outline'} onClick={() => setArmed(true)} testid={props.testid} busy={props.busy}>
        {props.label}
      </ActionButton>
    );
  return (
    <span class="confirm-pair">
      <ActionButton
        class="btn btn-danger"
        testid={props.testid ? props.testid + '-confirm' : undefined}
        onClick={() => {
          setArmed(false);
          props.onConfirm();
        }}
      >
        {props.confirmLabel}
      </ActionButton>
      <button type="button" class="btn btn-secondary" onClick={() => setArmed(false)}>
        {t('common.cancel')}
      </button>
    </span>
  );
}
