import { callPage, client } from '../../api/client';

/** How many accounts wait for approval: one row asked for, the total read from X-Pagination. */
async function countPendingAccounts(): Promise<number> {
  const { pagination } = await callPage(() => client.GET('/api/v1/users', { params: { query: { status: 'pending', page_size: 1 } } }));
  return pagination?.total ?? 0;
}

/** Everyone waiting for a coordinator: new accounts (and, with the server's team-join requests, those too). */
export async function countWaiting(): Promise<number> {
  return countPendingAccounts();
}
