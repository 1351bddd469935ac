import { defineCatalog } from '../../../i18n';

export const shifts = defineCatalog({ 'zh-CN': () => import('./zh-CN'), en: () => import('./en') });
export const t = shifts.t;
