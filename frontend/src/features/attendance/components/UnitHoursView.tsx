import '../attendance.css';
import { useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { ActionButton } from '../../../ui/buttons';
import { usePagedQuery, useQuery } from '../../../ui/data';
import { Badge, ErrorBox, Info } from '../../../ui/feedback';
import { Page } from '../../../ui/Page';
import { PagedList } from '../../../ui/PagedList';
import { PhoneLink } from '../../../ui/Phone';
import { unitsInScope } from '../../shifts/api';
import { pickUnit, UnitPicker } from '../../shifts/components/UnitPicker';
import { t as ts } from '../../shifts/i18n';
import { exportHours, unitHours, type ExportFormat } from '../api';
import { CreditedTime } from './labels';
import { MonthNav, monthFrom } from './MonthNav';
import { t } from '../i18n';

function ExportButtons({ unitId, month }: { unitId: number; month: string }) {
  const [busy, setBusy] = useState<ExportFormat | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [queued, setQueued] = useState(false);
  const run = async (format: ExportFormat) => {
    setBusy(format);
    setError(null);
    setQueued(false);
    try {
      setQueued((await exportHours({ format, month, unit_id: unitId })) === 'queued');
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  };
  return (
    <div data-testid="hours-export">
      <div class="btn-row">
        {/* File formats are names, the same in every language. */}
        <ActionButton busy={busy === 'csv'} onClick={() => run('csv')} testid="export-csv">
          {t('hours.export')} <span translate={false}>CSV</span>
        </ActionButton>
        <ActionButton busy={busy === 'xlsx'} onClick={() => run('xlsx')} testid="export-xlsx">
          {t('hours.export')} <span translate={false}>Excel</span>
        </ActionButton>
      </div>
      <p class="hint">{t('hours.exportHint')}</p>
      {queued && <Info>{t('hours.exportQueued')}</Info>}
      <ErrorBox error={error} />
    </div>
  );
}

/** The hours of each member of a unit (and below) for a month, with flags to check, and the exports. */
export function UnitHoursView() {
  const { query, route } = useLocation();
  const units = useQuery(unitsInScope, []);
  const unit = units.data ? pickUnit(units.data, query.unit) : undefined;
  const month = monthFrom(query.month);
  const go = (next: { unit?: number; month?: string }) => route(`/hours?members=1&unit=${next.unit ?? unit?.id ?? ''}&month=${next.month ?? month}`, true);
  const list = usePagedQuery(unit ? (page) => unitHours(unit.id, month, page) : null, [unit?.id, month]);
  return (
    <Page title={t('hours.membersTitle')} back="/" testid="unit-hours-page">
      {units.data && <UnitPicker units={units.data} value={unit?.id} onChange={(id) => go({ unit: id })} label={ts('board.unit')} />}
      <MonthNav month={month} onChange={(m) => go({ month: m })} />
      {unit && <ExportButtons unitId={unit.id} month={month} />}
      <PagedList
        list={list}
        testid="unit-hours"
        empty={t('hours.membersEmpty')}
        row={(row) => (
          <li key={row.user.id} class="list-item list-item-col" data-testid={`member-hours-${row.user.id}`}>
            <div class="row-between">
              <p class="item-title">{row.user.display_name}</p>
              <p class="hours-total nowrap">{CreditedTime(row.minutes)}</p>
            </div>
            {row.phone && (
              <p>
                <PhoneLink phone={row.phone} />
              </p>
            )}
            <p class="hours-figures">
              <span>{t('hours.shifts', { n: row.shifts })}</span>
              {row.late > 0 && <Badge kind="warn">{t('hours.late', { n: row.late })}</Badge>}
              {row.no_shows > 0 && <Badge kind="bad">{t('hours.noShows', { n: row.no_shows })}</Badge>}
              {row.flagged > 0 && <Badge kind="muted">{t('hours.flagged', { n: row.flagged })}</Badge>}
            </p>
          </li>
        )}
      />
    </Page>
  );
}
