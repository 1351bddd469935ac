/** Texts for the server's alert enums (severity, CAP category, answers): typed maps, never built keys. */
import type { Alert, Answer } from './api';
import { t } from './i18n';

type Key = Parameters<typeof t>[0];

export const SEVERITY_LABEL = { info: 'severity.info', warning: 'severity.warning', urgent: 'severity.urgent' } as const satisfies Record<Alert['severity'], Key>;
export const SEVERITY_HINT = {
  info: 'severityHint.info',
  warning: 'severityHint.warning',
  urgent: 'severityHint.urgent',
} as const satisfies Record<Alert['severity'], Key>;
export const ANSWER_LABEL = { on_my_way: 'answer.on_my_way', cannot_come: 'answer.cannot_come' } as const satisfies Record<Answer, Key>;
export const CATEGORY_LABEL = {
  Geo: 'category.Geo',
  Met: 'category.Met',
  Safety: 'category.Safety',
  Security: 'category.Security',
  Rescue: 'category.Rescue',
  Fire: 'category.Fire',
  Health: 'category.Health',
  Env: 'category.Env',
  Transport: 'category.Transport',
  Infra: 'category.Infra',
  CBRNE: 'category.CBRNE',
  Other: 'category.Other',
} as const satisfies Record<Alert['category'], Key>;
