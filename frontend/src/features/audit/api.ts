import { callPage, client } from '../../api/client';
import type { paths } from '../../api/schema';

export type AuditQuery = NonNullable<paths['/api/v1/audit']['get']['parameters']['query']>;

export const listAuditEvents = (query: AuditQuery) => callPage(() => client.GET('/api/v1/audit', { params: { query } }));
