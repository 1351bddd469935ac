import { defineCatalog } from '../../../i18n';

export const audit = defineCatalog({ 'zh-CN': () => import('./zh-CN'), en: () => import('./en') });
export const t = audit.t;
