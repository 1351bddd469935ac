import { useState } from 'preact/hooks';
import type { Schemas } from '../../../api/types';
import { CopyLink } from '../../../ui/CopyLink';
import { fetchQrSvg } from '../api';
import { inviteQrPng, shareOrDownload } from '../qrImage';
import { t } from '../i18n';

type Invite = Schemas['Invite'];

/** The server describes these as untyped function fields; they are strings. */
const asText = (value: unknown) => (typeof value === 'string' ? value : '');

/** The invite's link (copy, share) and QR code, which can be saved as a picture for group chats. */
export function InviteLink({ invite, suffix = '' }: { invite: Invite; suffix?: string }) {
  const url = asText(invite.url);
  const qr = asText(invite.qr_svg_url);
  const [state, setState] = useState<'idle' | 'busy' | 'saved' | 'failed'>('idle');
  const save = async () => {
    setState('busy');
    try {
      const png = await inviteQrPng(await fetchQrSvg(qr), [invite.team.name, t('invites.qrCaption')]);
      const how = await shareOrDownload(png, `${t('invites.shareTitle')}-${invite.team.name}.png`);
      setState(how === 'downloaded' ? 'saved' : 'idle');
    } catch (e) {
      // The person closing the share sheet is not a failure.
      setState(e instanceof DOMException && e.name === 'AbortError' ? 'idle' : 'failed');
    }
  };
  return (
    <div class="invite-result" data-testid={'invite-result' + suffix}>
      <CopyLink
        url={url}
        testid={'invite-link' + suffix}
        shareTitle={t('invites.shareTitle')}
        shareText={t('invites.shareText', { team: invite.team.name })}
      />
      <figure class="qr">
        <img src={qr} width={240} height={240} alt={t('invites.qrAlt')} loading="lazy" data-testid={'invite-qr' + suffix} />
        <figcaption class="muted">{t('invites.scan')}</figcaption>
      </figure>
      <button type="button" class="btn btn-secondary btn-block" onClick={save} disabled={state === 'busy'} data-testid={'invite-save-qr' + suffix}>
        {state === 'busy' ? t('invites.savingQr') : t('invites.saveQr')}
      </button>
      {state === 'saved' && (
        <p class="hint" role="status" data-testid={'invite-qr-saved' + suffix}>
          {t('invites.savedQr')}
        </p>
      )}
      {state === 'failed' && (
        <p class="field-error" role="alert">
          {t('invites.qrFailed')}
        </p>
      )}
    </div>
  );
}
