import { describe, expect, it } from 'vitest';
import { formatPhone, teamLabel } from './labels';

const format = (team: string, unit: string) => `${team}（${unit}）`;

describe('labels', () => {
  it('does not repeat the community after a team named after it', () => {
    expect(teamLabel({ name: '北三里社区巡防队' }, { name: '北三里社区' }, format)).toBe('北三里社区巡防队');
    expect(teamLabel({ name: '夜巡一队' }, { name: '北三里社区' }, format)).toBe('夜巡一队（北三里社区）');
  });

  it('groups mainland mobile numbers for reading aloud', () => {
    expect(formatPhone('+8613800000004')).toBe('138 0000 0004');
    expect(formatPhone('12345')).toBe('12345');
  });
});
