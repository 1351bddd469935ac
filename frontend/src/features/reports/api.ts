import { call, callNoContent, callPage, client, allPages } from '../../api/client';
import { downloadExport } from '../../api/download';
import type { paths } from '../../api/schema';
import type { Schemas } from '../../api/types';
import { photoFilename } from '../../lib/photo';
import { AFTER } from '../../outbox/entry';
import { apiPath, enqueue, enqueueChain, type OutboxEntry } from '../../outbox/page';
import { uuid4 } from '../../outbox/uuid';

export type Report = Schemas['Report'];
export type ReportSummary = Schemas['ReportSummary'];
export type ReportCreate = Schemas['ReportCreate'];
export type ReportStatus = Report['status'];
export type Severity = Report['severity'];
export type Category = Schemas['Category'];
export type Department = Schemas['Department'];
export type Handler = Schemas['Handler'];
export type Nearby = Schemas['Nearby'];
export type Event = Schemas['Event'];
export type Comment = Schemas['Comment'];
export type ReportPhoto = Schemas['ReportPhoto'];
export type MapAnswer = Schemas['Map'];
export type BulkResult = Schemas['BulkResult'];

/** A nested object the server may send as null or {} (not visible to the caller): the object, or null. */
export function present<T extends object>(value: T | null | undefined): Exclude<T, Record<string, never>> | null {
  return value && Object.keys(value).length > 0 ? (value as Exclude<T, Record<string, never>>) : null;
}

export type ListQuery = NonNullable<paths['/api/v1/reports']['get']['parameters']['query']>;
export type FilterQuery = Omit<ListQuery, 'cursor' | 'page_size' | 'sort'>;
export type Sort = NonNullable<ListQuery['sort']>;

// ---- categories and departments
export const listCategories = (includeInactive = false) =>
  call(() => client.GET('/api/v1/report-categories', { params: { query: { include_inactive: includeInactive } } }));
export const createCategory = (body: Schemas['CategoryCreate']) => call(() => client.POST('/api/v1/report-categories', { body }));
export const updateCategory = (id: number, body: Schemas['CategoryUpdate']) =>
  call(() => client.PATCH('/api/v1/report-categories/{category_id}', { params: { path: { category_id: id } }, body }));

/** Departments I may dispatch to (those serving `unitId`, when given) or administer. */
export const listDepartments = (unitId?: number, includeInactive = false) =>
  allPages((page) =>
    callPage(() => client.GET('/api/v1/departments', { params: { query: { unit_id: unitId, include_inactive: includeInactive, page, page_size: 100 } } })),
  );
export const createDepartment = (body: Schemas['DepartmentCreate']) => call(() => client.POST('/api/v1/departments', { body }));
export const updateDepartment = (id: number, body: Schemas['DepartmentUpdate']) =>
  call(() => client.PATCH('/api/v1/departments/{department_id}', { params: { path: { department_id: id } }, body }));
export const listHandlers = (departmentId: number) =>
  call(() => client.GET('/api/v1/departments/{department_id}/handlers', { params: { path: { department_id: departmentId } } }));

// ---- cases
export interface CursorPage<T> {
  items: T[];
  next: string | null;
}

/** One keyset page of the queue or of my reports; `next` is the cursor of the page after it. */
export async function listReports(query: ListQuery): Promise<CursorPage<ReportSummary>> {
  let next: string | null = null;
  const items = await call(async () => {
    const answer = await client.GET('/api/v1/reports', { params: { query } });
    next = answer.response.headers.get('X-Next-Cursor');
    return answer;
  });
  return { items, next };
}

export const getReport = (id: number) => call(() => client.GET('/api/v1/reports/{report_id}', { params: { path: { report_id: id } } }));
export const getTimeline = (id: number) => call(() => client.GET('/api/v1/reports/{report_id}/timeline', { params: { path: { report_id: id } } }));
export const listComments = (id: number) =>
  allPages((page) => callPage(() => client.GET('/api/v1/reports/{report_id}/comments', { params: { path: { report_id: id }, query: { page, page_size: 100 } } })));
export const addComment = (id: number, body: Schemas['CommentCreate']) =>
  call(() => client.POST('/api/v1/reports/{report_id}/comments', { params: { path: { report_id: id } }, body, headers: { 'Idempotency-Key': uuid4() } }));
export const deleteReport = (id: number) => callNoContent(() => client.DELETE('/api/v1/reports/{report_id}', { params: { path: { report_id: id } } }));
export const follow = (id: number) => call(() => client.POST('/api/v1/reports/{report_id}/follow', { params: { path: { report_id: id } } }));

export const nearby = (categoryId: number, lon: number, lat: number) =>
  call(() => client.GET('/api/v1/reports/nearby', { params: { query: { category_id: categoryId, lon, lat } } }));

export const reportsMap = (query: FilterQuery & { bbox: string; zoom: number }) => call(() => client.GET('/api/v1/reports/map', { params: { query } }));

export const bulkDispatch = (body: Schemas['BulkDispatch']) => call(() => client.POST('/api/v1/reports/bulk-dispatch', { body }));

