import { BusinessCalendar } from './calendar';
import { chineseDaysData, withOverrides, type CalendarData } from './data';
import overrides from './overrides.json' with { type: 'json' };

export { BusinessCalendar, CalendarRangeError, SHANGHAI_OFFSET_MS, type CalendarDay, type Instant } from './calendar';
export { chineseDaysData, isCalendarDate, withOverrides, PACKAGE_SOURCE, type CalendarData, type CalendarOverrides, type Day, type DayEntry } from './data';
export { isoWeekBounds, isoWeekOf, type IsoWeek } from './weeks';
export { CALLBACK_HOURS, calendarPolicy, type CalendarPolicy, type DailyHours } from './policy';

/**
 * A calendar from `base` (the package's data unless given) with `overrides` applied (none unless
 * given; the app's are `overrides.json`). Throws `ValidationError` for overrides it cannot use.
 */
export function createBusinessCalendar(options: { overrides?: unknown; base?: CalendarData } = {}): BusinessCalendar {
  const base = options.base ?? chineseDaysData();
  return new BusinessCalendar(options.overrides === undefined ? base : withOverrides(base, options.overrides));
}

/**
 * The app's calendar: chinese-days with `overrides.json`, built when a function first loads this
 * module, so a broken override file fails every cold start loudly instead of one rule later.
 */
export const businessCalendar: BusinessCalendar = createBusinessCalendar({ overrides });
