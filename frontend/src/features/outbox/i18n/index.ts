import { defineCatalog } from '../../../i18n';

export const outboxTexts = defineCatalog({ 'zh-CN': () => import('./zh-CN'), en: () => import('./en') });
export const t = outboxTexts.t;
