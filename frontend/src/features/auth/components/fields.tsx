import type { ComponentProps } from 'preact';
import { clientConfig } from '../../session/config';
import { Field } from '../../../ui/fields';
import { t } from '../i18n';

type FieldProps = ComponentProps<typeof Field>;

/** Spaces and dashes people type into phone numbers. */
export const cleanPhone = (value: string) => value.replace(/[\s-]/g, '');

/** A password input; one for a new password states the server's rule (its minimum from /client-config). */
export function PasswordField({ isNew, ...rest }: Omit<FieldProps, 'type' | 'autoComplete' | 'hint'> & { isNew?: boolean }) {
  const min = clientConfig.value?.password_min_length;
  const hint = isNew ? (min ? t('label.passwordHintMin', { min }) : t('label.passwordHint')) : undefined;
  return <Field type="password" autoComplete={isNew ? 'new-password' : 'current-password'} hint={hint} {...rest} />;
}

export function PhoneField(props: Omit<FieldProps, 'label' | 'type' | 'inputMode'>) {
  return <Field label={t('label.phone')} type="tel" inputMode="tel" {...props} />;
}
