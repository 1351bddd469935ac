import '../reports.css';
import { useRef, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { t as tm } from '../../../map/i18n';
import { useMap } from '../../../map/useMap';
import { useQuery } from '../../../ui/data';
import { ErrorBox, Info } from '../../../ui/feedback';
import { Page } from '../../../ui/Page';
import { listCategories, reportsMap, type MapAnswer } from '../api';
import { QueueFilters, useFilters } from '../components/QueueFilters';
import { filtersToApi, filtersToSearch } from '../filters';
import { t } from '../i18n';
import { STATUS_LABEL } from '../labels';

/** Mainland China and around: the first question, to find where the cases are before fitting the map to them. */
const EVERYWHERE = { bbox: '73,18,135,54', zoom: 4 };

const esc = (text: string) => text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The cases on a map with the queue's filters, clustered by the server for the box on screen
 * and its zoom (so thousands stay light). Works on the plain background when there are no tiles.
 */
export default function ReportsMap() {
  const { route } = useLocation();
  const [filters, setFilters] = useFilters('/reports/map');
  const query = filtersToApi(filters);
  const key = JSON.stringify(query);
  const categories = useQuery(() => listCategories(true), []);
  const names = useRef(new Map<number, string>());
  names.current = new Map((categories.data ?? []).map((c) => [c.id, c.name]));
  const [answer, setAnswer] = useState<MapAnswer | null>(null);
  const [error, setError] = useState<unknown>(null);
  const fitted = useRef(false);

  const { element, failed } = useMap(
    ({ map, projection, fit }, { L }) => {
      const layer = L.layerGroup().addTo(map);
      let live = true;
      let asked = 0;
      const draw = (data: MapAnswer) => {
        layer.clearLayers();
        for (const cell of data.clusters) {
          const at = projection.toMap([cell.lon, cell.lat]);
          const size = cell.count < 10 ? 40 : cell.count < 100 ? 48 : 56;
          const label = t('map.cluster', { n: cell.count });
          L.marker(at, {
            icon: L.divIcon({
              className: 'map-cluster' + (cell.overdue ? ' map-cluster-overdue' : ''),
              html: `<span aria-hidden="true">${cell.count}</span>`,
              iconSize: [size, size],
              iconAnchor: [size / 2, size / 2],
            }),
            title: label,
            alt: label,
          })
            .on('click', () => map.setView(at, Math.min(map.getMaxZoom(), map.getZoom() + 2)))
            .addTo(layer);
        }
        for (const point of data.points) {
          const label = t('map.case', { id: point.id, category: names.current.get(point.category_id) ?? '', status: t(STATUS_LABEL[point.status]) });
          L.marker(projection.toMap([point.lon, point.lat]), {
            icon: L.divIcon({
              className: `map-case map-case-${point.status}` + (point.is_overdue ? ' map-case-overdue' : ''),
              html: `<span class="sr-only">${esc(label)}</span>`,
              iconSize: [26, 26],
              iconAnchor: [13, 13],
            }),
            title: label,
            alt: label,
          })
            .on('click', () => route(`/reports/${point.id}`))
            .addTo(layer);
        }
      };
      const ask = (bbox: string, zoom: number) => {
        const mine = ++asked;
        return reportsMap({ ...query, bbox, zoom }).then(
          (data) => {
            if (!live || mine !== asked) return null;
            setAnswer(data);
            setError(null);
            draw(data);
            return data;
          },
          (e: unknown) => {
            if (live && mine === asked) setError(e);
            return null;
          },
        );
      };
      const here = () => {
        const bounds = map.getBounds();
        const [west, south] = projection.fromMap(bounds.getSouthWest());
        const [east, north] = projection.fromMap(bounds.getNorthEast());
        const clamp = (v: number, limit: number) => Math.max(-limit, Math.min(limit, v)).toFixed(5);
        return ask(`${clamp(west, 180)},${clamp(south, 90)},${clamp(east, 180)},${clamp(north, 90)}`, Math.round(map.getZoom()));
      };
      map.on('moveend', here);
      if (fitted.current) void here();
      else
        void ask(EVERYWHERE.bbox, EVERYWHERE.zoom).then((data) => {
          const spots = data ? [...data.clusters, ...data.points].map((p) => projection.toMap([p.lon, p.lat])) : [];
          fitted.current = true;
          if (spots.length) map.fitBounds(L.latLngBounds(spots), { padding: [32, 32], maxZoom: 17 });
          else {
            fit([]); // the fallback view: the map needs one before it has bounds to ask about
            void here();
          }
        });
      return () => {
        live = false;
        map.off('moveend', here);
        layer.remove();
      };
    },
    [key],
  );

  return (
    <Page title={t('map.title')} back={'/reports/queue' + filtersToSearch(filters)} testid="reports-map-page">
      <QueueFilters filters={filters} onChange={setFilters} sort={false} />
      <p class="muted" role="status" data-testid="map-count">
        {answer ? t('map.count', { n: answer.total }) : t('map.loading')}
      </p>
      {answer?.truncated && <Info testid="map-truncated">{t('map.truncated')}</Info>}
      <ErrorBox error={error} />
      {failed ? (
        <p class="alert alert-error">{tm('map.failed')}</p>
      ) : (
        <div ref={element} class="map map-tall" role="region" aria-label={tm('map.label')} translate={false} data-testid="reports-map" />
      )}
    </Page>
  );
}
