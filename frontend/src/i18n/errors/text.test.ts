import { beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../api/errors';
import { locale, setLocale } from '..';
import { common } from '../common';
import { errorTexts } from '.';
import { errorText, fieldErrorText } from './text';

beforeAll(async () => {
  await Promise.all([common.load('zh-CN'), errorTexts.load('zh-CN'), common.load('en'), errorTexts.load('en')]);
});

describe('error texts', () => {
  it('translates the server’s error id, never its English message', async () => {
    await setLocale('zh-CN');
    expect(errorText(new ApiError(409, 'phone_taken'))).toBe('该手机号已经注册过，请直接登录。');
    await setLocale('en');
    expect(errorText(new ApiError(409, 'phone_taken'))).toBe('This mobile number is already registered. Please sign in instead.');
  });

  it('says a generic sentence for an id it does not know, and "can’t reach the server" offline', async () => {
    await setLocale('en');
    expect(errorText(new ApiError(400, 'some_new_id'))).toBe('Something went wrong. Please try again.');
    expect(errorText(new ApiError(0, 'network'))).toContain('Can’t reach the server');
    expect(errorText(new Error('boom'))).toBe('Something went wrong. Please try again.');
  });

  it('counts minutes for a throttled sign-in, with the right plural', async () => {
    await setLocale('en');
    expect(errorText(new ApiError(429, 'too_many_requests', {}, 30))).toBe('Too many attempts. Please try again in 1 minute.');
    expect(errorText(new ApiError(429, 'too_many_requests', {}, 300))).toBe('Too many attempts. Please try again in 5 minutes.');
  });

  it('fills a field code’s parameters and says where a geometry problem is', async () => {
    await setLocale('zh-CN');
    expect(fieldErrorText({ code: 'password_too_short', params: { min: 8 } })).toBe('密码至少需要 8 位。');
    expect(fieldErrorText({ code: 'geometry_self_intersection', params: { at: '116.455 39.935' } })).toBe('边界线自相交，位置：116.455 39.935');
    expect(fieldErrorText({ code: 'no_such_code', params: {} })).toBe('填写的值无效。');
    expect(locale.value).toBe('zh-CN');
  });
});
