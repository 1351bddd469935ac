import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError, fmtPhone, listAll, qs, type Invite, type Member, type Team, type User } from '../api';
import { fmtDate, fmtTime, t, useLocale, type MsgKey } from '../i18n';
import { Link } from '../router';
import { hasRole, isCoordinator, sessionStore } from '../session';
import { useStore } from '../store';
import {
  ActionButton,
  Badge,
  ConfirmButton,
  CopyLink,
  ErrorBox,
  Field,
  Loading,
  LoadMore,
  Notice,
  Page,
  SelectField,
  SubmitButton,
  Toggle,
  useAsync,
  useForm,
  usePaged,
} from '../ui';

const kindLabel = (k: string) => t(`kind.${k}` as MsgKey);
const statusLabel = (s: string) => t(`status.${s}` as MsgKey);

// ---- invites -------------------------------------------------------------------
type InviteState = 'usable' | 'expired' | 'usedUp' | 'revoked';
function inviteState(inv: Invite): InviteState {
  if (inv.revoked_at) return 'revoked';
  if (inv.use_count >= inv.max_uses) return 'usedUp';
  if (!inv.is_usable || new Date(inv.expires_at).getTime() <= Date.now()) return 'expired';
  return 'usable';
}

function InviteLinkBlock({ inv, suffix = '' }: { inv: Invite; suffix?: string }) {
  return (
    <div class="invite-result" data-testid={'invite-result' + suffix}>
      <CopyLink
        url={inv.url}
        testid={'invite-link' + suffix}
        shareTitle={t('invites.shareTitle')}
        shareText={t('invites.shareText', { team: inv.team.name })}
      />
      <figure class="qr">
        <img
          src={inv.qr_svg_url}
          width={240}
          height={240}
          alt={t('invites.qrAlt')}
          loading="lazy"
          data-testid={'invite-qr' + suffix}
        />
        <figcaption class="muted">{t('invites.scan')}</figcaption>
      </figure>
    </div>
  );
}

const HOURS = ['24', '72', '168', '720'];

