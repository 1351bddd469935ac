/**
 * The outbox's database name, on its own so the session code can spare it without loading
 * IndexedDB code: sign-out clears every other database (features/session/userData.ts).
 */
export const OUTBOX_DB = 'pingan-outbox';
