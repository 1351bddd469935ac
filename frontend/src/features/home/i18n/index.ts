import { defineCatalog } from '../../../i18n';

export const home = defineCatalog({ 'zh-CN': () => import('./zh-CN'), en: () => import('./en') });
export const t = home.t;
