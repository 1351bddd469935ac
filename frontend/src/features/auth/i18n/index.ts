import { defineCatalog } from '../../../i18n';

export const auth = defineCatalog({ 'zh-CN': () => import('./zh-CN'), en: () => import('./en') });
export const t = auth.t;
