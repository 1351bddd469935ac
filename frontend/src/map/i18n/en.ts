import type { Translation } from '../../i18n';
import type zh from './zh-CN';

const en: Translation<typeof zh> = {
  'map.label': 'Map',
  'map.failed': 'The map could not be loaded. Please try again when you are online.',
  'map.myPosition': 'Use my position',
  'map.locating': 'Finding your position…',
  'map.noGeolocation': 'This phone can’t find its position, or it isn’t allowed to. Tap the map to pick a place instead.',
  'map.position': 'Longitude {lon}, latitude {lat}',
  'map.accuracy': 'accurate to about {m} m',
  'map.tapToPick': 'Tap the map, or drag the marker, to pick the place.',
  'map.radius': 'Radius (metres)',
  'editor.draw': 'Draw an area',
  'editor.finish': 'Finish',
  'editor.cancel': 'Stop drawing',
  'editor.edit': 'Move corners',
  'editor.editDone': 'Done moving',
  'editor.remove': 'Delete an area',
  'editor.removeDone': 'Done deleting',
  'editor.drawHint': 'Tap each corner of the area on the map in turn, then tap “Finish” (at least 3 points).',
  'editor.editHint': 'Drag a dot to move the boundary; drag a small dot between two corners to add a corner.',
  'editor.removeHint': 'Tap the area to delete.',
  'editor.summary': { one: '1 area, {points} points', other: '{n} areas, {points} points in all' },
  'editor.empty': 'No area drawn yet.',
  'editor.paste': 'Paste GeoJSON',
  'editor.pasteLabel': 'GeoJSON text',
  'editor.pasteHint': 'Paste a Polygon or MultiPolygon. A whole Feature also works.',
  'editor.pasteApply': 'Show on the map',
  'editor.pasteApplied': 'Shown on the map.',
};
export default en;
