import { render } from 'preact';
import './styles.css';
import { App } from './app';
import { markUpdateReady } from './router';
import { bootstrap } from './session';

render(<App />, document.getElementById('app')!);
bootstrap();

if ('serviceWorker' in navigator && import.meta.env.PROD) {
  const hadController = !!navigator.serviceWorker.controller;
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    // First install: nothing to refresh. Update: pick up new code next navigation.
    if (hadController) markUpdateReady();
  });
  window.addEventListener('load', () => {
    navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(() => undefined);
  });
}
