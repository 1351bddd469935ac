import { call, callNoContent, client } from '../../api/client';
import type { Schemas } from '../../api/types';

export const changePassword = (body: Schemas['PasswordChange']) => callNoContent(() => client.POST('/api/v1/me/password', { body }));

export const listDevices = () => call(() => client.GET('/api/v1/me/sessions'));
export const endDevice = (sessionId: number) =>
  callNoContent(() => client.DELETE('/api/v1/me/sessions/{session_id}', { params: { path: { session_id: sessionId } } }));
export const endOtherDevices = () => callNoContent(() => client.POST('/api/v1/me/sessions/end-others'));
