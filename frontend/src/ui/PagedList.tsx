import type { ComponentChildren } from 'preact';
import { t } from '../i18n/common';
import type { PagedQuery } from './data';
import { ErrorBox } from './feedback';
import { Loading, NeedsConnection } from './Page';

/**
 * The one paged list: loading, empty, error (or "needs a connection" when offline with
 * nothing to show), the rows, and "load more".
 */
export function PagedList<T>(props: {
  list: PagedQuery<T>;
  row: (item: T) => ComponentChildren;
  empty: string;
  testid?: string;
  emptyTestid?: string;
}) {
  const { list } = props;
  if (list.needsConnection) return <NeedsConnection />;
  return (
    <>
      {list.error && !list.loading && <ErrorBox error={list.error} onRetry={list.reload} testid="list-error" />}
      <ul class="list" data-testid={props.testid}>
        {list.items.map(props.row)}
      </ul>
      {list.loading && <Loading />}
      {!list.loading && !list.error && list.items.length === 0 && (
        <p class="empty" data-testid={props.emptyTestid ?? 'list-empty'}>
          {props.empty}
        </p>
      )}
      {list.hasMore && (
        <button type="button" class="btn btn-secondary btn-block" disabled={list.loading} onClick={list.loadMore} data-testid="load-more">
          {t('common.loadMore')}
        </button>
      )}
    </>
  );
}
