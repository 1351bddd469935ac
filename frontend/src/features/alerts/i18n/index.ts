import { defineCatalog } from '../../../i18n';

export const alerts = defineCatalog({ 'zh-CN': () => import('./zh-CN'), en: () => import('./en') });
export const t = alerts.t;
