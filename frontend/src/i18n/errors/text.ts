import { ApiError, type FieldError } from '../../api/errors';
import { t } from '../common';
import { errorTexts } from '.';

/** A translated sentence for any failure; never the server's English `message`. */
export function errorText(e: unknown): string {
  if (!(e instanceof ApiError)) return t('error.generic');
  if (e.error === 'too_many_requests' && e.retryAfter) return t('error.retryMinutes', { n: Math.max(1, Math.ceil(e.retryAfter / 60)) });
  const key = `error.${e.error}`;
  return errorTexts.has(key) ? errorTexts.t(key) : t('error.generic');
}

/** One field error: its code's text with its parameters, and where it happened if the server said. */
export function fieldErrorText(error: FieldError): string {
  const key = `field.${error.code}`;
  const text = errorTexts.has(key) ? errorTexts.t(key, error.params) : errorTexts.t('field.invalid');
  const at = error.params.at;
  return at === undefined ? text : t('fmt.withPosition', { text: text.replace(/[。.]$/, ''), at });
}
