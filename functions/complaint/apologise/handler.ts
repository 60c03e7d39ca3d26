import { taskHandler } from '../../../shared/handlers/task';
import { notify } from '../../../shared/notifications/send';
import { ComplaintState } from '../state';

/** The apology goes out at once, before anyone has looked at the complaint (business rules §4). */
export const handler = taskHandler(ComplaintState, async ({ complaintId, memberId }) => {
  const status = await notify({ key: complaintId, type: 'apology', recipient: { memberId }, data: { note: 'We are sorry. A customer service agent will contact you within the hour.' } });
  return { status };
});
