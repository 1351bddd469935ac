import { defineCatalog } from '../../../i18n';

export const attendance = defineCatalog({ 'zh-CN': () => import('./zh-CN'), en: () => import('./en') });
export const t = attendance.t;
