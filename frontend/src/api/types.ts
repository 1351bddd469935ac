/** Names for the generated schema types (schema.d.ts comes from the server's OpenAPI document). */
import type { components } from './schema';

export type Schemas = components['schemas'];
export type Me = Schemas['Me'];
export type UnitRef = Schemas['UnitRef'];
export type UnitKind = UnitRef['kind'];
export type RoleName = Schemas['RoleGrant']['role'];
export type UserStatus = Schemas['User']['status'];
export type Pagination = Schemas['PaginationMetadata'];

const USER_STATUSES: readonly string[] = ['pending', 'active', 'rejected', 'deactivated'] satisfies UserStatus[];

export function isUserStatus(value: string): value is UserStatus {
  return USER_STATUSES.includes(value);
}
