import { defineCatalog } from '../../../i18n';

export const approvals = defineCatalog({ 'zh-CN': () => import('./zh-CN'), en: () => import('./en') });
export const t = approvals.t;
