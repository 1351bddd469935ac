import { ApiError, toApiError } from './errors';

/**
 * Download an export (GET path?query): a small one answers with the file, saved under the
 * server's name; a large one runs as a job (202) whose link arrives in the inbox. A file is no
 * JSON, so this is a plain fetch of the typed path rather than the JSON client.
 */
export async function downloadExport(path: string, params: URLSearchParams, fallbackName: string): Promise<'downloaded' | 'queued'> {
  let response: Response;
  try {
    response = await fetch(`${path}?${params.toString()}`, { credentials: 'same-origin', cache: 'no-store' });
  } catch {
    throw new ApiError(0, 'network');
  }
  if (response.status === 202) return 'queued';
  if (!response.ok) throw toApiError(response.status, await response.json().catch(() => null), response.headers.get('Retry-After'));
  const disposition = response.headers.get('Content-Disposition') ?? '';
  const name = /filename\*=UTF-8''([^;]+)/i.exec(disposition)?.[1] ?? /filename="?([^";]+)"?/i.exec(disposition)?.[1];
  const link = document.createElement('a');
  link.href = URL.createObjectURL(await response.blob());
  link.download = name ? decodeURIComponent(name) : fallbackName;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10000);
  return 'downloaded';
}
