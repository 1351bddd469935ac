/**
 * Message formatting without a runtime dependency on the DOM, so vitest can run it in Node.
 * A message is a string with `{name}` placeholders, or a plural message keyed by
 * Intl.PluralRules categories (`one`, `other`, ...), chosen by the `n` parameter.
 */
export type PluralMessage = { other: string } & Partial<Record<Intl.LDMLPluralRule, string>>;
export type Message = string | PluralMessage;
export type Messages = Record<string, Message>;
export type Params = Record<string, string | number>;

const pluralRules = new Map<string, Intl.PluralRules>();

function pluralCategory(locale: string, n: number): Intl.LDMLPluralRule {
  let rules = pluralRules.get(locale);
  if (!rules) pluralRules.set(locale, (rules = new Intl.PluralRules(locale)));
  return rules.select(n);
}

/** Fill `{name}` placeholders; a placeholder without a value is left as it is. */
export function interpolate(text: string, params?: Params): string {
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/** One message in one locale: the plural form for `params.n`, then its placeholders. */
export function formatMessage(locale: string, message: Message, params?: Params): string {
  if (typeof message === 'string') return interpolate(message, params);
  const n = Number(params?.n ?? 0);
  const form = message[pluralCategory(locale, n)] ?? message.other;
  return interpolate(form, params);
}
