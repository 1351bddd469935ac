import { call, callNoContent, client } from '../../api/client';
import type { Schemas } from '../../api/types';

export const getMe = () => call(() => client.GET('/api/v1/me'));
export const updateMe = (body: Schemas['MeUpdate']) => call(() => client.PATCH('/api/v1/me', { body }));
export const signIn = (body: Schemas['Login']) => call(() => client.POST('/api/v1/auth/login', { body }));
export const signOut = () => callNoContent(() => client.POST('/api/v1/auth/logout'));
export const register = (body: Schemas['Register']) => call(() => client.POST('/api/v1/auth/register', { body }));
