import { deliverDue } from '../../../shared/notifications/send';

/** Scheduled sweep: sends notifications a provider refused earlier, with backoff. */
export const handler = async () => deliverDue();
