import { defineCatalog } from '../../i18n';

export const mapTexts = defineCatalog({ 'zh-CN': () => import('./zh-CN'), en: () => import('./en') });
export const t = mapTexts.t;
