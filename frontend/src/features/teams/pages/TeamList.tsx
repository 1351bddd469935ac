import { KIND_LABEL, t as tc } from '../../../i18n/common';
import { usePagedQuery } from '../../../ui/data';
import { Page } from '../../../ui/Page';
import { PagedList } from '../../../ui/PagedList';
import { capabilities, me } from '../../session/state';
import { listTeams } from '../api';
import { t } from '../i18n';

interface TeamRow {
  id: number;
  name: string;
  unit: { name: string; kind: keyof typeof KIND_LABEL };
  member_count?: number;
}

function TeamLink({ team }: { team: TeamRow }) {
  return (
    <li>
      <a href={`/teams/${team.id}`} class="list-item list-link" data-testid={`team-${team.id}`}>
        <div class="grow">
          <p class="item-title">{team.name}</p>
          <p class="muted">
            {team.unit.name} · {tc(KIND_LABEL[team.unit.kind])}
            {team.member_count !== undefined && <> · {t('teams.members', { n: team.member_count })}</>}
          </p>
        </div>
        <span aria-hidden="true" class="chev">
          ›
        </span>
      </a>
    </li>
  );
}

export default function TeamList() {
  // Staff list every team in their scope; a leader (who may see only their own rosters) their teams.
  const inScope = capabilities.value.list_accounts;
  const list = usePagedQuery((page) => (inScope ? listTeams({ sort: 'name', page, page_size: 50 }) : Promise.resolve({ items: [], pagination: null })), [inScope]);
  const led = (me.value?.teams ?? []).filter((team) => team.is_leader);
  return (
    <Page title={t('teams.title')} back="/" testid="teams-page">
      {inScope ? (
        <PagedList list={list} empty={tc('common.empty')} row={(team) => <TeamLink key={team.id} team={team} />} />
      ) : led.length ? (
        <ul class="list">
          {led.map((team) => (
            <TeamLink key={team.id} team={team} />
          ))}
        </ul>
      ) : (
        <p class="empty">{tc('common.empty')}</p>
      )}
    </Page>
  );
}
