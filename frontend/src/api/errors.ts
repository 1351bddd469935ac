/**
 * The API's one error shape, parsed defensively (a proxy or an old server may send anything):
 * `{"code": 422, "error": "validation_failed", "errors": {"json": {"phone": [{"code": "phone_invalid", "params": {}}]}}}`.
 * Field errors are `{code, params}`; older servers sent bare codes ("phone_invalid"), codes with
 * a position ("geometry_self_intersection: 116.4 39.9") or marshmallow's English sentences,
 * which are reduced to the same shape here so nothing downstream parses text.
 */
export interface FieldError {
  code: string;
  params: Record<string, string | number>;
}
export type FieldErrors = Record<string, FieldError[]>;

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly fields: FieldErrors = {},
    readonly retryAfter: number | null = null,
  ) {
    super(error);
  }
  /** The server could not be reached at all. */
  get network(): boolean {
    return this.status === 0;
  }
}

const STATUS_ERRORS: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  410: 'gone',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'validation_failed',
  429: 'too_many_requests',
  503: 'service_unavailable',
};

export function statusError(status: number): string {
  return STATUS_ERRORS[status] ?? (status >= 500 ? 'internal_error' : 'bad_request');
}

const CODE = /^[a-z][a-z0-9_]*$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function scalarParams(value: unknown): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  if (isRecord(value))
    for (const [key, v] of Object.entries(value)) if (typeof v === 'string' || typeof v === 'number') out[key] = v;
  return out;
}

/** One entry of a field's list, in any of the shapes servers have sent. */
export function toFieldError(entry: unknown): FieldError {
  if (isRecord(entry) && typeof entry.code === 'string') return { code: entry.code, params: scalarParams(entry.params) };
  if (typeof entry !== 'string') return { code: 'invalid', params: {} };
  if (CODE.test(entry)) return { code: entry, params: {} };
  const withPosition = /^([a-z][a-z0-9_]*):\s*(.+)$/s.exec(entry);
  if (withPosition) return { code: withPosition[1], params: { at: withPosition[2] } };
  if (entry === 'Missing data for required field.' || entry === 'Field may not be null.') return { code: 'required', params: {} };
  const length = /^Length must be between (\d+) and (\d+)\.$/.exec(entry);
  if (length) return { code: 'length', params: { min: Number(length[1]), max: Number(length[2]) } };
  const range = /^Must be greater than or equal to (\d+) and less than or equal to (\d+)\.$/.exec(entry);
  if (range) return { code: 'out_of_range', params: { min: Number(range[1]), max: Number(range[2]) } };
  return { code: 'invalid', params: {} };
}

/** Flatten a field's errors; nested schemas (geometry.coordinates) report on the outer field. */
function collect(value: unknown, out: FieldError[]): void {
  if (Array.isArray(value)) value.forEach((entry) => (isRecord(entry) && !('code' in entry) ? collect(entry, out) : out.push(toFieldError(entry))));
  else if (isRecord(value) && !('code' in value)) Object.values(value).forEach((inner) => collect(inner, out));
  else out.push(toFieldError(value));
}

export function parseFieldErrors(errors: unknown): FieldErrors {
  const out: FieldErrors = {};
  if (!isRecord(errors)) return out;
  for (const location of ['json', 'query', 'path', 'files', 'form']) {
    const fields = errors[location];
    if (!isRecord(fields)) continue;
    for (const [name, value] of Object.entries(fields)) {
      const list: FieldError[] = [];
      collect(value, list);
      out[name] = [...(out[name] ?? []), ...list];
    }
  }
  return out;
}

/** Build the ApiError for a failed response from its status, parsed body and Retry-After header. */
export function toApiError(status: number, body: unknown, retryAfterHeader: string | null): ApiError {
  const error = isRecord(body) && typeof body.error === 'string' && CODE.test(body.error) ? body.error : statusError(status);
  const retryAfter = Number(retryAfterHeader);
  return new ApiError(
    status,
    error,
    parseFieldErrors(isRecord(body) ? body.errors : undefined),
    Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null,
  );
}
