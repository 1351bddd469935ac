import '../invites.css';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Schemas } from '../../../api/types';
import { fmtTime } from '../../../i18n';
import { teamUnit, t as tc } from '../../../i18n/common';
import { ConfirmButton, SubmitButton } from '../../../ui/buttons';
import { usePagedQuery, useQuery } from '../../../ui/data';
import { Badge, ErrorBox } from '../../../ui/feedback';
import { Field, SelectField, Toggle } from '../../../ui/fields';
import { problem, useForm } from '../../../ui/form';
import { Loading, NeedsConnection, Page } from '../../../ui/Page';
import { PagedList } from '../../../ui/PagedList';
import { allTeams } from '../../teams/api';
import { createInvite, listInvites, revokeInvite } from '../api';
import { InviteLink } from '../components/InviteLink';
import { t } from '../i18n';

type Invite = Schemas['Invite'];
type InviteState = 'usable' | 'expired' | 'usedUp' | 'revoked';

const STATE_LABEL = {
  usable: 'invites.state.usable',
  expired: 'invites.state.expired',
  usedUp: 'invites.state.usedUp',
  revoked: 'invites.state.revoked',
} as const;

function inviteState(invite: Invite): InviteState {
  if (invite.revoked_at) return 'revoked';
  if (invite.use_count >= invite.max_uses) return 'usedUp';
  if (!invite.is_usable || new Date(invite.expires_at).getTime() <= Date.now()) return 'expired';
  return 'usable';
}

const LIFETIMES = [
  { hours: '24', label: 'invites.h24' },
  { hours: '72', label: 'invites.h72' },
  { hours: '168', label: 'invites.h168' },
  { hours: '720', label: 'invites.h720' },
] as const;

export default function Invites() {
  const teams = useQuery(() => allTeams(), []);
  const [filter, setFilter] = useState('');
  const list = usePagedQuery((page) => listInvites({ team_id: filter ? Number(filter) : undefined, sort: '-created_at', page, page_size: 20 }), [filter]);
  const [created, setCreated] = useState<Invite | null>(null);
  const [rowError, setRowError] = useState<{ id: number; error: unknown } | null>(null);
  const createdRef = useRef<HTMLElement>(null);
  useEffect(() => {
    if (created) createdRef.current?.scrollIntoView({ block: 'start', behavior: 'smooth' });
  }, [created]);

  const teamOptions = (teams.data ?? []).filter((team) => team.is_active).map((team) => ({ value: String(team.id), label: teamUnit(team, team.unit) }));
  const onlyTeam = teamOptions.length === 1 ? teamOptions[0].value : '';

  const form = useForm({
    initial: { team: '', expires_in_hours: '72', max_uses: '20', auto_approve: false },
    validate: (v) => ({ team: v.team || onlyTeam ? undefined : problem('required') }),
    submit: async (v) => {
      const invite = await createInvite(Number(v.team || onlyTeam), {
        expires_in_hours: Number(v.expires_in_hours),
        max_uses: Number(v.max_uses),
        auto_approve: v.auto_approve,
      });
      setCreated(invite);
      list.reload();
    },
  });

  const revoke = async (invite: Invite) => {
    setRowError(null);
    try {
      const fresh = await revokeInvite(invite.id);
      list.setItems((items) => items.map((x) => (x.id === invite.id ? fresh : x)));
      if (created?.id === invite.id) setCreated(null);
    } catch (error) {
      setRowError({ id: invite.id, error });
    }
  };

  if (teams.needsConnection)
    return (
      <Page title={t('invites.title')} back="/" testid="invites-page">
        <NeedsConnection />
      </Page>
    );

  return (
    <Page title={t('invites.title')} back="/" testid="invites-page">
      {!teams.data ? (
        teams.loading ? <Loading /> : <ErrorBox error={teams.error} onRetry={teams.reload} />
      ) : teamOptions.length === 0 ? (
        <p class="muted">{t('invites.noTeams')}</p>
      ) : (
        <form class="card form" onSubmit={form.onSubmit} noValidate aria-labelledby="new-inv">
          <h2 id="new-inv">{t('invites.new')}</h2>
          <ErrorBox error={form.errors.general} />
          <SelectField
            label={t('invites.team')}
            value={form.values.team || onlyTeam}
            onValue={(v) => form.set('team', v)}
            placeholder={t('invites.pickTeam')}
            options={teamOptions}
            error={form.errors.fields.team}
            testid="invite-team"
          />
          <SelectField
            label={t('invites.expiry')}
            {...form.text('expires_in_hours')}
            options={LIFETIMES.map((x) => ({ value: x.hours, label: t(x.label) }))}
            testid="invite-expiry"
          />
          <Field label={t('invites.maxUses')} type="number" inputMode="numeric" min={1} max={500} {...form.text('max_uses')} testid="invite-max-uses" />
          <Toggle label={t('invites.autoApprove')} checked={form.values.auto_approve} onChange={(v) => form.set('auto_approve', v)} testid="invite-auto" />
          <SubmitButton label={t('invites.create')} busyLabel={t('invites.creating')} busy={form.busy} testid="invite-create" />
        </form>
      )}

      {created && (
        <section class="card" aria-labelledby="inv-done" ref={createdRef} tabIndex={-1}>
          <h2 id="inv-done">{t('invites.created')}</h2>
          <p class="item-title">{teamUnit(created.team, created.unit)}</p>
          <p class="muted">{t('invites.expiresAt', { time: fmtTime(created.expires_at) })}</p>
          <InviteLink invite={created} />
        </section>
      )}

      <h2>{t('invites.existing')}</h2>
      {teamOptions.length > 1 && (
        <SelectField label={t('invites.filter')} value={filter} onValue={setFilter} placeholder={t('invites.allTeams')} options={teamOptions} testid="invite-filter" />
      )}
      <PagedList
        list={list}
        testid="invite-list"
        empty={tc('common.empty')}
        row={(invite) => {
          const state = inviteState(invite);
          return (
            <li key={invite.id} class="list-item list-item-col" data-testid={`invite-${invite.id}`}>
              <div class="row-between">
                <p class="item-title">{invite.team.name}</p>
                <Badge kind={state === 'usable' ? 'ok' : 'muted'}>{t(STATE_LABEL[state])}</Badge>
              </div>
              <p class="muted">
                {t('invites.uses', { used: invite.use_count, max: invite.max_uses })}
                {invite.auto_approve && <> · {t('invites.auto')}</>}
              </p>
              <p class="muted">{t('invites.expiresAt', { time: fmtTime(invite.expires_at) })}</p>
              {state === 'usable' && (
                <>
                  <details class="inv-details">
                    <summary>{t('invites.link')}</summary>
                    <InviteLink invite={invite} suffix={`-${invite.id}`} />
                  </details>
                  <div class="btn-row">
                    <ConfirmButton
                      label={t('invites.revoke')}
                      confirmLabel={t('invites.revokeConfirm')}
                      onConfirm={() => revoke(invite)}
                      testid={`revoke-${invite.id}`}
                    />
                  </div>
                </>
              )}
              {rowError?.id === invite.id && <ErrorBox error={rowError.error} />}
            </li>
          );
        }}
      />
    </Page>
  );
}
