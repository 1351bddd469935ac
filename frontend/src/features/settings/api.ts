import { callNoContent, client } from '../../api/client';
import type { Schemas } from '../../api/types';

export const changePassword = (body: Schemas['PasswordChange']) => callNoContent(() => client.POST('/api/v1/me/password', { body }));
