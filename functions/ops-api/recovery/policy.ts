/**
 * The numbers of the recovery routes (ours, not AWS's, unless said).
 */

/** `GET /flows` page size when none is asked for; at most 100 (the query schema's bound). */
export const DEFAULT_FLOWS_PAGE = 25;

/**
 * Instances one `POST /flows/{flow}/redrive` call redrives. An HTTP API integration answers
 * within 30 s (API Gateway's limit), and each instance costs a describe and a redrive; the
 * answer says `more: true` when more matched, and the CLI calls again until none is left.
 */
export const BULK_REDRIVE_LIMIT = 100;

/** Redrives in flight at once in a bulk call: within Step Functions' RedriveExecution rate. */
export const REDRIVE_CONCURRENCY = 10;

/**
 * How long a restart's claim on an EXPRESS instance holds if its start never happens: an Express
 * execution runs at most 5 minutes (AWS's limit, and the order-routing machine's timeout), as
 * the intake's claim does (CLAIM_STARTS_SECONDS, the machine's timeout).
 */
export const EXPRESS_CLAIM_SECONDS = 5 * 60;

/** History events read (newest first) to find the step an instance is in or failed at. */
export const HISTORY_EVENTS_FOR_STEP = 100;

/** Dead letters one `POST /quarantine/dead-letters/redrive` call puts back on the bus (see BULK_REDRIVE_LIMIT). */
export const DEAD_LETTER_REDRIVE_LIMIT = 100;

/** Seconds a dead letter being redriven stays hidden from other readers (SQS visibility timeout). */
export const DEAD_LETTER_VISIBILITY_SECONDS = 60;
