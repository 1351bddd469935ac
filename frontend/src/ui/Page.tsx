import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { t } from '../i18n/common';

/**
 * A screen: its heading (focused on arrival so screen readers announce it), the document
 * title, and an optional back link.
 */
export function Page(props: { title: string; back?: string; children?: ComponentChildren; testid?: string }) {
  const heading = useRef<HTMLHeadingElement>(null);
  const pageTitle = t('fmt.title', { page: props.title });
  useEffect(() => {
    document.title = pageTitle;
  }, [pageTitle]);
  useEffect(() => {
    heading.current?.focus({ preventScroll: true });
  }, [props.title]);
  return (
    <section class="page" data-testid={props.testid}>
      {props.back && (
        <a class="back" href={props.back}>
          <span aria-hidden="true">‹ </span>
          {props.back === '/' ? t('nav.home') : t('nav.back')}
        </a>
      )}
      <h1 tabIndex={-1} ref={heading}>
        {props.title}
      </h1>
      {props.children}
    </section>
  );
}

export function Loading() {
  return (
    <p class="loading" role="status">
      <span class="spinner" aria-hidden="true" />
      {t('app.loading')}
    </p>
  );
}

/** Said once, plainly, where a screen has nothing saved to show offline. */
export function NeedsConnection() {
  return (
    <div class="card needs-connection" role="status" data-testid="needs-connection-screen">
      <svg viewBox="0 0 24 24" width="40" height="40" aria-hidden="true">
        <path
          fill="currentColor"
          d="M23.6 7C23.2 6.7 18.7 3 12 3c-1.5 0-2.9.2-4.2.5L18.2 13.8zm-6.6 8.2L3.3 1.4 2 2.7l2 2.1C1.9 5.8.6 6.8.4 7L12 21.5l3.9-4.9 3.3 3.3 1.3-1.3z"
        />
      </svg>
      <p class="item-title">{t('offline.screenTitle')}</p>
      <p class="muted">{t('offline.screenBody')}</p>
    </div>
  );
}
