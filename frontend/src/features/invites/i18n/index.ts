import { defineCatalog } from '../../../i18n';

export const invites = defineCatalog({ 'zh-CN': () => import('./zh-CN'), en: () => import('./en') });
export const t = invites.t;
