/**
 * Texts for the server's error ids (`error`) and field-error codes (`errors.json.<field>[].code`).
 * They are JSON so the server's test suite can check that every id and code it can send has
 * a zh-CN and an English text: frontend/src/i18n/errors/{zh-CN,en}.json, keys "error" and "field".
 */
import { makeCatalog, type Locale } from '..';
import type zh from './zh-CN.json';
import type en from './en.json';

type ErrorTexts = { error: Record<string, string>; field: Record<string, string> };
export type ErrorId = keyof typeof zh.error & string;
export type FieldCode = keyof typeof zh.field & string;

// A missing English text is a compile error: both lists of missing keys must be empty.
type Missing<Source, Target> = Exclude<keyof Source, keyof Target>;
export const everyErrorHasEnglish: [Missing<typeof zh.error, typeof en.error>, Missing<typeof zh.field, typeof en.field>] extends [
  never,
  never,
]
  ? true
  : never = true;

function flatten(texts: ErrorTexts): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [id, text] of Object.entries(texts.error)) out[`error.${id}`] = text;
  for (const [code, text] of Object.entries(texts.field)) out[`field.${code}`] = text;
  return out;
}

const load = (json: Promise<{ default: ErrorTexts }>) => json.then((m) => ({ default: flatten(m.default) }));
const loaders: Record<Locale, () => Promise<{ default: Record<string, string> }>> = {
  'zh-CN': () => load(import('./zh-CN.json')),
  en: () => load(import('./en.json')),
};

export const errorTexts = makeCatalog<`error.${ErrorId}` | `field.${FieldCode}`>(loaders);
