import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { Schemas } from '../../../api/types';
import { parseGeometry, type Position } from '../../../map/geometry';
import { MapView, type MapArea } from '../../../map/MapView';
import { Badge } from '../../../ui/feedback';
import { getArea } from '../api';
import { t } from '../i18n';
import { FillMeter, ShiftBadges, distanceText, forWhom, whenOf } from './bits';

type RowShift = Schemas['ShiftSummary'] & { distance_m?: number | null };

// Areas change rarely and many shifts share one: each is fetched once per visit to the app.
const areas = new Map<number, Promise<MapArea | null>>();

/** A patrol area's outline for a map, or null when it can't be seen (out of scope, offline). */
export function loadArea(areaId: number): Promise<MapArea | null> {
  let pending = areas.get(areaId);
  if (!pending) {
    pending = getArea(areaId).then(
      (area) => {
        const geometry = parseGeometry(area.geometry).geometry;
        return geometry ? { id: area.id, name: area.name, geometry } : null;
      },
      () => {
        areas.delete(areaId); // try again next time (the signal may come back)
        return null;
      },
    );
    areas.set(areaId, pending);
  }
  return pending;
}

export function useAreas(ids: number[]): MapArea[] {
  const [loaded, setLoaded] = useState<MapArea[]>([]);
  const key = [...new Set(ids)].sort().join(',');
  useEffect(() => {
    let live = true;
    Promise.all(key ? key.split(',').map((id) => loadArea(Number(id))) : []).then((list) => {
      if (live) setLoaded(list.filter((a): a is MapArea => a !== null));
    });
    return () => {
      live = false;
    };
  }, [key]);
  return loaded;
}

/** The shift's area on a small still map (made once scrolled into view), with this phone if known. */
export function AreaThumb({ areaId, me, testid }: { areaId: number; me?: Position; testid?: string }) {
  const area = useAreas([areaId]);
  if (!area.length) return null;
  return <MapView areas={area} points={me ? [{ position: me, label: '', kind: 'me' }] : []} small lazy testid={testid} />;
}

/** One shift in a list: when, where, for whom, the fill; tap for the shift's page. */
export function ShiftRow(props: {
  shift: RowShift;
  next?: boolean;
  mine?: string | null;
  map?: boolean;
  me?: Position;
  testid?: string;
  children?: ComponentChildren;
}) {
  const { shift } = props;
  const cancelled = shift.status === 'cancelled';
  return (
    <li
      class={'list-item list-item-col shift-row' + (props.next ? ' is-next' : '') + (cancelled ? ' is-cancelled' : '')}
      data-testid={props.testid ?? `shift-${shift.id}`}
    >
      {props.next && <span class="label-next">{t('shift.next')}</span>}
      <a href={`/shifts/${shift.id}`} class="shift-row">
        <p class="shift-when">{whenOf(shift)}</p>
        <p>
          {shift.area.name}
          {typeof shift.distance_m === 'number' && <span class="muted"> · {distanceText(shift.distance_m)}</span>}
        </p>
        <p class="muted small">{forWhom(shift)}</p>
      </a>
      <div class="row-between">
        <FillMeter shift={shift} />
        <span class="badges">
          {props.mine && <Badge kind="info">{props.mine}</Badge>}
          <ShiftBadges shift={shift} />
        </span>
      </div>
      {props.map && <AreaThumb areaId={shift.area.id} me={props.me} testid={`shift-map-${shift.id}`} />}
      {props.children}
    </li>
  );
}
