import type { Translation } from '../../../i18n';
import type zh from './zh-CN';

const en: Translation<typeof zh> = {
  'approvals.title': 'Approve members',
  'approvals.accounts': 'New accounts',
  'approvals.requests': 'Requests to join another team',
  'approvals.none': 'No one is waiting for approval.',
  'approvals.noRequests': 'No requests to join a team.',
  'approvals.approve': 'Approve',
  'approvals.reject': 'Reject',
  'approvals.confirmReject': 'Confirm reject',
  'approvals.approved': 'Approved: {name}',
  'approvals.rejected': 'Rejected: {name}',
  'approvals.registered': 'Registered {time}',
  'approvals.requested': 'Requested {time}',
  'approvals.wantsToJoin': 'Wants to join {team}',
  'approvals.noTeam': 'No team',
};
export default en;
