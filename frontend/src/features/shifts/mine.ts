/**
 * "My shifts", kept on this phone: the user's own data (like their account), so the home
 * screen's check-in and the list of shifts open without signal. Signing out forgets it
 * (every `pingan.user.*` key goes).
 */
import { ApiError } from '../../api/errors';
import { storage } from '../../lib/storage';
import { USER_KEY_PREFIX } from '../session/userData';
import { me } from '../session/state';
import { myShifts, type Shift } from './api';

const KEY = USER_KEY_PREFIX + 'shifts';

export interface MyShifts {
  items: Shift[];
  /** More than the first page exists. */
  more: boolean;
  /** The phone's copy: the server could not be asked. */
  saved: boolean;
}

function savedCopy(): Shift[] | null {
  try {
    const value: unknown = JSON.parse(storage.get(KEY) ?? 'null');
    if (typeof value !== 'object' || value === null || !('user' in value) || !('items' in value)) return null;
    return value.user === me.peek()?.id && Array.isArray(value.items) ? (value.items as Shift[]) : null;
  } catch {
    return null;
  }
}

/** The first page of my shifts from now on; offline, the last copy. */
export async function loadMyShifts(pageSize = 20): Promise<MyShifts> {
  try {
    const page = await myShifts(1, pageSize);
    storage.set(KEY, JSON.stringify({ user: me.peek()?.id, items: page.items }));
    return { items: page.items, more: !!page.pagination?.next_page, saved: false };
  } catch (e) {
    const copy = e instanceof ApiError && e.network ? savedCopy() : null;
    if (!copy) throw e;
    return { items: copy.filter((shift) => Date.parse(shift.ends_at) > Date.now()), more: false, saved: true };
  }
}
