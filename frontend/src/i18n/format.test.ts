import { describe, expect, it } from 'vitest';
import { formatMessage, interpolate } from './format';

const members = { one: '{n} member', other: '{n} members' };

describe('messages', () => {
  it('picks the plural form for the count: no "1 members"', () => {
    expect(formatMessage('en', members, { n: 1 })).toBe('1 member');
    expect(formatMessage('en', members, { n: 0 })).toBe('0 members');
    expect(formatMessage('en', members, { n: 12 })).toBe('12 members');
  });

  it('uses "other" in Chinese, which has one form', () => {
    expect(formatMessage('zh-CN', { other: '{n} 人' }, { n: 1 })).toBe('1 人');
  });

  it('fills placeholders and leaves unknown ones visible', () => {
    expect(interpolate('{team}（{unit}）', { team: '甲队', unit: '北三里' })).toBe('甲队（北三里）');
    expect(interpolate('at least {min}', {})).toBe('at least {min}');
  });
});
