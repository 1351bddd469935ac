import { useLocation } from 'preact-iso';
import { capabilities } from '../../session/state';
import { MyHoursView } from '../components/MyHoursView';
import { UnitHoursView } from '../components/UnitHoursView';

/**
 * Hours: a member's own month (`/hours`), or for coordinators and officers each member's
 * month in a unit (`/hours?members=1&unit=…`), with the exports.
 */
export default function Hours() {
  const { query } = useLocation();
  const can = capabilities.value;
  const staff = can.plan_shifts || can.read_audit;
  return staff && (query.members || !can.take_shifts) ? <UnitHoursView /> : <MyHoursView />;
}
