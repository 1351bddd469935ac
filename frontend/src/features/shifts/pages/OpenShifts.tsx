import { useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { locale } from '../../../i18n';
import { getPosition, type NoFixReason } from '../../../map/position';
import { ActionButton } from '../../../ui/buttons';
import { usePagedQuery } from '../../../ui/data';
import { ErrorBox, Info, Notice } from '../../../ui/feedback';
import { Page } from '../../../ui/Page';
import { PagedList } from '../../../ui/PagedList';
import { me } from '../../session/state';
import { listSwapOffers, openShifts, takeSwap, type SwapOffer } from '../api';
import { ShiftRow } from '../components/ShiftRow';
import { SignUpButton } from '../components/SignUp';
import { t } from '../i18n';
import { isDay } from '../time';
import { dayName } from '../when';

const GEO_TEXT = { denied: 'geo.denied', unavailable: 'geo.unavailable', timeout: 'geo.unavailable', unsupported: 'geo.unsupported' } as const satisfies Record<
  NoFixReason,
  Parameters<typeof t>[0]
>;

function SwapRow({ offer }: { offer: SwapOffer }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [status, setStatus] = useState<SwapOffer['status']>(offer.status);
  const take = async () => {
    setBusy(true);
    setError(null);
    try {
      setStatus((await takeSwap(offer.id)).status);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <ShiftRow shift={offer.shift} testid={`swap-${offer.id}`}>
      <p class="muted small">{t('open.swapOfferedBy', { name: offer.offered_by.display_name })}</p>
      <ErrorBox error={error} />
      {status === 'open' ? (
        <div class="row-actions">
          <ActionButton class="btn btn-primary" busy={busy} onClick={take} testid={`take-swap-${offer.id}`}>
            {t('open.takeSwap')}
          </ActionButton>
        </div>
      ) : (
        <Notice testid={`swap-result-${offer.id}`}>{t(status === 'done' ? 'open.swapDone' : 'open.swapTaken')}</Notice>
      )}
    </ShiftRow>
  );
}

/** Shifts I can take: soonest first, or nearest first when the phone gives its position. */
export default function OpenShifts() {
  const { query } = useLocation();
  const [near, setNear] = useState<{ lon: number; lat: number } | null>(null);
  const [locating, setLocating] = useState(false);
  const [geoProblem, setGeoProblem] = useState<NoFixReason | null>(null);
  const [done, setDone] = useState<Record<number, string>>({});
  const list = usePagedQuery((page) => openShifts(page, near ?? undefined), [near?.lon, near?.lat]);
  const swaps = usePagedQuery((page) => listSwapOffers('open', page), []);
  const others = swaps.items.filter((offer) => offer.offered_by.id !== me.value?.id);

  const locate = async () => {
    setLocating(true);
    setGeoProblem(null);
    const { fix, reason } = await getPosition({ timeout: 15000, maximumAge: 120000 });
    setLocating(false);
    if (fix) setNear({ lon: fix.lon, lat: fix.lat });
    else setGeoProblem(reason);
  };

  return (
    <Page title={t('open.title')} back="/shifts" testid="open-shifts-page">
      {others.length > 0 && (
        <section aria-labelledby="swaps-h" data-testid="open-swaps">
          <h2 id="swaps-h">{t('open.swaps')}</h2>
          <p class="hint">{t('open.swapsHint')}</p>
          <ul class="list">
            {others.map((offer) => (
              <SwapRow key={offer.id} offer={offer} />
            ))}
          </ul>
        </section>
      )}
      {isDay(query.week) && <Info>{t('open.weekOpened', { week: dayName(query.week, locale.value, false) })}</Info>}
      <div class="btn-row">
        {near ? (
          <button type="button" class="btn btn-secondary" onClick={() => setNear(null)} data-testid="sort-soonest">
            {t('open.sortSoonest')}
          </button>
        ) : (
          <button type="button" class="btn btn-secondary" onClick={locate} disabled={locating} data-testid="sort-nearest">
            {locating ? t('open.locating') : t('open.sortNearest')}
          </button>
        )}
      </div>
      {near && <p class="muted" data-testid="sorted-nearest">{t('open.sortedNearest')}</p>}
      {geoProblem && <Info testid="geo-problem">{t(GEO_TEXT[geoProblem])}</Info>}
      <PagedList
        list={list}
        testid="open-shifts"
        empty={t('open.empty')}
        row={(shift) => (
          <ShiftRow key={shift.id} shift={shift} map me={near ? [near.lon, near.lat] : undefined}>
            {done[shift.id] ? (
              <Notice testid={`signed-up-${shift.id}`}>
                {done[shift.id]}{' '}
                <a href={`/shifts/${shift.id}`} class="tap-link">
                  {t('shift.open')}
                </a>
              </Notice>
            ) : (
              <div class="row-actions">
                <SignUpButton
                  shiftId={shift.id}
                  testid={`signup-${shift.id}`}
                  onDone={(_, waitlisted) => setDone((old) => ({ ...old, [shift.id]: t(waitlisted ? 'detail.joinedWaitlist' : 'open.signedUp') }))}
                />
              </div>
            )}
          </ShiftRow>
        )}
      />
    </Page>
  );
}
