import '../attendance.css';
import { useEffect, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { locale } from '../../../i18n';
import { MapView, type MapPoint } from '../../../map/MapView';
import { usePagedQuery, useQuery } from '../../../ui/data';
import { Page } from '../../../ui/Page';
import { PagedList } from '../../../ui/PagedList';
import { PhoneLink } from '../../../ui/Phone';
import { unitsInScope } from '../../shifts/api';
import { useAreas } from '../../shifts/components/ShiftRow';
import { pickUnit, UnitPicker } from '../../shifts/components/UnitPicker';
import { t as ts } from '../../shifts/i18n';
import { clock, momentText, shiftWhen } from '../../shifts/when';
import { onDuty } from '../api';
import { PositionBadge } from '../components/labels';
import { t } from '../i18n';

const REFRESH_MS = 60000;

/** Who is checked in right now in a unit and below: a list, and where they checked in on the map. */
export default function OnDuty() {
  const { query, route } = useLocation();
  const units = useQuery(unitsInScope, []);
  const unit = units.data ? pickUnit(units.data, query.unit) : undefined;
  const list = usePagedQuery(unit ? (page) => onDuty(unit.id, page) : null, [unit?.id]);
  const [updated, setUpdated] = useState(() => new Date());
  const reload = list.reload;
  useEffect(() => {
    const timer = setInterval(() => {
      reload();
      setUpdated(new Date());
    }, REFRESH_MS);
    return () => clearInterval(timer);
  }, [unit?.id]); // eslint-disable-line react-hooks/exhaustive-deps -- reload changes each render
  const areas = useAreas(list.items.map((row) => row.area.id));
  const points: MapPoint[] = list.items.flatMap((row) =>
    row.lon !== null && row.lat !== null ? [{ position: [row.lon, row.lat] as [number, number], label: row.user.display_name, kind: 'person' as const }] : [],
  );
  const withoutPosition = list.items.length - points.length;
  return (
    <Page title={t('onduty.title')} back="/" testid="on-duty-page">
      {units.data && <UnitPicker units={units.data} value={unit?.id} onChange={(id) => route(`/on-duty?unit=${id}`, true)} label={ts('board.unit')} />}
      <div class="row-between">
        <p class="item-title" data-testid="on-duty-count">
          {!list.loading && t('onduty.count', { n: list.total ?? list.items.length })}
        </p>
        <button
          type="button"
          class="btn btn-secondary btn-small"
          onClick={() => {
            reload();
            setUpdated(new Date());
          }}
          data-testid="on-duty-refresh"
        >
          {t('onduty.refresh')}
        </button>
      </div>
      <p class="muted small">{t('onduty.updated', { time: clock(updated) })}</p>
      {list.items.length > 0 && (
        <section aria-label={t('onduty.map')}>
          <MapView areas={areas} points={points} labelled tall testid="on-duty-map" />
          {withoutPosition > 0 && <p class="muted small">{t('onduty.noPosition', { n: withoutPosition })}</p>}
        </section>
      )}
      <PagedList
        list={list}
        testid="on-duty-list"
        empty={t('onduty.empty')}
        emptyTestid="on-duty-empty"
        row={(row) => (
          <li key={`${row.shift.id}-${row.user.id}`} class="list-item list-item-col" data-testid={`on-duty-${row.user.id}`}>
            <div class="row-between">
              <p class="item-title">{row.user.display_name}</p>
              <span class="badges">
                <PositionBadge position={row.position} distance={null} />
              </span>
            </div>
            {row.phone && (
              <p>
                <PhoneLink phone={row.phone} />
              </p>
            )}
            <p>
              <a href={`/shifts/${row.shift.id}/attendance`}>{row.area.name}</a> · {t('onduty.since', { time: momentText(row.checked_in_at, locale.value) })}
            </p>
            <p class="muted small">{shiftWhen(row.shift.starts_at, row.shift.ends_at, locale.value)}</p>
          </li>
        )}
      />
    </Page>
  );
}
