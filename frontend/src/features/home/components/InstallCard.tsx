import { Icon } from '../../../ui/icons';
import { dismissInstallOffer, installAdvice, installOffer, installPrompt, promptInstall } from '../install';
import { t } from '../i18n';

const ADVICE = { 'in-app': 'install.inApp', ios: 'install.ios', android: 'install.android', other: 'install.other' } as const;

/** "Add to home screen", offered after the first sign-in on a phone. */
export function InstallCard() {
  if (!installOffer.value) return null;
  const advice = installAdvice(navigator.userAgent, installPrompt.value !== null);
  return (
    <section class="card install-card" aria-labelledby="install-h" data-testid="install-card" data-advice={advice}>
      <h2 id="install-h">
        <Icon name="install" /> {t('install.title')}
      </h2>
      <p>{t('install.body')}</p>
      {advice === 'prompt' ? null : (
        <p class="install-steps" data-testid="install-steps">
          {t(ADVICE[advice])}
        </p>
      )}
      <div class="btn-row">
        {advice === 'prompt' && (
          <button type="button" class="btn btn-primary" onClick={() => promptInstall().catch(() => undefined)} data-testid="install-button">
            {t('install.button')}
          </button>
        )}
        <button type="button" class="btn btn-secondary" onClick={dismissInstallOffer} data-testid="install-later">
          {t('install.later')}
        </button>
      </div>
    </section>
  );
}
