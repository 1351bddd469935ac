import { signal } from '@preact/signals';
import { storage } from '../lib/storage';
import { formatMessage, type Message, type Messages, type Params, type PluralMessage } from './format';

export type { Params } from './format';
export type Locale = 'zh-CN' | 'en';
export const LOCALES: readonly Locale[] = ['zh-CN', 'en'];

/**
 * A dictionary in another language for a zh-CN source: every key of the source, the same
 * kind of message (plain or plural). A key missing here is a compile error.
 */
export type Translation<Source extends Messages> = {
  [K in keyof Source]: Source[K] extends string ? string : PluralMessage;
};

type Loader = () => Promise<{ default: Messages }>;

const LOCALE_KEY = 'pingan.locale';

export function detectLocale(stored: string | null, languages: readonly string[]): Locale {
  if (stored === 'zh-CN' || stored === 'en') return stored;
  return (languages[0] || 'zh-CN').toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

/** The language on screen; changes only once every loaded catalog has it (see setLocale). */
export const locale = signal<Locale>(
  detectLocale(storage.get(LOCALE_KEY), typeof navigator === 'undefined' ? [] : navigator.languages ?? [navigator.language]),
);

const catalogs = new Set<CatalogState>();

interface CatalogState {
  loaders: Record<Locale, Loader>;
  messages: Partial<Record<Locale, Messages>>;
  pending: Partial<Record<Locale, Promise<void>>>;
}

function loadInto(state: CatalogState, target: Locale): Promise<void> {
  if (state.messages[target]) return Promise.resolve();
  const pending =
    state.pending[target] ??
    state.loaders[target]().then(
      (module) => {
        state.messages[target] = module.default;
      },
      (error: unknown) => {
        delete state.pending[target];
        throw error;
      },
    );
  state.pending[target] = pending;
  return pending;
}

export interface Catalog<Keys extends string> {
  /** Fetch this catalog's dictionary for a language (its own chunk). */
  load(target?: Locale): Promise<void>;
  /** Text in the current language; reading it subscribes the rendering component to the language. */
  t(key: Keys, params?: Params): string;
  has(key: string): key is Keys;
}

/**
 * A feature's dictionaries, one chunk per language, loaded on first use. zh-CN is the
 * source of the keys; other languages are typed `Translation<typeof zh>`.
 */
export function defineCatalog<Source extends Messages>(loaders: {
  'zh-CN': () => Promise<{ default: Source }>;
  en: () => Promise<{ default: Translation<Source> }>;
}): Catalog<keyof Source & string> {
  return makeCatalog<keyof Source & string>(loaders);
}

/** A catalog whose keys are checked elsewhere (the error texts, kept as JSON for the server's tests). */
export function makeCatalog<Keys extends string>(loaders: Record<Locale, Loader>): Catalog<Keys> {
  const state: CatalogState = { loaders, messages: {}, pending: {} };
  const lookup = (key: string): Message | undefined => state.messages[locale.value]?.[key];
  return {
    load(target = locale.peek()) {
      catalogs.add(state);
      return loadInto(state, target);
    },
    t(key, params) {
      const message = lookup(key);
      return message === undefined ? key : formatMessage(locale.value, message, params);
    },
    has(key: string): key is Keys {
      return lookup(key) !== undefined;
    },
  };
}

/** Switch language: fetch every catalog in use in the new language first, then flip. */
export async function setLocale(next: Locale): Promise<void> {
  await Promise.all([...catalogs].map((state) => loadInto(state, next)));
  storage.set(LOCALE_KEY, next);
  locale.value = next;
}

/** A function that loads its route's catalogs along with its code. */
export function loadCatalogs(...list: { load(): Promise<void> }[]): Promise<void> {
  return Promise.all(list.map((c) => c.load())).then(() => undefined);
}

export function fmtTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (isNaN(d.getTime())) return '';
  return d.toLocaleString(locale.value, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

export function fmtDate(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (isNaN(d.getTime())) return '';
  return d.toLocaleDateString(locale.value, { year: 'numeric', month: 'short', day: 'numeric' });
}
