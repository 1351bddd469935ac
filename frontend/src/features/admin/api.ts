import { allPages, call, callPage, client } from '../../api/client';
import type { paths } from '../../api/schema';
import type { Schemas } from '../../api/types';

type UnitQuery = NonNullable<paths['/api/v1/units']['get']['parameters']['query']>;
type AreaQuery = NonNullable<paths['/api/v1/areas']['get']['parameters']['query']>;
export type Activation = 'activate' | 'deactivate';

// ---- units
export const listUnits = (query: UnitQuery) => callPage(() => client.GET('/api/v1/units', { params: { query } }));
export const allUnits = (includeInactive = false) =>
  allPages((page) => listUnits({ sort: 'name', include_inactive: includeInactive, page, page_size: 100 }), 20);
export const createUnit = (body: Schemas['UnitCreate']) => call(() => client.POST('/api/v1/units', { body }));
export const renameUnit = (unitId: number, name: string) =>
  call(() => client.PATCH('/api/v1/units/{unit_id}', { params: { path: { unit_id: unitId } }, body: { name } }));
export const setUnitActive = (unitId: number, action: Activation) =>
  call(() => client.POST('/api/v1/units/{unit_id}/{action}', { params: { path: { unit_id: unitId, action } } }));

// ---- teams
export const createTeam = (body: Schemas['TeamCreate']) => call(() => client.POST('/api/v1/teams', { body }));
export const renameTeam = (teamId: number, name: string) =>
  call(() => client.PATCH('/api/v1/teams/{team_id}', { params: { path: { team_id: teamId } }, body: { name } }));
export const setTeamActive = (teamId: number, action: Activation) =>
  call(() => client.POST('/api/v1/teams/{team_id}/{action}', { params: { path: { team_id: teamId, action } } }));

// ---- areas
export const listAreas = (query: AreaQuery) => callPage(() => client.GET('/api/v1/areas', { params: { query } }));
export const createArea = (body: Schemas['AreaCreate']) => call(() => client.POST('/api/v1/areas', { body }));
export const updateArea = (areaId: number, body: Schemas['AreaUpdate']) =>
  call(() => client.PATCH('/api/v1/areas/{area_id}', { params: { path: { area_id: areaId } }, body }));
export const setAreaActive = (areaId: number, action: Activation) =>
  call(() => client.POST('/api/v1/areas/{area_id}/{action}', { params: { path: { area_id: areaId, action } } }));
