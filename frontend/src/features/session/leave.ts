/**
 * What signing out of this phone does beyond clearing the user's data, loaded only then: the
 * leaving person's unsent writes are dropped (outbox/page.ts says why) and this browser stops
 * receiving their pushes (the server deletes the session's subscription itself).
 */
import { forgetUser } from '../../outbox/page';
import { disableLocalPush } from '../notifications/push';

export async function leave(userId: number): Promise<void> {
  await Promise.allSettled([forgetUser(userId), disableLocalPush()]);
}
