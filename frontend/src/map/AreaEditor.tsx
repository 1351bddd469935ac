import { useEffect, useRef, useState } from 'preact/hooks';
import { locale } from '../i18n';
import { fieldErrorText } from '../i18n/errors/text';
import { TextArea } from '../ui/fields';
import { countPoints, parseGeoJsonText, polygonsOf, type AreaGeometry } from './geometry';
import { t } from './i18n';
import type { MapArea } from './MapView';
import { useMap } from './useMap';

type Editing = typeof import('./editing');
type Mode = import('./editing').EditMode;

/**
 * Draw an area on the map, move its corners, delete it; or paste GeoJSON. Other areas
 * (`context`) are drawn faintly for orientation. `onChange` gets WGS-84 GeoJSON, or null.
 */
export function AreaEditor(props: {
  value: AreaGeometry | null;
  onChange: (geometry: AreaGeometry | null) => void;
  context?: MapArea[];
  error?: string;
  testid: string;
}) {
  const [editing, setEditing] = useState<Editing | null>(null);
  const [mode, setModeState] = useState<Mode>('idle');
  const editable = useRef<import('leaflet').FeatureGroup | null>(null);
  const onChange = useRef(props.onChange);
  onChange.current = props.onChange;
  // The shape last drawn from `value`: edits on the map update `value` without redrawing.
  const drawn = useRef<string | null>(null);

  const { element, kit, leaflet, failed } = useMap(
    ({ map, projection, fit }, { L, CONTEXT_STYLE, toLatLngs }) => {
      const layer = L.featureGroup().addTo(map);
      for (const area of props.context ?? []) L.polygon(toLatLngs(area.geometry, projection), CONTEXT_STYLE).bindTooltip(area.name).addTo(layer);
      fit([...(props.value ? [props.value] : []), ...(props.context ?? []).map((a) => a.geometry)]);
      return () => layer.remove();
    },
    [JSON.stringify(props.context)],
    true,
  );

  // Geoman comes after the map; it turns editing on for the layers drawn after it loads.
  useEffect(() => {
    if (!kit || !leaflet) return;
    let live = true;
    const group = leaflet.L.featureGroup().addTo(kit.map);
    editable.current = group;
    const sync = (module: Editing) => {
      const geometry = module.readArea(group, kit.projection);
      drawn.current = JSON.stringify(geometry);
      onChange.current(geometry);
    };
    import('./editing').then((module) => {
      if (!live) return;
      module.setEditorLanguage(kit.map, locale.peek());
      kit.map.on('pm:create', (event) => {
        group.addLayer(event.layer);
        setModeState('idle');
        sync(module);
      });
      kit.map.on('pm:remove', (event) => {
        group.removeLayer(event.layer);
        sync(module);
      });
      // Layer events reach their group: a moved corner of any polygon lands here.
      group.on('pm:edit', () => sync(module));
      setEditing(module);
    });
    return () => {
      live = false;
      kit.map.off('pm:create').off('pm:remove');
      group.remove();
    };
  }, [kit, leaflet]);

  // Draw `value` when it did not come from the map (first load, pasted GeoJSON).
  useEffect(() => {
    const group = editable.current;
    if (!kit || !leaflet || !editing || !group) return;
    const serialised = JSON.stringify(props.value);
    if (serialised === drawn.current) return;
    drawn.current = serialised;
    group.clearLayers();
    if (props.value)
      for (const polygon of polygonsOf(props.value)) {
        const layer = leaflet.L.polygon(leaflet.toLatLngs({ type: 'Polygon', coordinates: polygon }, kit.projection), editing.EDITABLE_AREA);
        group.addLayer(layer);
      }
    if (props.value) kit.fit([props.value]);
  }, [kit, leaflet, editing, props.value]);

  const switchMode = (next: Mode) => {
    if (!kit || !editing) return;
    const target = mode === next ? 'idle' : next;
    editing.setMode(kit.map, target);
    setModeState(target);
  };

  const [pasted, setPasted] = useState('');
  const [pasteState, setPasteState] = useState<{ error?: string; applied?: boolean }>({});
  const applyPasted = () => {
    const parsed = parseGeoJsonText(pasted);
    if (parsed.problem) return setPasteState({ error: fieldErrorText(parsed.problem) });
    setPasteState({ applied: true });
    props.onChange(parsed.geometry);
  };

  if (failed) return <p class="alert alert-error">{t('map.failed')}</p>;
  const value = props.value;
  const hint = mode === 'draw' ? t('editor.drawHint') : mode === 'edit' ? t('editor.editHint') : mode === 'remove' ? t('editor.removeHint') : null;
  return (
    <div class={'area-editor' + (props.error ? ' field-invalid' : '')} data-testid={props.testid}>
      <div class="editor-tools" role="toolbar" aria-label={t('map.label')}>
        {mode === 'draw' ? (
          <>
            <button type="button" class="btn btn-primary" onClick={() => kit && editing?.finishDrawing(kit.map)} data-testid={props.testid + '-finish'}>
              {t('editor.finish')}
            </button>
            <button type="button" class="btn btn-secondary" onClick={() => switchMode('draw')}>
              {t('editor.cancel')}
            </button>
          </>
        ) : (
          <button type="button" class="btn btn-secondary" disabled={!editing} onClick={() => switchMode('draw')} data-testid={props.testid + '-draw'}>
            {t('editor.draw')}
          </button>
        )}
        {value && mode !== 'draw' && (
          <>
            <button type="button" class="btn btn-secondary" aria-pressed={mode === 'edit'} onClick={() => switchMode('edit')} data-testid={props.testid + '-edit'}>
              {mode === 'edit' ? t('editor.editDone') : t('editor.edit')}
            </button>
            <button type="button" class="btn btn-danger-outline" aria-pressed={mode === 'remove'} onClick={() => switchMode('remove')} data-testid={props.testid + '-remove'}>
              {mode === 'remove' ? t('editor.removeDone') : t('editor.remove')}
            </button>
          </>
        )}
      </div>
      {hint && (
        <p class="hint" role="status">
          {hint}
        </p>
      )}
      <div ref={element} class="map map-tall" role="region" aria-label={t('map.label')} translate={false} data-testid={props.testid + '-map'} />
      <p class="muted small" data-testid={props.testid + '-summary'}>
        {value ? t('editor.summary', { n: polygonsOf(value).length, points: countPoints(value) }) : t('editor.empty')}
      </p>
      {props.error && (
        <p class="field-error" data-testid={props.testid + '-error'}>
          {props.error}
        </p>
      )}
      <details class="paste-geojson">
        <summary data-testid={props.testid + '-paste'}>{t('editor.paste')}</summary>
        <TextArea
          label={t('editor.pasteLabel')}
          hint={t('editor.pasteHint')}
          value={pasted}
          onValue={(text) => {
            setPasted(text);
            setPasteState({});
          }}
          error={pasteState.error}
          testid={props.testid + '-geojson'}
        />
        <button type="button" class="btn btn-secondary" onClick={applyPasted} data-testid={props.testid + '-apply'}>
          {t('editor.pasteApply')}
        </button>
        {pasteState.applied && (
          <p class="hint" role="status">
            {t('editor.pasteApplied')}
          </p>
        )}
      </details>
    </div>
  );
}
