import { render } from 'preact';
import './styles.css';
import { watchConnectivity } from './api/connectivity';
import { App, loadShell } from './app/App';
import { markUpdateReady } from './app/navigation';
import { locale } from './i18n';
import { common, t } from './i18n/common';
import { errorTexts } from './i18n/errors';
import { captureInstallPrompt } from './features/home/install';
import { loadClientConfig } from './features/session/config';
import { bootstrap } from './features/session/state';

captureInstallPrompt();
watchConnectivity();

// The document follows the language on screen.
locale.subscribe((current) => {
  document.documentElement.lang = current;
});

// The active language's common texts and error texts come first (one small chunk each);
// the session is asked for in parallel.
void bootstrap();
void loadClientConfig();
Promise.all([common.load(), errorTexts.load()])
  .catch(() => undefined)
  .then(() => {
    document.title = t('app.name');
    render(<App />, document.getElementById('app')!);
    loadShell();
  });

if ('serviceWorker' in navigator && import.meta.env.PROD) {
  const hadController = !!navigator.serviceWorker.controller;
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    // First install: nothing to refresh. Update: pick up the new code at the next navigation.
    if (hadController) markUpdateReady();
  });
  window.addEventListener('load', () => {
    navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(() => undefined);
  });
}