export function Invites() {
  useLocale();
  const teams = useAsync(() => listAll<Team>('/teams?sort=name'), []);
  const [teamId, setTeamId] = useState('');
  const [hours, setHours] = useState('72');
  const [maxUses, setMaxUses] = useState('20');
  const [auto, setAuto] = useState(false);
  const { busy, errors, send } = useForm(['expires_in_hours', 'max_uses', 'auto_approve']);
  const [created, setCreated] = useState<Invite | null>(null);
  const [filter, setFilter] = useState('');
  const list = usePaged<Invite>('/invites' + qs({ team_id: filter, sort: '-created_at' }));
  const [rowError, setRowError] = useState<{ id: number; error: unknown } | null>(null);
  const createdRef = useRef<HTMLElement>(null);
  useEffect(() => {
    if (created) createdRef.current?.scrollIntoView({ block: 'start', behavior: 'smooth' });
  }, [created]);

  const teamOptions = (teams.data ?? [])
    .filter((tm) => tm.is_active !== false)
    .map((tm) => ({ value: String(tm.id), label: t('fmt.teamUnit', { team: tm.name, unit: tm.unit.name }) }));
  const selectedTeam = teamId || (teamOptions.length === 1 ? teamOptions[0].value : '');

  const submit = (e: Event) => {
    e.preventDefault();
    const fields: Record<string, string> = {};
    if (!selectedTeam) fields.team = t('fe.required');
    const n = Number(maxUses);
    if (!Number.isInteger(n) || n < 1 || n > 500) fields.max_uses = t('fe.range', { min: 1, max: 500 });
    send(fields, async () => {
      const inv = await api.post<Invite>(`/teams/${selectedTeam}/invites`, {
        expires_in_hours: Number(hours),
        max_uses: n,
        auto_approve: auto,
      });
      setCreated(inv);
      list.reload();
    });
  };

  const revoke = async (inv: Invite) => {
    setRowError(null);
    try {
      const fresh = await api.post<Invite>(`/invites/${inv.id}/revoke`);
      list.setItems((items) => items.map((x) => (x.id === inv.id ? fresh : x)));
      if (created?.id === inv.id) setCreated(null);
    } catch (error) {
      setRowError({ id: inv.id, error });
    }
  };

  return (
    <Page title={t('invites.title')} back="/" testid="invites-page">
      {teams.loading && !teams.data ? (
        <Loading />
      ) : teams.error && !teams.data ? (
        <ErrorBox error={teams.error} onRetry={teams.reload} />
      ) : teamOptions.length === 0 ? (
        <p class="muted">{t('invites.noTeams')}</p>
      ) : (
        <form class="card form" onSubmit={submit} noValidate aria-labelledby="new-inv">
          <h2 id="new-inv">{t('invites.new')}</h2>
          <ErrorBox error={errors.general} />
          <SelectField
            label={t('invites.team')}
            value={selectedTeam}
            onValue={setTeamId}
            placeholder={t('invites.pickTeam')}
            options={teamOptions}
            error={errors.fields.team}
            testid="invite-team"
          />
          <SelectField
            label={t('invites.expiry')}
            value={hours}
            onValue={setHours}
            options={HOURS.map((h) => ({ value: h, label: t(`invites.h${h}` as MsgKey) }))}
            error={errors.fields.expires_in_hours}
            testid="invite-expiry"
          />
          <Field
            label={t('invites.maxUses')}
            type="number"
            inputMode="numeric"
            min={1}
            max={500}
            value={maxUses}
            onValue={setMaxUses}
            error={errors.fields.max_uses}
            testid="invite-max-uses"
          />
          <Toggle label={t('invites.autoApprove')} checked={auto} onChange={setAuto} testid="invite-auto" />
          <SubmitButton label={t('invites.create')} busyLabel={t('invites.creating')} busy={busy} testid="invite-create" />
        </form>
      )}

      {created && (
        <section class="card" aria-labelledby="inv-done" ref={createdRef} tabIndex={-1}>
          <h2 id="inv-done">{t('invites.created')}</h2>
          <p class="item-title">{t('fmt.teamUnit', { team: created.team.name, unit: created.unit.name })}</p>
          <p class="muted">{t('invites.expiresAt', { time: fmtTime(created.expires_at) })}</p>
          <InviteLinkBlock inv={created} />
        </section>
      )}

      <h2>{t('invites.existing')}</h2>
      {teamOptions.length > 1 && (
        <SelectField
          label={t('invites.filter')}
          value={filter}
          onValue={setFilter}
          placeholder={t('invites.allTeams')}
          options={teamOptions}
          testid="invite-filter"
        />
      )}
      <ErrorBox error={list.error} onRetry={list.reload} />
      {list.items.length === 0 && !list.loading && !list.error && <p class="muted">{t('common.empty')}</p>}
      <ul class="list" data-testid="invite-list">
        {list.items.map((inv) => {
          const st = inviteState(inv);
          return (
            <li key={inv.id} class="list-item list-item-col" data-testid={`invite-${inv.id}`}>
              <div class="row-between">
                <p class="item-title">{inv.team.name}</p>
                <Badge kind={st === 'usable' ? 'ok' : 'muted'}>{t(`invites.state.${st}` as MsgKey)}</Badge>
              </div>
              <p class="muted">
                {t('invites.uses', { used: inv.use_count, max: inv.max_uses })}
                {inv.auto_approve && (
                  <>
                    {' · '}
                    {t('invites.auto')}
                  </>
                )}
              </p>
              <p class="muted">{t('invites.expiresAt', { time: fmtTime(inv.expires_at) })}</p>
              {st === 'usable' && (
                <>
                  <details class="inv-details">
                    <summary>{t('invites.link')}</summary>
                    <InviteLinkBlock inv={inv} suffix={`-${inv.id}`} />
                  </details>
                  <div class="btn-row">
                    <ConfirmButton
                      label={t('invites.revoke')}
                      confirmLabel={t('invites.revokeConfirm')}
                      onConfirm={() => revoke(inv)}
                      testid={`revoke-${inv.id}`}
                    />
                  </div>
                </>
              )}
              {rowError?.id === inv.id && <ErrorBox error={rowError.error} />}
            </li>
          );
        })}
      </ul>
      {list.loading && <Loading />}
      <LoadMore list={list} />
    </Page>
  );
}

