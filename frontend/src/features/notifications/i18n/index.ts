import { defineCatalog } from '../../../i18n';

export const notifications = defineCatalog({ 'zh-CN': () => import('./zh-CN'), en: () => import('./en') });
export const t = notifications.t;

