import { t } from '../i18n/common';
import { Page } from '../ui/Page';

export function NotFound() {
  return (
    <Page title={t('notFound.title')} testid="not-found">
      <p>{t('notFound.body')}</p>
      <a href="/" class="btn btn-primary btn-block">
        {t('notFound.home')}
      </a>
    </Page>
  );
}

export function Forbidden() {
  return (
    <Page title={t('forbidden.title')} back="/" testid="forbidden-page">
      <p>{t('forbidden.body')}</p>
    </Page>
  );
}

/** A screen's code could not be fetched (offline before it was ever cached, or a new release). */
export function ChunkFailed() {
  return (
    <Page title={t('app.name')} testid="chunk-failed">
      <div class="alert alert-error" role="alert">
        <p>{t('chunk.failed')}</p>
      </div>
      <button type="button" class="btn btn-primary btn-block" onClick={() => location.reload()}>
        {t('common.retry')}
      </button>
    </Page>
  );
}
