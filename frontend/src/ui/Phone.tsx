import { formatPhone } from './labels';

/** A phone number that dials when tapped; a full-size tap target, not a 21 px text link. */
export function PhoneLink({ phone }: { phone: string }) {
  return (
    <a class="tap-link nowrap" href={`tel:${phone}`}>
      {formatPhone(phone)}
    </a>
  );
}
