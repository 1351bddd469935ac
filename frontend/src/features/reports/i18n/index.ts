import { defineCatalog } from '../../../i18n';

export const reports = defineCatalog({ 'zh-CN': () => import('./zh-CN'), en: () => import('./en') });
export const t = reports.t;
