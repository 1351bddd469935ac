import { useEffect, useState } from 'preact/hooks';
import { ApiError, type FieldError } from '../api/errors';
import { errorText, fieldErrorText } from '../i18n/errors/text';

export type Problems<Name extends string> = Partial<Record<Name, FieldError>>;

/** Client-side checks produce the same `{code, params}` as the server, so both read the same. */
export const problem = (code: string, params: FieldError['params'] = {}): FieldError => ({ code, params });

export interface FormErrors {
  general: string | null;
  fields: Record<string, string>;
}
const NO_ERRORS: FormErrors = { general: null, fields: {} };

/**
 * Split a failed request into translated messages: field errors next to the `names` fields
 * they belong to, the rest at the top; `onField` moves whole-request errors (phone_taken)
 * next to a field. A whole-request error shown on its field is not repeated at the top.
 */
export function toFormErrors(e: unknown, names: readonly string[], onField: Record<string, string> = {}): FormErrors {
  const fields: Record<string, string> = {};
  const elsewhere: string[] = [];
  if (e instanceof ApiError) {
    for (const [name, list] of Object.entries(e.fields)) {
      const text = list.map(fieldErrorText).join(' ');
      if (names.includes(name)) fields[name] = text;
      else elsewhere.push(text);
    }
    const target = onField[e.error];
    if (target && !fields[target]) fields[target] = errorText(e);
  }
  const shownOnField = Object.keys(fields).length > 0 && e instanceof ApiError && e.error !== 'validation_failed';
  const general = [...(shownOnField ? [] : [errorText(e)]), ...elsewhere].join(' ') || null;
  return { general, fields };
}

type StringKeys<V> = { [K in keyof V]: V[K] extends string ? K : never }[keyof V] & string;

interface FormOptions<V extends Record<string, unknown>> {
  initial: V;
  /** Checks before sending; a problem per field name. */
  validate?: (values: V) => Problems<keyof V & string>;
  /** Sends the form; a thrown ApiError is shown on the form. */
  submit: (values: V) => Promise<unknown>;
  /** Whole-request error ids to show next to a field: `{phone_taken: 'phone'}`. */
  onField?: Record<string, keyof V & string>;
  /** The summary line shown above fields the client-side checks marked. */
  summary?: string;
  /** Success leaves the screen: stay busy until it is gone. */
  leaves?: boolean;
}

/**
 * The one form hook: it owns the values, runs the checks, sends, and turns what the server
 * refused into messages; after a failed attempt it focuses the first marked field.
 */
export function useForm<V extends Record<string, unknown>>(options: FormOptions<V>) {
  const [values, setValues] = useState<V>(options.initial);
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);

  useEffect(() => {
    if (Object.keys(errors.fields).length) {
      const invalid = document.querySelector<HTMLElement>('main [aria-invalid="true"]');
      invalid?.focus();
      invalid?.scrollIntoView({ block: 'center' });
    } else if (errors.general) {
      document.querySelector('main [role="alert"]')?.scrollIntoView({ block: 'center' });
    }
  }, [errors]);

  const set = <K extends keyof V>(name: K, value: V[K]) => setValues((old) => ({ ...old, [name]: value }));

  const onSubmit = async (event?: Event) => {
    event?.preventDefault();
    const problems = options.validate?.(values) ?? {};
    const marked = Object.entries(problems).filter((entry): entry is [string, FieldError] => entry[1] !== undefined);
    if (marked.length) {
      setErrors({ general: options.summary ?? null, fields: Object.fromEntries(marked.map(([name, p]) => [name, fieldErrorText(p)])) });
      return;
    }
    setBusy(true);
    setErrors(NO_ERRORS);
    try {
      await options.submit(values);
      if (!options.leaves) setBusy(false);
    } catch (e) {
      setErrors(toFormErrors(e, Object.keys(values), options.onField));
      setBusy(false);
    }
  };

  /** Props for a text field bound to `name`. */
  const text = (name: StringKeys<V>) => ({
    value: String(values[name] ?? ''),
    onValue: (value: string) => setValues((old) => ({ ...old, [name]: value })),
    error: errors.fields[name],
  });

  return { values, set, setValues, busy, errors, onSubmit, text };
}
