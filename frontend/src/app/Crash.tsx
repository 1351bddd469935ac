import { Component, type ComponentChildren } from 'preact';
import { t } from '../i18n/common';
import { Page } from '../ui/Page';

interface Props {
  /** The current path: moving elsewhere clears the error. */
  path: string;
  children: ComponentChildren;
}

/**
 * A screen that throws while rendering shows a way out instead of a blank page: try again,
 * reopen the app, or go home. Suspensions (lazy screens) are not errors: preact-iso's Router
 * catches those before they get here.
 */
export class RenderErrorBoundary extends Component<Props, { error: unknown; path: string | null }> {
  state = { error: null, path: null };

  componentDidCatch(error: unknown) {
    console.error('render error', error);
    this.setState({ error, path: this.props.path });
  }

  componentDidUpdate(previous: Props) {
    if (this.state.error && previous.path !== this.props.path && this.props.path !== this.state.path) this.setState({ error: null, path: null });
  }

  render() {
    if (!this.state.error) return this.props.children;
    return (
      <Page title={t('crash.title')} testid="crash-page">
        <div class="alert alert-error" role="alert">
          <p>{t('crash.body')}</p>
        </div>
        <div class="btn-col">
          <button type="button" class="btn btn-primary btn-block" data-testid="crash-retry" onClick={() => this.setState({ error: null, path: null })}>
            {t('crash.retry')}
          </button>
          <button type="button" class="btn btn-secondary btn-block" data-testid="crash-reload" onClick={() => location.reload()}>
            {t('crash.reload')}
          </button>
          <a href="/" class="btn btn-secondary btn-block" data-testid="crash-home">
            {t('crash.home')}
          </a>
        </div>
      </Page>
    );
  }
}
