import { useState } from 'preact/hooks';
import { ApiError } from '../../../api/errors';
import type { Schemas } from '../../../api/types';
import { fmtTime } from '../../../i18n';
import { teamUnit, t as tc } from '../../../i18n/common';
import { ActionButton, ConfirmButton } from '../../../ui/buttons';
import { usePagedQuery } from '../../../ui/data';
import { ErrorBox, Notice } from '../../../ui/feedback';
import { Page } from '../../../ui/Page';
import { PagedList } from '../../../ui/PagedList';
import { PhoneLink } from '../../../ui/Phone';
import { decideAccount, listPendingAccounts } from '../api';
import { t } from '../i18n';

type User = Schemas['User'];
type Verb = 'approve' | 'reject';

export default function Approvals() {
  const accounts = usePagedQuery(listPendingAccounts, []);
  const [message, setMessage] = useState<string | null>(null);
  const [failure, setFailure] = useState<{ id: number; error: unknown } | null>(null);

  const decide = async (user: User, verb: Verb) => {
    setFailure(null);
    setMessage(null);
    const before = accounts.items;
    accounts.setItems((items) => items.filter((u) => u.id !== user.id)); // at once; put back if it fails
    try {
      await decideAccount(user.id, verb);
      setMessage(t(verb === 'approve' ? 'approvals.approved' : 'approvals.rejected', { name: user.display_name }));
    } catch (error) {
      // not_pending: someone else decided meanwhile, so the row stays gone.
      if (!(error instanceof ApiError && error.error === 'not_pending')) accounts.setItems(() => before);
      setFailure({ id: user.id, error });
    }
  };

  return (
    <Page title={t('approvals.title')} back="/" testid="approvals-page">
      <div aria-live="polite">{message && <Notice testid="approval-notice">{message}</Notice>}</div>
      {failure && !accounts.items.some((u) => u.id === failure.id) && <ErrorBox error={failure.error} />}
      <PagedList
        list={accounts}
        testid="approvals-list"
        empty={t('approvals.none')}
        emptyTestid="approvals-empty"
        row={(user) => (
          <li key={user.id} class="list-item list-item-col" data-testid={`pending-${user.id}`}>
            <p class="item-title">{user.display_name}</p>
            <p>
              <PhoneLink phone={user.phone} />
            </p>
            <p class="muted">
              {user.teams.length ? user.teams.map((team) => teamUnit(team, team.unit)).join(tc('fmt.listSep')) : t('approvals.noTeam')}
            </p>
            <p class="muted small">{t('approvals.registered', { time: fmtTime(user.created_at) })}</p>
            <div class="btn-row">
              <ActionButton class="btn btn-primary" onClick={() => decide(user, 'approve')} testid={`approve-${user.id}`}>
                {t('approvals.approve')}
              </ActionButton>
              <ConfirmButton
                label={t('approvals.reject')}
                confirmLabel={t('approvals.confirmReject')}
                onConfirm={() => decide(user, 'reject')}
                testid={`reject-${user.id}`}
              />
            </div>
            {failure?.id === user.id && <ErrorBox error={failure.error} />}
          </li>
        )}
      />
    </Page>
  );
}
