/**
 * The numbers of the business calendar (business rules, "Business calendar"). Values marked
 * **default** are ours, not the source documents': change them here, not in a flow or a handler.
 * The holidays and make-up working days are not policy but data: `chinese-days`, corrected and
 * extended by `overrides.json` next to this file.
 */

/**
 * A daily window in Asia/Shanghai wall-clock time, `HH:MM`: `start` inclusive, `end` exclusive
 * (`end` may be `24:00`). `09:00`–`21:00` holds 09:00:00.000 up to 20:59:59.999.
 */
export interface DailyHours {
  readonly start: string;
  readonly end: string;
}

export interface CalendarPolicy {
  /** When members may be called back, on every day that is not a statutory holiday. */
  readonly callbackHours: DailyHours;
}

export const calendarPolicy: CalendarPolicy = Object.freeze({
  // §5 (002 §二(二) asks for callbacks, names no hours): 09:00–21:00 Asia/Shanghai (**default**),
  // every day, weekends included, except statutory holidays (**default**).
  callbackHours: Object.freeze({ start: '09:00', end: '21:00' }),
});

/** The callback hours of the policy: what `nextInHours` and `endOfHours` use unless told otherwise. */
export const CALLBACK_HOURS: DailyHours = calendarPolicy.callbackHours;
