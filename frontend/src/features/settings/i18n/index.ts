import { defineCatalog } from '../../../i18n';

export const settings = defineCatalog({ 'zh-CN': () => import('./zh-CN'), en: () => import('./en') });
export const t = settings.t;
