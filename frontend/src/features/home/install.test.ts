import { describe, expect, it } from 'vitest';
import { installAdvice, isPhone } from './install';

const ANDROID_CHROME = 'Mozilla/5.0 (Linux; Android 12; M2004J19C) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36';
const WECHAT =
  'Mozilla/5.0 (Linux; Android 12; M2004J19C) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/107.0 Mobile Safari/537.36 XWEB/5023 MMWEBSDK/20230202 MicroMessenger/8.0.33.2320(0x28002151) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN';
const IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1';

describe('add to home screen', () => {
  it('uses the browser’s own prompt where it offers one', () => {
    expect(installAdvice(ANDROID_CHROME, true)).toBe('prompt');
  });

  it('asks to open the page in the browser first inside WeChat, even if a prompt exists', () => {
    expect(installAdvice(WECHAT, true)).toBe('in-app');
  });

  it('gives the steps for iPhone and for Android without a prompt', () => {
    expect(installAdvice(IPHONE, false)).toBe('ios');
    expect(installAdvice(ANDROID_CHROME, false)).toBe('android');
  });

  it('knows a phone from a desktop', () => {
    expect(isPhone(WECHAT)).toBe(true);
    expect(isPhone('Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36')).toBe(false);
  });
});
