import '../teams.css';
import { useState } from 'preact/hooks';
import { isUserStatus, type Schemas } from '../../../api/types';
import { fmtDate, fmtTime } from '../../../i18n';
import { KIND_LABEL, STATUS_LABEL, t as tc } from '../../../i18n/common';
import { ActionButton, ConfirmButton } from '../../../ui/buttons';
import { CopyLink } from '../../../ui/CopyLink';
import { useQuery } from '../../../ui/data';
import { Badge, ErrorBox, Notice } from '../../../ui/feedback';
import { Loading, NeedsConnection, Page } from '../../../ui/Page';
import { PhoneLink } from '../../../ui/Phone';
import { capabilities, me } from '../../session/state';
import { allMembers, getTeam, issuePasswordReset, setAccountActive, setLeader } from '../api';
import { t } from '../i18n';

type Member = Schemas['TeamMember'];

/**
 * A team's members with their phone numbers. Rosters are never kept on the phone: offline,
 * this screen says it needs a connection.
 */
export default function Roster({ id }: { id: string }) {
  const teamId = Number(id);
  const can = capabilities.value;
  const team = useQuery(() => getTeam(teamId), [teamId]);
  const members = useQuery(() => allMembers(teamId), [teamId]);
  const [rowMessage, setRowMessage] = useState<{ id: number; error?: unknown; text?: string } | null>(null);
  const [resets, setResets] = useState<Record<number, Schemas['PasswordResetCreated']>>({});
  const [busy, setBusy] = useState<number | null>(null);

  const replace = (userId: number, update: (member: Member) => Member) =>
    members.setData((members.data ?? []).map((m) => (m.user.id === userId ? update(m) : m)));

  const run = async (userId: number, action: () => Promise<void>) => {
    setBusy(userId);
    setRowMessage(null);
    try {
      await action();
    } catch (error) {
      setRowMessage({ id: userId, error });
    } finally {
      setBusy(null);
    }
  };

  const toggleLeader = (member: Member) =>
    run(member.user.id, async () => {
      const row = await setLeader(teamId, member.user.id, !member.is_leader);
      replace(member.user.id, (old) => ({ ...old, ...row, user: { ...old.user, ...row.user } }));
      setRowMessage({ id: member.user.id, text: t(row.is_leader ? 'roster.leaderOn' : 'roster.leaderOff', { name: member.user.display_name }) });
    });

  const issueReset = (member: Member) =>
    run(member.user.id, async () => {
      const reset = await issuePasswordReset(member.user.id);
      setResets((old) => ({ ...old, [member.user.id]: reset }));
    });

  const setActive = (member: Member, active: boolean) =>
    run(member.user.id, async () => {
      const user = await setAccountActive(member.user.id, active);
      replace(member.user.id, (old) => ({ ...old, user: { ...old.user, status: user.status } }));
    });

  const mine = me.value?.teams.find((x) => x.id === teamId);
  const title = team.data?.name ?? mine?.name ?? t('roster.title');
  const unit = team.data?.unit ?? mine?.unit;
  return (
    <Page title={title} back={can.see_rosters ? '/teams' : '/'} testid="roster-page">
      {unit && (
        <p class="muted">
          {unit.name} · {tc(KIND_LABEL[unit.kind])}
        </p>
      )}
      {members.needsConnection ? (
        <NeedsConnection />
      ) : !members.data ? (
        members.loading ? (
          <Loading />
        ) : (
          <ErrorBox error={members.error} onRetry={members.reload} />
        )
      ) : members.data.length === 0 ? (
        <p class="empty">{t('roster.empty')}</p>
      ) : (
        <ul class="list" data-testid="roster-list">
          {members.data.map((member) => {
            const status = member.user.status;
            return (
              <li key={member.user.id} class="list-item list-item-col" data-testid={`member-${member.user.id}`}>
                <div class="row-between">
                  <p class="item-title">
                    {member.user.display_name} {member.is_leader && <Badge kind="ok">{t('roster.leader')}</Badge>}
                  </p>
                  {status !== 'active' && isUserStatus(status) && (
                    <Badge kind={status === 'pending' ? 'warn' : 'muted'}>{tc(STATUS_LABEL[status])}</Badge>
                  )}
                </div>
                <p>
                  <PhoneLink phone={member.user.phone} />
                </p>
                <p class="muted small">{t('roster.joined', { date: fmtDate(member.joined_at) })}</p>
                <div class="btn-row">
                  {can.approve_members && (
                    <ActionButton busy={busy === member.user.id} onClick={() => toggleLeader(member)} pressed={member.is_leader} testid={`leader-${member.user.id}`}>
                      {member.is_leader ? t('roster.removeLeader') : t('roster.makeLeader')}
                    </ActionButton>
                  )}
                  {can.reset_passwords && status === 'active' && (
                    <ActionButton onClick={() => issueReset(member)} testid={`reset-${member.user.id}`}>
                      {t('roster.reset')}
                    </ActionButton>
                  )}
                  {can.manage_accounts && status === 'deactivated' && (
                    <ActionButton onClick={() => setActive(member, true)} testid={`reactivate-${member.user.id}`}>
                      {t('roster.reactivate')}
                    </ActionButton>
                  )}
                  {can.manage_accounts && status === 'active' && (
                    <ConfirmButton
                      label={t('roster.deactivate')}
                      confirmLabel={t('roster.confirmDeactivate')}
                      onConfirm={() => setActive(member, false)}
                      testid={`deactivate-${member.user.id}`}
                    />
                  )}
                </div>
                {resets[member.user.id] && (
                  <div class="reset-box">
                    <p>{t('roster.resetLink', { time: fmtTime(resets[member.user.id].expires_at) })}</p>
                    <CopyLink url={resets[member.user.id].url} testid={`reset-link-${member.user.id}`} />
                  </div>
                )}
                {rowMessage?.id === member.user.id && rowMessage.error !== undefined && <ErrorBox error={rowMessage.error} />}
                {rowMessage?.id === member.user.id && rowMessage.text && <Notice>{rowMessage.text}</Notice>}
              </li>
            );
          })}
        </ul>
      )}
    </Page>
  );
}
