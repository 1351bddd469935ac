import '../settings.css';
import { useState } from 'preact/hooks';
import type { Schemas } from '../../../api/types';
import { fmtTime } from '../../../i18n';
import { ConfirmButton } from '../../../ui/buttons';
import { useQuery } from '../../../ui/data';
import { ErrorBox, Notice } from '../../../ui/feedback';
import { Loading, NeedsConnection } from '../../../ui/Page';
import { listSubscriptions, removeSubscription } from '../../notifications/api';
import { PushPanel } from '../../notifications/components/PushPanel';
import { t as tn } from '../../notifications/i18n';
import { endDevice, endOtherDevices, listDevices } from '../api';
import { t } from '../i18n';

type Device = Schemas['Device'];

const deviceName = (device: Device) => [device.system, device.browser].filter(Boolean).join(' · ') || t('devices.unknown');

/**
 * Where this account is signed in; end one, or all but this phone (a lost or shared phone).
 * Push subscriptions belong to these sessions: each device says whether it gets notifications.
 */
export function Devices() {
  const devices = useQuery(listDevices, []);
  const subscriptions = useQuery(listSubscriptions, []);
  const pushOf = (device: Device) => subscriptions.data?.find((s) => s.session_id === device.id) ?? null;
  const current = devices.data?.find((device) => device.is_current);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  // This phone first, then the others by when they were last used.
  const list = [...(devices.data ?? [])].sort((a, b) => Number(b.is_current) - Number(a.is_current) || b.last_seen_at.localeCompare(a.last_seen_at));
  const others = list.filter((device) => !device.is_current);

  const run = async (action: () => Promise<void>, done: string, remaining: (device: Device) => boolean) => {
    setError(null);
    setNotice(null);
    try {
      await action();
      devices.setData(list.filter(remaining));
      setNotice(done);
    } catch (e) {
      setError(e);
    }
  };

  return (
    <>
      {current && <PushPanel mine={pushOf(current)} onChange={subscriptions.reload} />}
      <section class="card" aria-labelledby="devices-h" data-testid="devices">
        <h2 id="devices-h">{t('devices.title')}</h2>
        {devices.needsConnection ? (
          <NeedsConnection />
        ) : !devices.data ? (
          devices.loading ? <Loading /> : <ErrorBox error={devices.error} onRetry={devices.reload} />
        ) : (
          <>
            {notice && <Notice testid="devices-notice">{notice}</Notice>}
            <ErrorBox error={error} />
            <ul class="devices">
              {list.map((device) => (
                <li key={device.id} class="device" data-testid={`device-${device.id}`}>
                  <p class="item-title">
                    <span translate={false}>{deviceName(device)}</span> {device.is_current && <span class="badge badge-ok">{t('devices.this')}</span>}
                    {pushOf(device) && (
                      <span class="badge badge-info" data-testid={`device-push-${device.id}`}>
                        {tn(pushOf(device)?.last_error ? 'push.deviceFailing' : 'push.deviceOn')}
                      </span>
                    )}
                  </p>
                  <p class="muted small">
                    {t('devices.signedIn', { time: fmtTime(device.created_at) })} · {t('devices.lastSeen', { time: fmtTime(device.last_seen_at) })}
                  </p>
                  {!device.is_current && pushOf(device) && (
                    <ConfirmButton
                      class="btn btn-secondary"
                      label={tn('push.stopDevice')}
                      confirmLabel={tn('push.confirmStop')}
                      onConfirm={() => run(() => removeSubscription(pushOf(device)!.id).then(subscriptions.reload), tn('push.stoppedDevice'), () => true)}
                      testid={`stop-push-${device.id}`}
                    />
                  )}
                  {!device.is_current && (
                    <ConfirmButton
                      label={t('devices.end')}
                      confirmLabel={t('devices.confirmEnd')}
                      onConfirm={() => run(() => endDevice(device.id), t('devices.ended'), (d) => d.id !== device.id)}
                      testid={`end-device-${device.id}`}
                    />
                  )}
                </li>
              ))}
            </ul>
            {others.length > 1 && (
              <ConfirmButton
                label={t('devices.endOthers')}
                confirmLabel={t('devices.confirmEndOthers')}
                onConfirm={() => run(endOtherDevices, t('devices.endedOthers'), (d) => d.is_current)}
                testid="end-other-devices"
              />
            )}
            {others.length === 0 && <p class="muted">{t('devices.none')}</p>}
          </>
        )}
      </section>
    </>
  );
}
