import { call, callPage, client } from '../../api/client';
import type { Schemas } from '../../api/types';
import { apiPath, enqueue, outboxUnavailable } from '../../outbox/page';

export type Alert = Schemas['Alert'];
export type AlertDetail = Schemas['AlertDetail'];
export type Severity = Alert['severity'];
export type Category = Alert['category'];
export type Audience = Schemas['Audience'];
export type Tally = Schemas['Tally'];
export type Recipient = Schemas['Recipient'];
export type Answer = NonNullable<Recipient['answer']>;
export type RecipientFilter = Answer | 'none';

export const getAlert = (alertId: number) => call(() => client.GET('/api/v1/alerts/{alert_id}', { params: { path: { alert_id: alertId } } }));
export const listSent = (page: number) => callPage(() => client.GET('/api/v1/alerts', { params: { query: { box: 'sent', page, page_size: 20 } } }));
export const preview = (body: Schemas['AlertPreview']) => call(() => client.POST('/api/v1/alerts/preview', { body }));

/** Sent online; the key makes a repeated tap (or a retry after a timeout) send one alert, not two. */
export const sendAlert = (body: Schemas['AlertCreate'], idempotencyKey: string) =>
  call(() => client.POST('/api/v1/alerts', { body, headers: { 'Idempotency-Key': idempotencyKey } }));
export const updateAlert = (alertId: number, body: Schemas['AlertUpdate']) =>
  call(() => client.PATCH('/api/v1/alerts/{alert_id}', { params: { path: { alert_id: alertId } }, body }));
export const cancelAlert = (alertId: number) => call(() => client.POST('/api/v1/alerts/{alert_id}/cancel', { params: { path: { alert_id: alertId } } }));
export const getTally = (alertId: number) => call(() => client.GET('/api/v1/alerts/{alert_id}/tally', { params: { path: { alert_id: alertId } } }));
export const listRecipients = (alertId: number, answer: RecipientFilter | undefined, page: number) =>
  callPage(() => client.GET('/api/v1/alerts/{alert_id}/recipients', { params: { path: { alert_id: alertId }, query: { answer, page, page_size: 50 } } }));

/** "Seen" when the alert is opened: straight to the server (nothing to keep if it can't be sent now). */
export const markSeen = (alertId: number) =>
  call(() => client.POST('/api/v1/alerts/{alert_id}/answer', { params: { path: { alert_id: alertId } }, body: { answer: 'seen' } }));

/**
 * An answer goes through the outbox: it is sent now, or as soon as there is signal, exactly
 * once. Where the phone can't keep it (no IndexedDB), it is sent straight away instead.
 */
export async function queueAnswer(alert: { id: number; title: string }, answer: Answer): Promise<'queued' | 'sent'> {
  try {
    await enqueue({
      auth: 'session',
      method: 'POST',
      path: apiPath('/api/v1/alerts/{alert_id}/answer', { alert_id: alert.id }),
      json: { answer } satisfies Schemas['AnswerCreate'],
      kind: 'alert_answer',
      label: { alert_id: alert.id, title: alert.title, answer },
    });
    return 'queued';
  } catch (e) {
    if (!outboxUnavailable.peek()) throw e;
    await call(() => client.POST('/api/v1/alerts/{alert_id}/answer', { params: { path: { alert_id: alert.id } }, body: { answer } }));
    return 'sent';
  }
}

/**
 * The alert's photo goes through the outbox (a Blob in IndexedDB): on a weak signal it is
 * sent again until it arrives, exactly once (the server keeps its Idempotency-Key).
 */
export const queueAlertPhoto = (alert: { id: number; title: string }, photo: Blob) =>
  enqueue({
    auth: 'session',
    method: 'POST',
    path: apiPath('/api/v1/alerts/{alert_id}/photo', { alert_id: alert.id }),
    multipart: { fields: [], files: [{ name: 'photo', filename: `photo.${photo.type.split('/')[1] || 'jpg'}`, blob: photo }] },
    kind: 'alert_photo',
    label: { alert_id: alert.id, title: alert.title },
  });

/** The CAP 1.2 document of an alert, for emergency systems (opened as a file). */
export const capUrl = (alertId: number) => apiPath('/api/v1/alerts/{alert_id}/cap', { alert_id: alertId });
