import { describe, expect, it } from 'vitest';
import type { Me } from '../../api/types';
import { capabilitiesOf } from './capabilities';

const me = (capabilities: Record<string, boolean>) => ({ capabilities }) as unknown as Me;

describe('capabilitiesOf', () => {
  it('grants exactly what the server says is true', () => {
    const can = capabilitiesOf(me({ report_hazard: true, triage_reports: false }));
    expect(can.report_hazard).toBe(true);
    expect(can.triage_reports).toBe(false);
  });
  it('counts a capability the server did not mention, or anyone signed out, as not granted', () => {
    expect(capabilitiesOf(me({})).send_urgent_alert).toBe(false);
    expect(capabilitiesOf(null).take_shifts).toBe(false);
  });
});
