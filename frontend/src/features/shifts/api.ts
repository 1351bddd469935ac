import { allPages, call, callPage, client } from '../../api/client';
import type { Schemas } from '../../api/types';

export type Shift = Schemas['Shift'];
export type ShiftDetail = Schemas['ShiftDetail'];
export type ShiftSummary = Schemas['ShiftSummary'];
export type OpenShift = Schemas['OpenShift'];
export type Pattern = Schemas['Pattern'];
export type PatternChange = Schemas['PatternChange'];
export type SwapOffer = Schemas['SwapOffer'];
export type Rules = Schemas['Rules'];
export type Signup = Schemas['Signup'];

const shiftPath = (shiftId: number) => ({ params: { path: { shift_id: shiftId } } });

// ---- members
export const myShifts = (page = 1, pageSize = 20) =>
  callPage(() => client.GET('/api/v1/me/shifts', { params: { query: { page, page_size: pageSize } } }));
export const openShifts = (page: number, near?: { lon: number; lat: number }) =>
  callPage(() => client.GET('/api/v1/shifts/open', { params: { query: { page, page_size: 20, ...near } } }));
export const getShift = (shiftId: number) => call(() => client.GET('/api/v1/shifts/{shift_id}', shiftPath(shiftId)));
export const signUp = (shiftId: number) => call(() => client.POST('/api/v1/shifts/{shift_id}/signup', shiftPath(shiftId)));
export const joinWaitlist = (shiftId: number) => call(() => client.POST('/api/v1/shifts/{shift_id}/waitlist', shiftPath(shiftId)));
export const leaveWaitlist = (shiftId: number) => call(() => client.DELETE('/api/v1/shifts/{shift_id}/waitlist', shiftPath(shiftId)));
/** Leave a shift; a coordinator gives `userId` to take someone off (which approves a late drop). */
export const dropShift = (shiftId: number, userId?: number) =>
  call(() => client.POST('/api/v1/shifts/{shift_id}/drop', { ...shiftPath(shiftId), body: userId === undefined ? {} : { user_id: userId } }));
export const offerSwap = (shiftId: number) => call(() => client.POST('/api/v1/shifts/{shift_id}/swap-offers', shiftPath(shiftId)));
export const listSwapOffers = (status: SwapOffer['status'], page = 1) =>
  callPage(() => client.GET('/api/v1/swap-offers', { params: { query: { status, page, page_size: 50 } } }));
export const takeSwap = (offerId: number) =>
  call(() => client.POST('/api/v1/swap-offers/{offer_id}/take', { params: { path: { offer_id: offerId } } }));
export const approveSwap = (offerId: number) =>
  call(() => client.POST('/api/v1/swap-offers/{offer_id}/approve', { params: { path: { offer_id: offerId } } }));
export const newCalendarLink = () => call(() => client.POST('/api/v1/me/calendar-token'));

// ---- coordinators
export type BoardPlace = { unit_id: number } | { team_id: number };
export const weekBoard = (place: BoardPlace, firstDay: string, days = 7) =>
  call(() => client.GET('/api/v1/shifts', { params: { query: { ...place, first_day: firstDay, days } } }));
export const createShift = (body: Schemas['ShiftCreate']) => call(() => client.POST('/api/v1/shifts', { body }));
export const cancelShift = (shiftId: number) => call(() => client.POST('/api/v1/shifts/{shift_id}/cancel', shiftPath(shiftId)));
export const assignMember = (shiftId: number, userId: number, overrideReason?: string) =>
  call(() =>
    client.POST('/api/v1/shifts/{shift_id}/assign', {
      ...shiftPath(shiftId),
      body: overrideReason ? { user_id: userId, override_reason: overrideReason } : { user_id: userId },
    }),
  );
/** Active accounts the coordinator may see, by name or phone; a team's members when `teamId` is given. */
export const searchMembers = (q: string, teamId?: number) =>
  callPage(() =>
    client.GET('/api/v1/users', { params: { query: { q: q || undefined, status: 'active', team_id: teamId, page_size: 20, sort: 'display_name' } } }),
  );

export const listPatterns = (query: { unit_id?: number; include_inactive?: boolean; page?: number }) =>
  callPage(() => client.GET('/api/v1/shift-patterns', { params: { query: { page_size: 50, ...query } } }));
export const getPattern = (patternId: number) =>
  call(() => client.GET('/api/v1/shift-patterns/{pattern_id}', { params: { path: { pattern_id: patternId } } }));
export const createPattern = (body: Schemas['PatternCreate']) => call(() => client.POST('/api/v1/shift-patterns', { body }));
export const updatePattern = (patternId: number, body: Schemas['PatternUpdate']) =>
  call(() => client.PATCH('/api/v1/shift-patterns/{pattern_id}', { params: { path: { pattern_id: patternId } }, body }));

export const getRules = (unitId: number) =>
  call(() => client.GET('/api/v1/units/{unit_id}/scheduling-rules', { params: { path: { unit_id: unitId } } }));
export const setRules = (unitId: number, body: Schemas['Rules']) =>
  call(() => client.PATCH('/api/v1/units/{unit_id}/scheduling-rules', { params: { path: { unit_id: unitId } }, body }));

// ---- places: units, teams and areas in scope (for pickers and maps)
export const unitsInScope = () =>
  allPages((page) => callPage(() => client.GET('/api/v1/units', { params: { query: { sort: 'name', page, page_size: 100 } } })), 20);
export const teamsOf = (unitId?: number) =>
  allPages((page) => callPage(() => client.GET('/api/v1/teams', { params: { query: { sort: 'name', unit_id: unitId, page, page_size: 100 } } })));
export const areasOf = (unitId?: number) =>
  allPages((page) => callPage(() => client.GET('/api/v1/areas', { params: { query: { sort: 'name', unit_id: unitId, page, page_size: 100 } } })));
export const getArea = (areaId: number) => call(() => client.GET('/api/v1/areas/{area_id}', { params: { path: { area_id: areaId } } }));
