import { call, callNoContent, callPage, client } from '../../api/client';

export const listPendingAccounts = (page: number) =>
  callPage(() => client.GET('/api/v1/users', { params: { query: { status: 'pending', sort: '-created_at', page, page_size: 50 } } }));

export const decideAccount = (userId: number, verb: 'approve' | 'reject') =>
  call(() => client.POST('/api/v1/users/{user_id}/{action}', { params: { path: { user_id: userId, action: verb } } }));

export const listMembershipRequests = (page: number) =>
  callPage(() => client.GET('/api/v1/membership-requests', { params: { query: { page, page_size: 50 } } }));

export const approveMembershipRequest = (requestId: number) =>
  call(() => client.POST('/api/v1/membership-requests/{request_id}/approve', { params: { path: { request_id: requestId } } }));

export const rejectMembershipRequest = (requestId: number) =>
  callNoContent(() => client.POST('/api/v1/membership-requests/{request_id}/reject', { params: { path: { request_id: requestId } } }));
