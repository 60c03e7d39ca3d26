import * as z from 'zod';
import { missingOr } from '../../events/define';
import { nonEmptyText, numberBetween, oneOf } from '../../events/schema-kit';
import { ValidationError } from '../../shared/errors';
import type { FieldError } from '../../shared/validation';
import { fieldPath } from '../../shared/validation';
import data from './locations.json' with { type: 'json' };

export const LocationKind = oneOf('kind', ['warehouse', 'store']);
export type LocationKind = z.infer<typeof LocationKind>;

export const Location = z.object(
  {
    locationId: nonEmptyText('locationId'),
    kind: LocationKind,
    name: nonEmptyText('name'),
    city: nonEmptyText('city'),
    lat: numberBetween('lat', -90, 90),
    lng: numberBetween('lng', -180, 180),
  },
  { error: missingOr('location', 'an object') },
);
export type Location = z.infer<typeof Location>;

const Locations = z
  .array(Location, { error: missingOr('locations', 'a list') })
  .min(1, 'locations must contain at least one location');

/**
 * The fulfilment locations (reference data, business rules §2), validated. Without an argument it
 * reads `locations.json`; tests and operators can pass another list of the same shape.
 */
export function loadLocations(json: unknown = data): Location[] {
  const result = Locations.safeParse(json);
  const errors: FieldError[] = result.success ? duplicates(result.data) : result.error.issues.map((issue) => named(json, issue));
  if (errors.length) throw new ValidationError('invalid locations', errors);
  return result.data!;
}

/** `locations[2].lat`, with the entry's id in the message so the bad entry is obvious in a list of many. */
function named(json: unknown, issue: z.core.$ZodIssue): FieldError {
  const field = fieldPath(['locations', ...(issue.path as PropertyKey[])]);
  const index = issue.path[0];
  const entry = Array.isArray(json) && typeof index === 'number' ? json[index] : undefined;
  const id = entry && typeof entry === 'object' ? (entry as { locationId?: unknown }).locationId : undefined;
  return { field, message: typeof id === 'string' && id ? `${id}: ${issue.message}` : issue.message };
}

function duplicates(locations: Location[]): FieldError[] {
  const seen = new Set<string>();
  return locations.flatMap((location, index) => {
    if (!seen.has(location.locationId)) {
      seen.add(location.locationId);
      return [];
    }
    return [{ field: `locations[${index}].locationId`, message: `${location.locationId}: duplicate locationId` }];
  });
}
