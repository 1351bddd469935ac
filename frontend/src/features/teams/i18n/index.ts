import { defineCatalog } from '../../../i18n';

export const teams = defineCatalog({ 'zh-CN': () => import('./zh-CN'), en: () => import('./en') });
export const t = teams.t;