/** The workflow's steps, as the server names them in `actions`. */
export const ACTIONS = ['accept', 'reject', 'mark_duplicate', 'dispatch', 'return', 'start', 'resolve', 'close', 'reopen', 'request_reopen'] as const;
export type Action = (typeof ACTIONS)[number];
export const isAction = (name: string): name is Action => (ACTIONS as readonly string[]).includes(name);

export interface ActionBody {
  note?: string;
  reason?: string;
  duplicate_of_id?: number;
  department_id?: number;
  handler_id?: number;
}

/** One step of the workflow on a case; answers the case as it is now (403, 409 invalid_transition otherwise). */
export function act(id: number, action: Action, body: ActionBody): Promise<Report> {
  const path = { params: { path: { report_id: id } } };
  const note = body.note?.trim() ? { note: body.note.trim() } : {};
  const reason = body.reason?.trim() ?? '';
  switch (action) {
    case 'accept':
      return call(() => client.POST('/api/v1/reports/{report_id}/accept', { ...path, body: note }));
    case 'start':
      return call(() => client.POST('/api/v1/reports/{report_id}/start', { ...path, body: note }));
    case 'close':
      return call(() => client.POST('/api/v1/reports/{report_id}/close', { ...path, body: note }));
    case 'reject':
      return call(() => client.POST('/api/v1/reports/{report_id}/reject', { ...path, body: { reason } }));
    case 'return':
      return call(() => client.POST('/api/v1/reports/{report_id}/return', { ...path, body: { reason } }));
    case 'reopen':
      return call(() => client.POST('/api/v1/reports/{report_id}/reopen', { ...path, body: { reason } }));
    case 'request_reopen':
      return call(() => client.POST('/api/v1/reports/{report_id}/request-reopen', { ...path, body: { reason } }));
    case 'resolve':
      return call(() => client.POST('/api/v1/reports/{report_id}/resolve', { ...path, body: { note: body.note?.trim() ?? '' } }));
    case 'mark_duplicate':
      return call(() => client.POST('/api/v1/reports/{report_id}/mark-duplicate', { ...path, body: { ...note, duplicate_of_id: body.duplicate_of_id ?? 0 } }));
    case 'dispatch':
      return call(() =>
        client.POST('/api/v1/reports/{report_id}/dispatch', { ...path, body: { ...note, department_id: body.department_id, handler_id: body.handler_id } }),
      );
  }
}

// ---- writes that wait in the outbox

/** What a report's outbox entries carry for the screens. */
export interface ReportLabel extends Record<string, string | number> {
  category: string;
  description: string;
}

const photoEntry = (path: string, photo: Blob, index: number, of: number, label: Record<string, string | number>) => ({
  auth: 'session' as const,
  method: 'POST' as const,
  path,
  multipart: { fields: [], files: [{ name: 'photo', filename: photoFilename(photo, `photo-${index + 1}`), blob: photo }] },
  kind: 'report_photo',
  label: { ...label, n: index + 1, of },
});

/**
 * A new report and its photos, through the outbox: sent now, or as soon as there is signal,
 * exactly once (each entry's Idempotency-Key). The photos follow the report, to its new id.
 */
export function queueReport(body: ReportCreate, photos: Blob[], label: ReportLabel): Promise<OutboxEntry[]> {
  return enqueueChain(
    { auth: 'session', method: 'POST', path: apiPath('/api/v1/reports', {}), json: body, kind: 'report', label },
    photos.map((photo, i) => photoEntry(`/api/v1/reports/${AFTER}/photos`, photo, i, photos.length, label)),
    true,
  );
}

/** Photos for a case that exists (a follower's, a reporter's later ones). */
export function queuePhotos(reportId: number, photos: Blob[], label: ReportLabel): Promise<OutboxEntry[]> {
  const path = apiPath('/api/v1/reports/{report_id}/photos', { report_id: reportId });
  const [first, ...rest] = photos.map((photo, i) => photoEntry(path, photo, i, photos.length, { ...label, report_id: reportId }));
  return enqueueChain(first, rest, false);
}

/** The handler's photos of the work done, then the resolve with its note: in that order, each once. */
export function queueResolve(reportId: number, note: string, photos: Blob[], label: ReportLabel): Promise<OutboxEntry[]> {
  const path = apiPath('/api/v1/reports/{report_id}/photos', { report_id: reportId });
  const resolve = {
    auth: 'session' as const,
    method: 'POST' as const,
    path: apiPath('/api/v1/reports/{report_id}/resolve', { report_id: reportId }),
    json: { note } satisfies Schemas['Resolve'],
    kind: 'report_resolve',
    label: { ...label, report_id: reportId },
  };
  if (!photos.length) return enqueue(resolve).then((entry) => [entry]);
  const [first, ...rest] = photos.map((photo, i) => photoEntry(path, photo, i, photos.length, { ...label, report_id: reportId }));
  return enqueueChain(first, [...rest, resolve], false);
}

// ---- export
const EXPORT_PATH = '/api/v1/reports/export' satisfies keyof paths;
export type ExportFormat = 'csv' | 'xlsx';

/** The filtered queue as a file (or a job whose link arrives in the inbox). */
export function exportReports(params: URLSearchParams, format: ExportFormat): Promise<'downloaded' | 'queued'> {
  const query = new URLSearchParams(params);
  query.set('format', format);
  return downloadExport(EXPORT_PATH, query, `reports.${format}`);
}