// ---- approvals -----------------------------------------------------------------
export function Approvals() {
  useLocale();
  const list = usePaged<User>('/users?status=pending&sort=-created_at', 50);
  const [message, setMessage] = useState<string | null>(null);
  const [rowError, setRowError] = useState<{ user: User; error: unknown } | null>(null);

  const act = async (user: User, verb: 'approve' | 'reject') => {
    setRowError(null);
    setMessage(null);
    const index = list.items.findIndex((u) => u.id === user.id);
    list.setItems((items) => items.filter((u) => u.id !== user.id)); // optimistic
    try {
      await api.post(`/users/${user.id}/${verb}`);
      setMessage(t(verb === 'approve' ? 'approvals.approved' : 'approvals.rejected', { name: user.display_name }));
    } catch (error) {
      const handled = error instanceof ApiError && error.error === 'not_pending';
      if (!handled)
        list.setItems((items) => {
          const copy = [...items];
          copy.splice(Math.min(index, copy.length), 0, user);
          return copy;
        });
      setRowError({ user, error });
    }
  };

  return (
    <Page title={t('approvals.title')} back="/" testid="approvals-page">
      <div aria-live="polite">{message && <Notice testid="approval-notice">{message}</Notice>}</div>
      {rowError && !list.items.some((u) => u.id === rowError.user.id) && <ErrorBox error={rowError.error} />}
      <ErrorBox error={list.error} onRetry={list.reload} />
      {list.loading && list.items.length === 0 && <Loading />}
      {!list.loading && !list.error && list.items.length === 0 && (
        <p class="empty" data-testid="approvals-empty">
          {t('approvals.none')}
        </p>
      )}
      <ul class="list" data-testid="approvals-list">
        {list.items.map((u) => (
          <li key={u.id} class="list-item list-item-col" data-testid={`pending-${u.id}`}>
            <p class="item-title">{u.display_name}</p>
            <p>
              <a href={`tel:${u.phone}`}>{fmtPhone(u.phone)}</a>
            </p>
            <p class="muted">
              {u.teams.length
                ? u.teams.map((tm) => t('fmt.teamUnit', { team: tm.name, unit: tm.unit.name })).join(t('fmt.listSep'))
                : t('approvals.noTeam')}
            </p>
            <p class="muted small">{t('approvals.registered', { time: fmtTime(u.created_at) })}</p>
            <div class="btn-row">
              <ActionButton class="btn btn-primary" onClick={() => act(u, 'approve')} testid={`approve-${u.id}`}>
                {t('approvals.approve')}
              </ActionButton>
              <ConfirmButton
                label={t('approvals.reject')}
                confirmLabel={t('approvals.confirmReject')}
                onConfirm={() => act(u, 'reject')}
                testid={`reject-${u.id}`}
              />
            </div>
            {rowError?.user.id === u.id && <ErrorBox error={rowError.error} />}
          </li>
        ))}
      </ul>
      <LoadMore list={list} />
    </Page>
  );
}

// ---- teams and rosters ---------------------------------------------------------
export function TeamList() {
  useLocale();
  const { me } = useStore(sessionStore);
  const staff = hasRole(me, 'coordinator', 'officer', 'admin');
  const list = usePaged<Team>(staff ? '/teams?sort=name' : null, 50);
  const items: { id: number; name: string; unit: { name: string; kind: string }; member_count?: number }[] = staff
    ? list.items
    : (me?.teams ?? []).filter((tm) => tm.is_leader);
  return (
    <Page title={t('teams.title')} back="/" testid="teams-page">
      <ErrorBox error={list.error} onRetry={list.reload} />
      {staff && list.loading && list.items.length === 0 && <Loading />}
      {items.length === 0 && !list.loading && <p class="muted">{t('common.empty')}</p>}
      <ul class="list">
        {items.map((tm) => (
          <li key={tm.id}>
            <Link href={`/teams/${tm.id}`} class="list-item list-link" data-testid={`team-${tm.id}`}>
              <div class="grow">
                <p class="item-title">{tm.name}</p>
                <p class="muted">
                  {tm.unit.name} · {kindLabel(tm.unit.kind)}
                  {tm.member_count !== undefined && <> · {t('teams.members', { n: tm.member_count })}</>}
                </p>
              </div>
              <span aria-hidden="true" class="chev">
                ›
              </span>
            </Link>
          </li>
        ))}
      </ul>
      <LoadMore list={list} />
    </Page>
  );
}

