import { call, callNoContent, callPage, client } from '../../api/client';
import type { Schemas } from '../../api/types';

export type Notification = Schemas['Notification'];
export type NotificationKind = Notification['kind'];
export type PushSubscriptionRow = Schemas['Subscription'];

export const listNotifications = (page: number, unread = false) =>
  callPage(() => client.GET('/api/v1/notifications', { params: { query: { page, page_size: 20, unread } } }));
export const markRead = (notificationId: number) =>
  call(() => client.POST('/api/v1/notifications/{notification_id}/read', { params: { path: { notification_id: notificationId } } }));
export const markAllRead = () => callNoContent(() => client.POST('/api/v1/notifications/read-all'));

/**
 * The bell's number. `etag` is what the last answer said: an unchanged count is a 304 with no
 * body (the common answer), returned as null. Not through `call`: a 304 is not a failure.
 */
export async function unreadCount(etag: string | null): Promise<{ unread: number; etag: string | null } | null> {
  const { data, response } = await client.GET('/api/v1/notifications/unread-count', { headers: etag ? { 'If-None-Match': etag } : {} });
  if (response.status === 304) return null;
  if (!data) throw new Error(String(response.status));
  return { unread: data.unread, etag: response.headers.get('ETag') };
}

export const vapidKey = () => call(() => client.GET('/api/v1/push/vapid-key'));
export const listSubscriptions = () => call(() => client.GET('/api/v1/push/subscriptions'));
export const addSubscription = (body: Schemas['SubscriptionCreate']) => call(() => client.POST('/api/v1/push/subscriptions', { body }));
export const removeSubscription = (subscriptionId: number) =>
  callNoContent(() => client.DELETE('/api/v1/push/subscriptions/{subscription_id}', { params: { path: { subscription_id: subscriptionId } } }));
export const sendTestPush = () => call(() => client.POST('/api/v1/push/test'));
