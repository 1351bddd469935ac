import { useEffect, useRef, useState } from 'preact/hooks';
import { PhotoError, shrinkPhoto } from '../../../lib/photo';
import { t } from '../i18n';

/** The server's REPORT_MAX_PHOTOS per person and case. */
export const MAX_PHOTOS = 6;

interface Picked {
  id: number;
  state: 'shrinking' | 'ready' | 'error';
  blob?: Blob;
  url?: string;
  problem?: string;
}

let nextId = 1;

/** Photos chosen on the phone, each made small in turn, with its own progress. */
export function usePhotoPicker(max = MAX_PHOTOS) {
  const [photos, setPhotos] = useState<Picked[]>([]);
  const [overLimit, setOverLimit] = useState(false);
  const urls = useRef<string[]>([]);
  useEffect(() => () => urls.current.forEach((url) => URL.revokeObjectURL(url)), []);

  const update = (id: number, change: Partial<Picked>) => setPhotos((old) => old.map((p) => (p.id === id ? { ...p, ...change } : p)));

  const add = async (files: FileList | null) => {
    if (!files?.length) return;
    const room = max - photos.filter((p) => p.state !== 'error').length;
    const list = [...files].slice(0, Math.max(0, room));
    setOverLimit(files.length > list.length);
    const entries = list.map((file) => ({ file, picked: { id: nextId++, state: 'shrinking' as const } }));
    setPhotos((old) => [...old.filter((p) => p.state !== 'error'), ...entries.map((e) => e.picked)]);
    // One at a time: a low-end phone has memory for one decoded 12-megapixel photo, not six.
    for (const { file, picked } of entries) {
      try {
        const blob = await shrinkPhoto(file);
        const url = URL.createObjectURL(blob);
        urls.current.push(url);
        update(picked.id, { state: 'ready', blob, url });
      } catch (e) {
        update(picked.id, { state: 'error', problem: t(e instanceof PhotoError && e.reason === 'heic' ? 'new.photoHeic' : 'new.photoUnreadable') });
      }
    }
  };
  const remove = (id: number) => setPhotos((old) => old.filter((p) => p.id !== id));
  const clear = () => setPhotos([]);
  const ready = photos.flatMap((p) => (p.state === 'ready' && p.blob ? [p.blob] : []));
  const busy = photos.some((p) => p.state === 'shrinking');
  return { photos, add, remove, clear, ready, busy, overLimit, full: photos.filter((p) => p.state !== 'error').length >= max };
}

export type PhotoPickerState = ReturnType<typeof usePhotoPicker>;

/** "Take photo" (the camera) and "from gallery" (several at once), and each photo with its state. */
export function PhotoPicker({ picker, testid }: { picker: PhotoPickerState; testid: string }) {
  return (
    <div class="photo-picker" data-testid={testid}>
      {picker.photos.length > 0 && (
        <ul class="photo-grid" data-testid={testid + '-list'}>
          {picker.photos.map((photo, i) => (
            <li key={photo.id} class={'photo-tile photo-' + photo.state} data-state={photo.state} data-testid={`${testid}-photo`}>
              {photo.url ? <img src={photo.url} alt={t('new.photoAlt', { n: i + 1 })} /> : <span class="photo-placeholder" aria-hidden="true" />}
              <span class="photo-state" role="status">
                {photo.state === 'shrinking' ? (
                  <>
                    <span class="spinner" aria-hidden="true" />
                    {t('new.photoShrinking')}
                  </>
                ) : photo.state === 'ready' ? (
                  t('new.photoReady', { kb: Math.max(1, Math.round((photo.blob?.size ?? 0) / 1024)) })
                ) : null}
              </span>
              {photo.problem && <span class="field-error">{photo.problem}</span>}
              <button type="button" class="photo-remove" aria-label={t('new.photoRemove', { n: i + 1 })} onClick={() => picker.remove(photo.id)}>
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      {picker.overLimit && <p class="field-error">{t('new.photoLimit')}</p>}
      {!picker.full && (
        <div class="photo-buttons">
          <label class="btn btn-primary photo-button">
            <input
              type="file"
              accept="image/*"
              capture="environment"
              class="sr-only"
              onChange={(e) => {
                void picker.add(e.currentTarget.files);
                e.currentTarget.value = '';
              }}
              data-testid={testid + '-camera'}
            />
            <svg viewBox="0 0 24 24" width="26" height="26" aria-hidden="true">
              <path fill="currentColor" d="M12 15.2a3.2 3.2 0 1 0 0-6.4 3.2 3.2 0 0 0 0 6.4zM9 2 7.2 4H4a2 2 0 0 0-2 2v12a2 2 0 0 0 2 2h16a2 2 0 0 0 2-2V6a2 2 0 0 0-2-2h-3.2L15 2z" />
            </svg>
            {t('new.takePhoto')}
          </label>
          <label class="btn btn-secondary photo-button">
            <input
              type="file"
              accept="image/*"
              multiple
              class="sr-only"
              onChange={(e) => {
                void picker.add(e.currentTarget.files);
                e.currentTarget.value = '';
              }}
              data-testid={testid + '-input'}
            />
            {t('new.pickPhotos')}
          </label>
        </div>
      )}
    </div>
  );
}
