import { callPage, client } from '../../api/client';

/** One row asked for; the total comes from the X-Pagination header. */
const total = ({ pagination }: { pagination: { total?: number } | null }) => pagination?.total ?? 0;

/** Everyone waiting for a coordinator: new accounts, and members asking to join another team. */
export async function countWaiting(): Promise<number> {
  const [accounts, requests] = await Promise.all([
    callPage(() => client.GET('/api/v1/users', { params: { query: { status: 'pending', page_size: 1 } } })),
    callPage(() => client.GET('/api/v1/membership-requests', { params: { query: { page_size: 1 } } })),
  ]);
  return total(accounts) + total(requests);
}
