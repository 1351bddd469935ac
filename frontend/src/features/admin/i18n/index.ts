import { defineCatalog } from '../../../i18n';

export const admin = defineCatalog({ 'zh-CN': () => import('./zh-CN'), en: () => import('./en') });
export const t = admin.t;
