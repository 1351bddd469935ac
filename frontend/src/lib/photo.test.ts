import { describe, expect, it } from 'vitest';
import { PHOTO_TARGET_BYTES, PhotoError, fitWithin, isHeic, photoFilename, preparePhoto, type PhotoKit, type Picture } from './photo';

interface Fake extends Picture {
  closed: boolean;
}

/** A kit whose encoder answers `answer(type, quality)` bytes of `made(type)`. */
function kit(width: number, height: number, answer: (type: string, quality: number) => number, made: (type: string) => string = (t) => t) {
  const calls: { type: string; quality: number; width: number; height: number }[] = [];
  const pictures: Fake[] = [];
  const k: PhotoKit<Fake> = {
    decode: async () => {
      const picture = { width, height, closed: false, close: () => (picture.closed = true) };
      pictures.push(picture);
      return picture;
    },
    encode: async (_p, w, h, type, quality) => {
      calls.push({ type, quality, width: w, height: h });
      return new Blob([new Uint8Array(answer(type, quality))], { type: made(type) });
    },
  };
  return { kit: k, calls, pictures };
}

const file = (bytes: number, type: string, name = 'a.jpg') => Object.assign(new Blob([new Uint8Array(bytes)], { type }), { name });

describe('fitWithin', () => {
  it('brings the long edge down to 1600 px and keeps the shape', () => {
    expect(fitWithin(4032, 3024)).toEqual({ width: 1600, height: 1200 });
    expect(fitWithin(3024, 4032)).toEqual({ width: 1200, height: 1600 });
  });
  it('never enlarges a small picture', () => {
    expect(fitWithin(800, 600)).toEqual({ width: 800, height: 600 });
  });
});

describe('preparePhoto', () => {
  it('encodes a 12-megapixel photo as WebP at 1600 px, lowering the quality until it fits', async () => {
    const k = kit(4000, 3000, (_t, quality) => (quality > 0.75 ? 900_000 : 350_000));
    const out = await preparePhoto(file(5_000_000, 'image/jpeg'), k.kit);
    expect(out.type).toBe('image/webp');
    expect(out.size).toBeLessThanOrEqual(PHOTO_TARGET_BYTES);
    expect(k.calls.map((c) => [c.width, c.height, c.quality])).toEqual([
      [1600, 1200, 0.82],
      [1600, 1200, 0.72],
    ]);
    expect(k.pictures[0].closed).toBe(true);
  });

  it('falls back to JPEG when the browser answers WebP with PNG (Safari)', async () => {
    const k = kit(3000, 2000, () => 300_000, (type) => (type === 'image/webp' ? 'image/png' : type));
    const out = await preparePhoto(file(3_000_000, 'image/jpeg'), k.kit);
    expect(out.type).toBe('image/jpeg');
    expect(k.calls.map((c) => c.type)).toEqual(['image/webp', 'image/jpeg']);
  });

  it('keeps a photo that is already small enough as it is', async () => {
    const k = kit(1200, 900, () => 1);
    const original = file(200_000, 'image/jpeg');
    expect(await preparePhoto(original, k.kit)).toBe(original);
    expect(k.calls).toEqual([]);
  });

  it('says HEIC when the browser cannot decode one, and "unreadable" for anything else', async () => {
    const broken: PhotoKit = { decode: () => Promise.reject(new Error('no')), encode: async () => null };
    await expect(preparePhoto(file(10, '', 'IMG_1.HEIC'), broken)).rejects.toEqual(new PhotoError('heic'));
    await expect(preparePhoto(file(10, 'application/pdf', 'x.pdf'), broken)).rejects.toEqual(new PhotoError('unreadable'));
  });

  it('converts a HEIC the browser can decode', async () => {
    const k = kit(4032, 3024, () => 380_000);
    const out = await preparePhoto(file(2_000_000, 'image/heic', 'IMG_2.heic'), k.kit);
    expect(out.type).toBe('image/webp');
    expect(photoFilename(out)).toBe('photo.webp');
  });
});

describe('isHeic', () => {
  it('knows HEIC by type or by name', () => {
    expect(isHeic(file(1, 'image/heif', 'x'))).toBe(true);
    expect(isHeic(file(1, '', 'x.heic'))).toBe(true);
    expect(isHeic(file(1, 'image/jpeg', 'x.jpg'))).toBe(false);
  });
});
