/**
 * A phone's photo made small enough for a weak signal before it is kept for upload: the long
 * edge at most `longEdge` (the server's PHOTO_LONG_EDGE, 1600: it would scale it down anyway),
 * JPEG. The server checks and re-encodes every photo (no EXIF, no GPS); this only saves bytes.
 * Where the browser can't decode the file (HEIC in Chrome) it is kept as it is, and the server
 * says what it thinks of it.
 */
export async function shrinkPhoto(file: Blob, longEdge = 1600, quality = 0.82): Promise<Blob> {
  if (typeof createImageBitmap !== 'function') return file;
  try {
    const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
    const scale = Math.min(1, longEdge / Math.max(bitmap.width, bitmap.height));
    if (scale === 1 && file.size <= 600_000) return file;
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(bitmap.width * scale);
    canvas.height = Math.round(bitmap.height * scale);
    canvas.getContext('2d')?.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    bitmap.close();
    const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', quality));
    return blob && blob.size < file.size ? blob : file;
  } catch {
    return file;
  }
}
