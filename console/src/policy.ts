/** The console's numbers, each with why it is what it is (our defaults). */

/** The inbox reloads on its own this often: due times move by the minute, a new task should show within a breath. */
export const INBOX_REFRESH_MS = 15_000;

/** A flow page still running reloads this often, so a decision's effect shows without a click. */
export const FLOW_REFRESH_MS = 3_000;

/** Tasks per inbox page: a screenful. The API allows 1–100. */
export const INBOX_PAGE_SIZE = 20;

/** Weeks of callback coverage the reports chart shows: about a quarter of a year's trend at a glance would be 13; 8 fit the page. */
export const CALLBACK_WEEKS = 8;

/** Callback weeks are ISO weeks in Asia/Shanghai (UTC+8, no daylight saving), as the callbacks report counts them. */
export const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
