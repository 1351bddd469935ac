import { allPages, call, callPage, client } from '../../api/client';
import type { paths } from '../../api/schema';

type TeamQuery = NonNullable<paths['/api/v1/teams']['get']['parameters']['query']>;

export const listTeams = (query: TeamQuery) => callPage(() => client.GET('/api/v1/teams', { params: { query } }));

/** Every team in scope (for pickers), sorted by name. */
export const allTeams = (query: TeamQuery = {}) => allPages((page) => listTeams({ sort: 'name', ...query, page, page_size: 100 }));

export const getTeam = (teamId: number) => call(() => client.GET('/api/v1/teams/{team_id}', { params: { path: { team_id: teamId } } }));

export const listMembers = (teamId: number, page: number) =>
  callPage(() => client.GET('/api/v1/teams/{team_id}/members', { params: { path: { team_id: teamId }, query: { page, page_size: 100 } } }));

export const allMembers = (teamId: number) => allPages((page) => listMembers(teamId, page));

export const setLeader = (teamId: number, userId: number, isLeader: boolean) =>
  call(() =>
    client.PATCH('/api/v1/teams/{team_id}/members/{user_id}', { params: { path: { team_id: teamId, user_id: userId } }, body: { is_leader: isLeader } }),
  );

export const issuePasswordReset = (userId: number) =>
  call(() => client.POST('/api/v1/users/{user_id}/password-reset', { params: { path: { user_id: userId } } }));

export const setAccountActive = (userId: number, active: boolean) =>
  call(() => client.POST('/api/v1/users/{user_id}/{action}', { params: { path: { user_id: userId, action: active ? 'reactivate' : 'deactivate' } } }));
