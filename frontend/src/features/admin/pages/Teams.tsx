import { useState } from 'preact/hooks';
import type { Schemas } from '../../../api/types';
import { KIND_LABEL, t as tc } from '../../../i18n/common';
import { SubmitButton } from '../../../ui/buttons';
import { usePagedQuery, useQuery } from '../../../ui/data';
import { ErrorBox, Notice } from '../../../ui/feedback';
import { Field } from '../../../ui/fields';
import { problem, useForm } from '../../../ui/form';
import { NeedsConnection, Page } from '../../../ui/Page';
import { PagedList } from '../../../ui/PagedList';
import { listTeams } from '../../teams/api';
import { t as tt } from '../../teams/i18n';
import { allUnits, createTeam, renameTeam, setTeamActive } from '../api';
import { AdminRow, ListControls } from '../components/rows';
import { UnitSelect } from '../components/UnitSelect';
import { t } from '../i18n';

type Team = Schemas['TeamView'];

export default function Teams() {
  const [sort, setSort] = useState<'name' | '-name'>('name');
  const [inactive, setInactive] = useState(false);
  const list = usePagedQuery((page) => listTeams({ sort, include_inactive: inactive, page, page_size: 50 }), [sort, inactive]);
  const units = useQuery(() => allUnits(), []);
  const [notice, setNotice] = useState<string | null>(null);
  const form = useForm({
    initial: { name: '', unit_id: '' },
    validate: (v) => ({ name: v.name.trim() ? undefined : problem('required'), unit_id: v.unit_id ? undefined : problem('required') }),
    submit: async (v) => {
      const team = await createTeam({ name: v.name.trim(), unit_id: Number(v.unit_id) });
      setNotice(t('admin.created', { name: team.name }));
      form.set('name', '');
      list.reload();
    },
  });
  const replace = (fresh: Team) => list.setItems((items) => items.map((team) => (team.id === fresh.id ? fresh : team)));

  if (list.needsConnection || units.needsConnection)
    return (
      <Page title={t('admin.teams.title')} back="/" testid="admin-teams-page">
        <NeedsConnection />
      </Page>
    );
  return (
    <Page title={t('admin.teams.title')} back="/" testid="admin-teams-page">
      <details class="card create-card">
        <summary data-testid="team-new">{t('admin.newTeam')}</summary>
        <form class="form" onSubmit={form.onSubmit} noValidate>
          <ErrorBox error={form.errors.general} />
          <Field label={t('admin.name')} maxLength={80} {...form.text('name')} testid="team-name" />
          <UnitSelect units={units.data ?? []} {...form.text('unit_id')} testid="team-unit" />
          <SubmitButton label={t('admin.create')} busy={form.busy} testid="team-create" />
        </form>
      </details>
      {notice && <Notice>{notice}</Notice>}
      <ListControls sort={sort} onSort={setSort} inactive={inactive} onInactive={setInactive} />
      <PagedList
        list={list}
        testid="team-list"
        empty={tc('common.empty')}
        row={(team) => (
          <li key={team.id} class="list-item list-item-col">
            <AdminRow
              row={team}
              testid={`team-${team.id}`}
              rename={(name) => renameTeam(team.id, name)}
              setActive={(action) => setTeamActive(team.id, action)}
              onSaved={replace}
              links={
                <a href={`/teams/${team.id}`} class="btn btn-secondary">
                  {t('admin.roster')}
                </a>
              }
            >
              <p class="muted">
                {team.unit.name} · {tc(KIND_LABEL[team.unit.kind])} · {tt('teams.members', { n: team.member_count })}
              </p>
            </AdminRow>
          </li>
        )}
      />
    </Page>
  );
}
