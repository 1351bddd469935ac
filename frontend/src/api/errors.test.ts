import { describe, expect, it } from 'vitest';
import { parseFieldErrors, toApiError, toFieldError } from './errors';

describe('the API error shape', () => {
  it('reads the error id, the field errors and Retry-After', () => {
    const error = toApiError(
      422,
      { code: 422, status: 'Unprocessable Entity', error: 'validation_failed', errors: { json: { password: [{ code: 'too_short', params: { min: 8 } }] } } },
      null,
    );
    expect(error.error).toBe('validation_failed');
    expect(error.fields).toEqual({ password: [{ code: 'too_short', params: { min: 8 } }] });
    expect(toApiError(429, { error: 'too_many_requests' }, '90').retryAfter).toBe(90);
  });

  it('falls back on the status when the body is not the API’s (a proxy page, nothing)', () => {
    expect(toApiError(502, '<html>Bad gateway</html>', null).error).toBe('internal_error');
    expect(toApiError(404, null, null).error).toBe('not_found');
    expect(toApiError(503, undefined, null).error).toBe('service_unavailable');
  });

  it('reduces every shape servers have sent for a field error to {code, params}', () => {
    expect(toFieldError('phone_invalid')).toEqual({ code: 'phone_invalid', params: {} });
    expect(toFieldError('geometry_self_intersection: 116.455 39.935')).toEqual({ code: 'geometry_self_intersection', params: { at: '116.455 39.935' } });
    expect(toFieldError('Missing data for required field.')).toEqual({ code: 'required', params: {} });
    expect(toFieldError('Length must be between 1 and 80.')).toEqual({ code: 'length', params: { min: 1, max: 80 } });
    expect(toFieldError('Something marshmallow said.')).toEqual({ code: 'invalid', params: {} });
    expect(toFieldError({ code: 'too_short', params: { min: 8, nested: { x: 1 } } })).toEqual({ code: 'too_short', params: { min: 8 } });
  });

  it('reports errors of nested fields on the outer field', () => {
    expect(parseFieldErrors({ json: { geometry: { coordinates: ['geometry_malformed'] } } })).toEqual({
      geometry: [{ code: 'geometry_malformed', params: {} }],
    });
  });
});
