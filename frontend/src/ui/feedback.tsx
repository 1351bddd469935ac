import type { ComponentChildren } from 'preact';
import { t } from '../i18n/common';
import { errorText } from '../i18n/errors/text';

export function ErrorBox(props: { error: unknown; onRetry?: () => void; testid?: string }) {
  if (!props.error) return null;
  const text = typeof props.error === 'string' ? props.error : errorText(props.error);
  return (
    <div class="alert alert-error" role="alert" data-testid={props.testid ?? 'form-error'}>
      <p>{text}</p>
      {props.onRetry && (
        <button type="button" class="btn btn-secondary btn-small" onClick={props.onRetry}>
          {t('common.retry')}
        </button>
      )}
    </div>
  );
}

export function Notice(props: { children: ComponentChildren; testid?: string }) {
  return (
    <div class="alert alert-ok" role="status" data-testid={props.testid ?? 'notice'}>
      {props.children}
    </div>
  );
}

export function Info(props: { children: ComponentChildren; testid?: string }) {
  return (
    <div class="alert alert-info" role="status" data-testid={props.testid}>
      {props.children}
    </div>
  );
}

export function Badge(props: { kind?: 'ok' | 'warn' | 'muted' | 'info' | 'bad'; children: ComponentChildren; testid?: string }) {
  return (
    <span class={`badge badge-${props.kind ?? 'info'}`} data-testid={props.testid}>
      {props.children}
    </span>
  );
}
