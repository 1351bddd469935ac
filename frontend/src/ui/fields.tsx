import { useId, useState } from 'preact/hooks';
import { t } from '../i18n/common';

interface FieldProps {
  label: string;
  value: string;
  onValue: (value: string) => void;
  hint?: string;
  error?: string;
  testid?: string;
  type?: 'text' | 'tel' | 'password' | 'number' | 'date' | 'time' | 'datetime-local';
  autoComplete?: string;
  inputMode?: 'text' | 'tel' | 'numeric' | 'decimal';
  maxLength?: number;
  min?: number;
  max?: number;
}

function describedBy(id: string, hint?: string, error?: string): string | undefined {
  return [hint && id + '-hint', error && id + '-err'].filter(Boolean).join(' ') || undefined;
}

function FieldError({ id, error, testid }: { id: string; error?: string; testid?: string }) {
  if (!error) return null;
  return (
    <p class="field-error" id={id + '-err'} data-testid={testid ? testid + '-error' : undefined}>
      {error}
    </p>
  );
}

export function Field({ label, value, onValue, hint, error, testid, type = 'text', ...rest }: FieldProps) {
  const id = useId();
  const [shown, setShown] = useState(false);
  const isPassword = type === 'password';
  const input = {
    id,
    value,
    onInput: (e: InputEvent & { currentTarget: HTMLInputElement }) => onValue(e.currentTarget.value),
    'aria-invalid': error ? true : undefined,
    'aria-describedby': describedBy(id, hint, error),
    'data-testid': testid,
    ...rest,
  };
  return (
    <div class={'field' + (error ? ' field-invalid' : '')}>
      <label for={id}>{label}</label>
      {hint && (
        <p class="hint" id={id + '-hint'}>
          {hint}
        </p>
      )}
      <div class={isPassword ? 'pw-wrap' : undefined}>
        {isPassword && !shown ? (
          <input type="password" {...input} />
        ) : type === 'tel' ? (
          <input type="tel" {...input} />
        ) : type === 'number' ? (
          <input type="number" {...input} />
        ) : type === 'date' ? (
          <input type="date" {...input} />
        ) : type === 'time' ? (
          <input type="time" {...input} />
        ) : type === 'datetime-local' ? (
          <input type="datetime-local" {...input} />
        ) : (
          <input type="text" {...input} />
        )}
        {isPassword && (
          <button
            type="button"
            class="pw-toggle"
            aria-pressed={shown}
            aria-label={t('common.showPasswordLabel')}
            data-testid={testid ? testid + '-toggle' : undefined}
            onClick={() => setShown(!shown)}
          >
            {shown ? t('common.hidePassword') : t('common.showPassword')}
          </button>
        )}
      </div>
      <FieldError id={id} error={error} testid={testid} />
    </div>
  );
}

/** A multi-line field: code-like text (GeoJSON) by default, `prose` for words people write (an alert's details). */
export function TextArea(props: {
  label: string;
  value: string;
  onValue: (v: string) => void;
  hint?: string;
  error?: string;
  testid?: string;
  rows?: number;
  prose?: boolean;
}) {
  const id = useId();
  return (
    <div class={'field' + (props.error ? ' field-invalid' : '')}>
      <label for={id}>{props.label}</label>
      {props.hint && (
        <p class="hint" id={id + '-hint'}>
          {props.hint}
        </p>
      )}
      <textarea
        id={id}
        class={props.prose ? 'prose' : undefined}
        rows={props.rows ?? 6}
        spellcheck={props.prose ?? false}
        autoCapitalize={props.prose ? undefined : 'off'}
        value={props.value}
        onInput={(e) => props.onValue(e.currentTarget.value)}
        aria-invalid={props.error ? true : undefined}
        aria-describedby={describedBy(id, props.hint, props.error)}
        data-testid={props.testid}
      />
      <FieldError id={id} error={props.error} testid={props.testid} />
    </div>
  );
}

export interface Option {
  value: string;
  label: string;
}

export function SelectField(props: {
  label: string;
  value: string;
  onValue: (value: string) => void;
  options: Option[];
  placeholder?: string;
  error?: string;
  hint?: string;
  testid?: string;
  disabled?: boolean;
}) {
  const id = useId();
  return (
    <div class={'field' + (props.error ? ' field-invalid' : '')}>
      <label for={id}>{props.label}</label>
      {props.hint && (
        <p class="hint" id={id + '-hint'}>
          {props.hint}
        </p>
      )}
      <select
        id={id}
        value={props.value}
        disabled={props.disabled}
        onChange={(e) => props.onValue(e.currentTarget.value)}
        aria-invalid={props.error ? true : undefined}
        aria-describedby={describedBy(id, props.hint, props.error)}
        data-testid={props.testid}
      >
        {props.placeholder !== undefined && <option value="">{props.placeholder}</option>}
        {props.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      <FieldError id={id} error={props.error} testid={props.testid} />
    </div>
  );
}

export function Toggle(props: { label: string; checked: boolean; onChange: (checked: boolean) => void; testid?: string }) {
  return (
    <label class="toggle">
      <input type="checkbox" checked={props.checked} onChange={(e) => props.onChange(e.currentTarget.checked)} data-testid={props.testid} />
      <span>{props.label}</span>
    </label>
  );
}
