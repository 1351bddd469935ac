import './CopyLink.css';
import { useId, useState } from 'preact/hooks';
import { t } from '../i18n/common';

/** A link shown in full, with copy and (where the phone can) share buttons. */
export function CopyLink(props: { url: string; shareTitle?: string; shareText?: string; testid: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  const id = useId();
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(props.url);
      setState('copied');
    } catch {
      // Older WebViews: select the text so a long press copies it.
      const element = document.getElementById(id);
      const selection = getSelection();
      if (element && selection) {
        const range = document.createRange();
        range.selectNodeContents(element);
        selection.removeAllRanges();
        selection.addRange(range);
      }
      setState('failed');
    }
  };
  const canShare = typeof navigator.share === 'function';
  return (
    <div class="copy-link">
      <p class="link-text" id={id} data-testid={props.testid}>
        {props.url}
      </p>
      <div class="btn-row">
        <button type="button" class="btn btn-primary" onClick={copy} data-testid={props.testid + '-copy'}>
          {state === 'copied' ? '✓ ' + t('common.copied') : t('common.copy')}
        </button>
        {canShare && (
          <button
            type="button"
            class="btn btn-secondary"
            data-testid={props.testid + '-share'}
            onClick={() => navigator.share({ title: props.shareTitle, text: props.shareText, url: props.url }).catch(() => undefined)}
          >
            {t('common.share')}
          </button>
        )}
      </div>
      {state === 'failed' && <p class="hint">{t('common.copyFailed')}</p>}
    </div>
  );
}
