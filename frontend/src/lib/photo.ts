/**
 * A phone's photo made small enough for a weak signal before it is kept for upload: the long
 * edge at most 1600 px (the server's PHOTO_LONG_EDGE: it would scale it down anyway), WebP where
 * the browser encodes it, else JPEG, around 300–400 KB. The server checks and re-encodes every
 * photo (no EXIF, no GPS); this only saves bytes. A HEIC the browser can decode (Safari) comes
 * out as WebP or JPEG like any other; one it can't (Chrome) is refused here with a clear reason,
 * since the server can't read it either.
 */

export const PHOTO_LONG_EDGE = 1600;
/** Aim below this many bytes; a photo already this small (and not too large) is kept as it is. */
export const PHOTO_TARGET_BYTES = 400_000;
/** Qualities tried in turn until the photo fits the target (the last one is kept regardless). */
export const QUALITIES = [0.82, 0.72, 0.62, 0.5];

export type PhotoProblem = 'heic' | 'unreadable';

/** Why a file can't be sent as a photo; `reason` picks the sentence shown. */
export class PhotoError extends Error {
  constructor(readonly reason: PhotoProblem) {
    super(reason);
  }
}

/** The size to draw a `width`×`height` picture at: the long edge at most `longEdge`, the shape kept, never enlarged. */
export function fitWithin(width: number, height: number, longEdge = PHOTO_LONG_EDGE): { width: number; height: number } {
  const scale = Math.min(1, longEdge / Math.max(width, height, 1));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/** HEIC/HEIF by its declared type or its name (phones often declare none). */
export function isHeic(file: Blob & { name?: string }): boolean {
  return /^image\/hei[cf]/i.test(file.type) || /\.hei[cf]$/i.test(file.name ?? '');
}

const SENDABLE = ['image/jpeg', 'image/webp'];

export interface Picture {
  width: number;
  height: number;
  close(): void;
}

/** What decodes and encodes pictures; the browser's by default (tests pass their own). */
export interface PhotoKit<P extends Picture = Picture> {
  decode(file: Blob): Promise<P>;
  /** Draw the picture at this size and encode it; the answer's `type` says what the browser really made. */
  encode(picture: P, width: number, height: number, type: string, quality: number): Promise<Blob | null>;
}

export const browserKit: PhotoKit<ImageBitmap> = {
  decode: (file) => createImageBitmap(file, { imageOrientation: 'from-image' }),
  encode(bitmap, width, height, type, quality) {
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    canvas.getContext('2d')?.drawImage(bitmap, 0, 0, width, height);
    return new Promise((resolve) => canvas.toBlob(resolve, type, quality));
  },
};

/**
 * The photo to keep for upload. WebP is asked for first; a browser that answers with another
 * type (Safari gives PNG) is asked for JPEG instead. Throws PhotoError when the file can't be
 * read as a picture here.
 */
export async function preparePhoto<P extends Picture>(file: Blob & { name?: string }, kit: PhotoKit<P>): Promise<Blob> {
  let picture: P;
  try {
    picture = await kit.decode(file);
  } catch {
    throw new PhotoError(isHeic(file) ? 'heic' : 'unreadable');
  }
  try {
    const size = fitWithin(picture.width, picture.height);
    const small = size.width === picture.width && size.height === picture.height;
    if (small && file.size <= PHOTO_TARGET_BYTES && SENDABLE.includes(file.type)) return file;
    let type = 'image/webp';
    let best: Blob | null = null;
    for (const quality of QUALITIES) {
      let blob = await kit.encode(picture, size.width, size.height, type, quality);
      if (blob && blob.type !== type && type === 'image/webp') {
        type = 'image/jpeg';
        blob = await kit.encode(picture, size.width, size.height, type, quality);
      }
      if (!blob || blob.type !== type) break;
      best = blob;
      if (blob.size <= PHOTO_TARGET_BYTES) break;
    }
    if (best) return best;
    // The browser encodes neither: the original, if the server can take it.
    if (SENDABLE.includes(file.type) || file.type === 'image/png') return file;
    throw new PhotoError('unreadable');
  } finally {
    picture.close();
  }
}

/** `preparePhoto` with the browser's decoder and canvas; without createImageBitmap, the file as it is. */
export function shrinkPhoto(file: Blob & { name?: string }): Promise<Blob> {
  if (typeof createImageBitmap !== 'function') {
    if (isHeic(file)) return Promise.reject(new PhotoError('heic'));
    return Promise.resolve(file);
  }
  return preparePhoto(file, browserKit);
}

/** A file name for an upload, from the type the photo really has. */
export function photoFilename(photo: Blob, stem = 'photo'): string {
  const ext = photo.type === 'image/webp' ? 'webp' : photo.type === 'image/png' ? 'png' : 'jpg';
  return `${stem}.${ext}`;
}
