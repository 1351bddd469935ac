import { useState } from 'preact/hooks';
import { ActionButton } from '../../../ui/buttons';
import { usePagedQuery } from '../../../ui/data';
import { ErrorBox, Notice } from '../../../ui/feedback';
import { PagedList } from '../../../ui/PagedList';
import { approveSwap, listSwapOffers, type SwapOffer } from '../api';
import { ShiftRow } from './ShiftRow';
import { t } from '../i18n';

function WaitingSwap({ offer }: { offer: SwapOffer }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState(false);
  const taker = offer.taken_by && 'display_name' in offer.taken_by ? offer.taken_by.display_name : '';
  const names = { from: offer.offered_by.display_name, to: taker };
  const approve = async () => {
    setBusy(true);
    setError(null);
    try {
      await approveSwap(offer.id);
      setDone(true);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <ShiftRow shift={offer.shift} testid={`swap-${offer.id}`}>
      <p class="item-title">{t('swaps.from', names)}</p>
      <ErrorBox error={error} />
      {done ? (
        <Notice testid={`swap-approved-${offer.id}`}>{t('swaps.approved', names)}</Notice>
      ) : (
        <div class="row-actions">
          <ActionButton class="btn btn-primary" busy={busy} onClick={approve} testid={`approve-swap-${offer.id}`}>
            {t('swaps.approve')}
          </ActionButton>
        </div>
      )}
    </ShiftRow>
  );
}

/** Swaps someone took, waiting for a coordinator (on the week board); places offered that nobody took yet. */
export function SwapApprovals() {
  const waiting = usePagedQuery((page) => listSwapOffers('taken', page), []);
  const open = usePagedQuery((page) => listSwapOffers('open', page), []);
  return (
    <section aria-labelledby="swaps-h" data-testid="swaps">
      <h2 id="swaps-h">{t('swaps.waiting')}</h2>
      <PagedList list={waiting} testid="swaps-waiting" empty={t('swaps.waitingEmpty')} emptyTestid="swaps-waiting-empty" row={(offer) => <WaitingSwap key={offer.id} offer={offer} />} />
      {open.items.length > 0 && (
        <>
          <h2>{t('swaps.open')}</h2>
          <PagedList
            list={open}
            testid="swaps-open"
            empty=""
            row={(offer) => (
              <ShiftRow key={offer.id} shift={offer.shift} testid={`swap-${offer.id}`}>
                <p class="muted small">{t('open.swapOfferedBy', { name: offer.offered_by.display_name })}</p>
              </ShiftRow>
            )}
          />
        </>
      )}
    </section>
  );
}
