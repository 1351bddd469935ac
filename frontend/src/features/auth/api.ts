import { call, callNoContent, client } from '../../api/client';

export const previewInvite = (token: string) => call(() => client.GET('/api/v1/invites/by-token/{token}', { params: { path: { token } } }));

export const previewPasswordReset = (token: string) => call(() => client.GET('/api/v1/password-resets/{token}', { params: { path: { token } } }));

export const setPasswordWithReset = (token: string, newPassword: string) =>
  callNoContent(() => client.POST('/api/v1/password-resets/{token}', { params: { path: { token } }, body: { new_password: newPassword } }));

/** Join the invite's team with the signed-in account (at once, or once a coordinator approves). */
export const acceptInvite = (token: string) =>
  call(() => client.POST('/api/v1/invites/by-token/{token}/accept', { params: { path: { token } } }));
