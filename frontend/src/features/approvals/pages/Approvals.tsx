import { useState } from 'preact/hooks';
import { ApiError } from '../../../api/errors';
import { fmtTime } from '../../../i18n';
import { teamUnit, t as tc } from '../../../i18n/common';
import { ActionButton, ConfirmButton } from '../../../ui/buttons';
import { usePagedQuery, type PagedQuery } from '../../../ui/data';
import { ErrorBox, Notice } from '../../../ui/feedback';
import { NeedsConnection, Page } from '../../../ui/Page';
import { PagedList } from '../../../ui/PagedList';
import { PhoneLink } from '../../../ui/Phone';
import { approveMembershipRequest, decideAccount, listMembershipRequests, listPendingAccounts, rejectMembershipRequest } from '../api';
import { t } from '../i18n';

type Verb = 'approve' | 'reject';

/**
 * Take a row out of its list at once and decide on the server; put it back if that fails,
 * unless someone else decided meanwhile (not_pending).
 */
function useDecide(onDone: (text: string) => void) {
  const [failure, setFailure] = useState<{ key: string; error: unknown } | null>(null);
  const decide = async <T extends { id: number }>(list: PagedQuery<T>, key: string, item: T, name: string, verb: Verb, send: () => Promise<unknown>) => {
    setFailure(null);
    const before = list.items;
    list.setItems((items) => items.filter((x) => x.id !== item.id));
    try {
      await send();
      onDone(t(verb === 'approve' ? 'approvals.approved' : 'approvals.rejected', { name }));
    } catch (error) {
      if (!(error instanceof ApiError && error.error === 'not_pending')) list.setItems(() => before);
      setFailure({ key, error });
    }
  };
  return { failure, decide };
}

function Decision(props: { id: string; onApprove: () => void; onReject: () => void }) {
  return (
    <div class="btn-row">
      <ActionButton class="btn btn-primary" onClick={props.onApprove} testid={`approve-${props.id}`}>
        {t('approvals.approve')}
      </ActionButton>
      <ConfirmButton label={t('approvals.reject')} confirmLabel={t('approvals.confirmReject')} onConfirm={props.onReject} testid={`reject-${props.id}`} />
    </div>
  );
}

/** New accounts waiting for approval, and existing members asking to join another team. */
export default function Approvals() {
  const accounts = usePagedQuery(listPendingAccounts, []);
  const requests = usePagedQuery(listMembershipRequests, []);
  const [message, setMessage] = useState<string | null>(null);
  const { failure, decide } = useDecide(setMessage);
  const failedHere = (key: string) => (failure?.key === key ? <ErrorBox error={failure.error} /> : null);

  if (accounts.needsConnection || requests.needsConnection)
    return (
      <Page title={t('approvals.title')} back="/" testid="approvals-page">
        <NeedsConnection />
      </Page>
    );
  const orphanFailure = failure && !accounts.items.some((u) => `user-${u.id}` === failure.key) && !requests.items.some((r) => `request-${r.id}` === failure.key);
  return (
    <Page title={t('approvals.title')} back="/" testid="approvals-page">
      <div aria-live="polite">
        {message && <Notice testid="approval-notice">{message}</Notice>}
        {orphanFailure && <ErrorBox error={failure.error} />}
      </div>
      {(requests.items.length > 0 || accounts.items.length > 0) && <h2>{t('approvals.accounts')}</h2>}
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
            <p class="muted">{user.teams.length ? user.teams.map((team) => teamUnit(team, team.unit)).join(tc('fmt.listSep')) : t('approvals.noTeam')}</p>
            <p class="muted small">{t('approvals.registered', { time: fmtTime(user.created_at) })}</p>
            <Decision
              id={String(user.id)}
              onApprove={() => decide(accounts, `user-${user.id}`, user, user.display_name, 'approve', () => decideAccount(user.id, 'approve'))}
              onReject={() => decide(accounts, `user-${user.id}`, user, user.display_name, 'reject', () => decideAccount(user.id, 'reject'))}
            />
            {failedHere(`user-${user.id}`)}
          </li>
        )}
      />
      {(requests.items.length > 0 || requests.error !== null) && (
        <>
          <h2>{t('approvals.requests')}</h2>
          <PagedList
            list={requests}
            testid="requests-list"
            empty={t('approvals.noRequests')}
            row={(request) => (
              <li key={request.id} class="list-item list-item-col" data-testid={`request-${request.id}`}>
                <p class="item-title">{request.user.display_name}</p>
                <p>
                  <PhoneLink phone={request.user.phone} />
                </p>
                <p class="muted">{t('approvals.wantsToJoin', { team: teamUnit(request.team, request.unit) })}</p>
                <p class="muted small">{t('approvals.requested', { time: fmtTime(request.requested_at) })}</p>
                <Decision
                  id={`request-${request.id}`}
                  onApprove={() => decide(requests, `request-${request.id}`, request, request.user.display_name, 'approve', () => approveMembershipRequest(request.id))}
                  onReject={() => decide(requests, `request-${request.id}`, request, request.user.display_name, 'reject', () => rejectMembershipRequest(request.id))}
                />
                {failedHere(`request-${request.id}`)}
              </li>
            )}
          />
        </>
      )}
    </Page>
  );
}
