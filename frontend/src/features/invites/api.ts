import { call, callPage, client } from '../../api/client';
import type { paths } from '../../api/schema';
import type { Schemas } from '../../api/types';

type InviteQuery = NonNullable<paths['/api/v1/invites']['get']['parameters']['query']>;

export const listInvites = (query: InviteQuery) => callPage(() => client.GET('/api/v1/invites', { params: { query } }));

export const createInvite = (teamId: number, body: Schemas['InviteCreate']) =>
  call(() => client.POST('/api/v1/teams/{team_id}/invites', { params: { path: { team_id: teamId } }, body }));

export const revokeInvite = (inviteId: number) =>
  call(() => client.POST('/api/v1/invites/{invite_id}/revoke', { params: { path: { invite_id: inviteId } } }));

/** The invite's QR code as SVG text, to draw it into a shareable picture. */
export async function fetchQrSvg(url: string): Promise<string> {
  const response = await fetch(url, { credentials: 'same-origin' });
  if (!response.ok) throw new Error(`QR code: HTTP ${response.status}`);
  return response.text();
}
