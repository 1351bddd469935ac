import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { fmtTime } from '../../../i18n';
import { Badge } from '../../../ui/feedback';
import type { Event, ReportPhoto, ReportStatus, ReportSummary, Severity } from '../api';
import { t } from '../i18n';
import { ACTOR_LABEL, SEVERITY_LABEL, STATUS_LABEL, eventText, statusKind } from '../labels';

export function StatusBadge({ status, testid }: { status: ReportStatus; testid?: string }) {
  return (
    <Badge kind={statusKind(status)} testid={testid}>
      {t(STATUS_LABEL[status])}
    </Badge>
  );
}

export function SeverityBadge({ severity }: { severity: Severity }) {
  return <span class={`sev sev-${severity}`}>{t(SEVERITY_LABEL[severity])}</span>;
}

/** A case in a list: what, how serious, where it stands, when; a photo if it has one. */
export function CaseRow({ report, children, lead }: { report: ReportSummary; children?: ComponentChildren; lead?: ComponentChildren }) {
  return (
    <li class="list-item case-row" data-testid={`case-${report.id}`} data-status={report.status}>
      {lead}
      <a href={`/reports/${report.id}`} class="case-link grow">
        {report.cover_thumb_url ? (
          <img class="case-thumb" src={report.cover_thumb_url} alt="" loading="lazy" width={64} height={64} />
        ) : (
          <span class="case-thumb case-thumb-empty" aria-hidden="true" />
        )}
        <span class="case-text">
          <span class="item-title">
            {report.category.name} <span class="muted small nowrap">#{report.id}</span>
          </span>
          <span class="case-badges">
            <StatusBadge status={report.status} testid={`case-${report.id}-status`} />
            <SeverityBadge severity={report.severity} />
            {report.is_overdue && <Badge kind="bad">{t('detail.overdue')}</Badge>}
          </span>
          {report.description && <span class="case-desc">{report.description}</span>}
          <span class="muted small">
            {fmtTime(report.created_at)}
            {report.address ? ` · ${report.address}` : ''}
            {report.department ? ` · ${report.department.name}` : ''}
          </span>
        </span>
      </a>
      {children}
    </li>
  );
}

/** Thumbnails; a tap shows the photo large, over the screen, until closed. */
export function PhotoGallery({ photos, title, testid }: { photos: ReportPhoto[]; title: string; testid: string }) {
  const [open, setOpen] = useState<number | null>(null);
  const closer = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (open === null) return;
    closer.current?.focus();
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && setOpen(null);
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, [open]);
  if (!photos.length) return null;
  const shown = open === null ? null : photos[open];
  return (
    <section class="card" data-testid={testid}>
      <h2>{title}</h2>
      <ul class="photo-grid">
        {photos.map((photo, i) => (
          <li key={photo.content_id} class="photo-tile">
            <button type="button" class="photo-open" onClick={() => setOpen(i)} aria-label={t('detail.openPhoto', { n: i + 1 })} data-testid={`${testid}-${i}`}>
              <img src={photo.thumb_url} alt="" loading="lazy" />
            </button>
          </li>
        ))}
      </ul>
      {shown && (
        <div class="lightbox" role="dialog" aria-modal="true" aria-label={t('detail.openPhoto', { n: (open ?? 0) + 1 })} onClick={() => setOpen(null)} data-testid="lightbox">
          <img src={shown.url} alt={t('detail.openPhoto', { n: (open ?? 0) + 1 })} width={shown.width} height={shown.height} />
          <button type="button" ref={closer} class="btn btn-secondary lightbox-close" onClick={() => setOpen(null)}>
            {t('detail.closePhoto')}
          </button>
        </div>
      )}
    </section>
  );
}

/** Every step of the case, oldest first: when, what, who (staff see names), and the note. */
export function Timeline({ events }: { events: Event[] }) {
  return (
    <ol class="timeline" data-testid="timeline">
      {events.map((event) => {
        const who = event.actor && 'display_name' in event.actor ? event.actor.display_name : t(ACTOR_LABEL[event.actor_role]);
        return (
          <li key={event.id} class="timeline-item" data-action={event.action} data-testid={`event-${event.action}`}>
            <p class="item-title">
              {eventText(event)}
              {event.department && <span class="muted"> · {event.department.name}</span>}
              {event.is_public === false && (
                <>
                  {' '}
                  <Badge kind="muted">{t('detail.internal')}</Badge>
                </>
              )}
            </p>
            <p class="muted small">
              {fmtTime(event.at)} · {who}
            </p>
            {event.note && <p class="timeline-note">{event.note}</p>}
            {event.duplicate_of_id && (
              <p>
                <a href={`/reports/${event.duplicate_of_id}`}>{t('detail.duplicateOf', { id: event.duplicate_of_id })}</a>
              </p>
            )}
          </li>
        );
      })}
    </ol>
  );
}