export function Roster({ id }: { id: string }) {
  useLocale();
  const { me } = useStore(sessionStore);
  const manage = isCoordinator(me);
  const team = useAsync(
    () =>
      api.get<Team>(`/teams/${id}`).catch(() => {
        const mine = me?.teams.find((tm) => String(tm.id) === id);
        return mine ? ({ ...mine, is_active: true, member_count: 0 } as Team) : null;
      }),
    [id],
  );
  const members = useAsync(() => listAll<Member>(`/teams/${id}/members`), [id]);
  const [rowMsg, setRowMsg] = useState<{ id: number; error?: unknown; text?: string } | null>(null);
  const [resets, setResets] = useState<Record<number, { url: string; expires_at: string }>>({});
  const [busy, setBusy] = useState<number | null>(null);

  const update = (uid: number, fn: (m: Member) => Member) =>
    members.setData((members.data ?? []).map((m) => (m.user.id === uid ? fn(m) : m)));

  const run = async (uid: number, action: () => Promise<void>) => {
    setBusy(uid);
    setRowMsg(null);
    try {
      await action();
    } catch (error) {
      setRowMsg({ id: uid, error });
    } finally {
      setBusy(null);
    }
  };

  const toggleLeader = (m: Member) =>
    run(m.user.id, async () => {
      const row = await api.patch<Member>(`/teams/${id}/members/${m.user.id}`, { is_leader: !m.is_leader });
      update(m.user.id, (old) => ({ ...old, ...row, user: { ...old.user, ...row.user } }));
      setRowMsg({
        id: m.user.id,
        text: t(row.is_leader ? 'roster.leaderOn' : 'roster.leaderOff', { name: m.user.display_name }),
      });
    });

  const issueReset = (m: Member) =>
    run(m.user.id, async () => {
      const r = await api.post<{ url: string; expires_at: string }>(`/users/${m.user.id}/password-reset`);
      setResets((old) => ({ ...old, [m.user.id]: r }));
    });

  const setActive = (m: Member, active: boolean) =>
    run(m.user.id, async () => {
      const u = await api.post<User>(`/users/${m.user.id}/${active ? 'reactivate' : 'deactivate'}`);
      update(m.user.id, (old) => ({ ...old, user: { ...old.user, status: u.status } }));
    });

  const title = team.data ? team.data.name : t('roster.title');
  return (
    <Page title={title} back={manage || hasRole(me, 'officer') ? '/teams' : '/'} testid="roster-page">
      {team.data && (
        <p class="muted">
          {team.data.unit.name} · {kindLabel(team.data.unit.kind)}
        </p>
      )}
      <ErrorBox error={members.error} onRetry={members.reload} />
      {members.loading && !members.data && <Loading />}
      {members.data && members.data.length === 0 && <p class="muted">{t('roster.empty')}</p>}
      <ul class="list" data-testid="roster-list">
        {(members.data ?? []).map((m) => (
          <li key={m.user.id} class="list-item list-item-col" data-testid={`member-${m.user.id}`}>
            <div class="row-between">
              <p class="item-title">
                {m.user.display_name} {m.is_leader && <Badge kind="ok">{t('roster.leader')}</Badge>}
              </p>
              {m.user.status !== 'active' && (
                <Badge kind={m.user.status === 'pending' ? 'warn' : 'muted'}>{statusLabel(m.user.status)}</Badge>
              )}
            </div>
            <p>
              <a href={`tel:${m.user.phone}`}>{fmtPhone(m.user.phone)}</a>
            </p>
            <p class="muted small">{t('roster.joined', { date: fmtDate(m.joined_at) })}</p>
            {manage && (
              <div class="btn-row">
                <ActionButton
                  class="btn btn-secondary"
                  busy={busy === m.user.id}
                  onClick={() => toggleLeader(m)}
                  aria-pressed={m.is_leader}
                  testid={`leader-${m.user.id}`}
                >
                  {m.is_leader ? t('roster.removeLeader') : t('roster.makeLeader')}
                </ActionButton>
                {m.user.status === 'active' && (
                  <ActionButton class="btn btn-secondary" onClick={() => issueReset(m)} testid={`reset-${m.user.id}`}>
                    {t('roster.reset')}
                  </ActionButton>
                )}
                {m.user.status === 'deactivated' ? (
                  <ActionButton class="btn btn-secondary" onClick={() => setActive(m, true)} testid={`reactivate-${m.user.id}`}>
                    {t('roster.reactivate')}
                  </ActionButton>
                ) : m.user.status === 'active' ? (
                  <ConfirmButton
                    label={t('roster.deactivate')}
                    confirmLabel={t('roster.confirmDeactivate')}
                    onConfirm={() => setActive(m, false)}
                    testid={`deactivate-${m.user.id}`}
                  />
                ) : null}
              </div>
            )}
            {resets[m.user.id] && (
              <div class="reset-box">
                <p>{t('roster.resetLink', { time: fmtTime(resets[m.user.id].expires_at) })}</p>
                <CopyLink url={resets[m.user.id].url} testid={`reset-link-${m.user.id}`} />
              </div>
            )}
            {rowMsg?.id === m.user.id && rowMsg.error !== undefined && <ErrorBox error={rowMsg.error} />}
            {rowMsg?.id === m.user.id && rowMsg.text && <Notice>{rowMsg.text}</Notice>}
          </li>
        ))}
      </ul>
    </Page>
  );
}
