import { assertFen, formatYuan, type Fen } from '../../shared/money';
import { ValidationError } from '../../shared/errors';
import type { FieldError } from '../../shared/validation';
import type { Location, LocationKind } from './locations';
import type { OrderRoutingPolicy } from './policy';

// Pure routing rules (business rules §2): no I/O, so every decision can be replayed from its input.

export interface Point {
  lat: number;
  lng: number;
}

export interface OrderLine {
  skuId: string;
  quantity: number;
}

export interface Allocation {
  locationId: string;
  skuId: string;
  quantity: number;
}

export type RoutingRule = 'nearest-store' | 'warehouse' | 'nearest-any' | 'split' | 'none' | 'delisted';

export interface Candidate {
  locationId: string;
  kind: LocationKind;
  /** Rounded to 0.1 km for people; the rules compare unrounded distances. */
  distanceKm: number;
  /** Whether this location alone has every line in stock. */
  canServe: boolean;
  /** Why it won or lost. */
  why: string;
}

/** A line nobody can fill, even splitting it across every location. */
export interface Shortage {
  skuId: string;
  requested: number;
  availableAnywhere: number;
}

export interface RoutingDecision {
  /** `refused`: a line's SKU is delisted and can no longer be ordered; nothing is reserved. */
  outcome: 'routed' | 'stock-out' | 'refused';
  allocations: Allocation[];
  /** Set when one location serves the whole order. */
  locationId?: string;
  rule: RoutingRule;
  /** One sentence an ops person understands. */
  reason: string;
  /** Every location, nearest first. */
  candidates: Candidate[];
  /** Lines (one per SKU) the allocations do not cover; empty when routed. */
  unservedLines: OrderLine[];
  /** On stock-out, the lines that cannot be filled anywhere: what the customer is told about. */
  shortages: Shortage[];
}

export interface RoutingInput {
  lines: OrderLine[];
  shipTo: Point;
  locations: readonly Location[];
  /** Units of a SKU a location can still promise (on hand minus reserved). */
  available: (skuId: string, locationId: string) => number;
  policy: Pick<OrderRoutingPolicy, 'storeRadiusKm'>;
  /** Whether the catalog delisted the SKU (business rules §1: a delisted SKU can no longer be ordered). */
  delisted?: (skuId: string) => boolean;
}

const EARTH_RADIUS_KM = 6371.0088;

/** Great-circle distance (haversine), in km. */
export function distanceKm(a: Point, b: Point): number {
  const rad = (degrees: number) => (degrees * Math.PI) / 180;
  const dLat = rad(b.lat - a.lat);
  const dLng = rad(b.lng - a.lng);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

interface Site {
  location: Location;
  km: number;
  /** Per SKU of the order: units this site can give (never negative). */
  stock: Map<string, number>;
  /** The SKUs it cannot fully serve, as "no stock of X (needs n, has m)". */
  gaps: string[];
}

/**
 * Chooses where an order ships from, in the order of business rules §2:
 * 1. the nearest store within `storeRadiusKm` that has every line;
 * 2. else the nearest warehouse that has every line;
 * 3. else the nearest location of any kind that has every line;
 * 4. else a split: each line from the nearest location that has all of it, otherwise in parts from
 *    the nearest locations that have some, taking only what is still needed.
 * Ties in distance go to the lower locationId, so the same input always gives the same decision.
 *
 * Stock-out: when even a split leaves something uncovered, nothing is allocated and every line is
 * in `unservedLines`. The stock-out flow handles the order as a whole (the customer may cancel or
 * exchange it), so reserving part of it would only hold stock other orders could ship; that flow
 * joins the restock waitlist per line, which reserves at once whatever is in stock by then.
 * `shortages` names the lines that are actually missing.
 */
export function chooseFulfilment(input: RoutingInput): RoutingDecision {
  const lines = mergeLines(input.lines);
  const delisted = lines.filter((line) => input.delisted?.(line.skuId));
  if (delisted.length) {
    return {
      outcome: 'refused',
      allocations: [],
      rule: 'delisted',
      reason: `Not routed: ${delisted.map((l) => l.skuId).join(', ')} ${delisted.length > 1 ? 'are' : 'is'} delisted and can no longer be ordered. Nothing is reserved.`,
      candidates: [],
      unservedLines: delisted.map((line) => ({ ...line })),
      shortages: [],
    };
  }
  const radius = input.policy.storeRadiusKm;
  const sites = input.locations
    .map((location) => site(location, lines, input))
    .sort((a, b) => a.km - b.km || a.location.locationId.localeCompare(b.location.locationId));
  const full = sites.filter((s) => s.gaps.length === 0);
  const withinRadius = (s: Site) => s.location.kind === 'store' && s.km <= radius;

  const store = full.find(withinRadius);
  if (store) return single(store, 'nearest-store', sites, lines, radius);
  const warehouse = full.find((s) => s.location.kind === 'warehouse');
  if (warehouse) return single(warehouse, 'warehouse', sites, lines, radius);
  const any = full[0];
  if (any) return single(any, 'nearest-any', sites, lines, radius);
  return split(sites, lines);
}

function mergeLines(lines: OrderLine[]): OrderLine[] {
  const errors: FieldError[] = [];
  lines.forEach((line, i) => {
    if (!line.skuId) errors.push({ field: `lines[${i}].skuId`, message: 'skuId must not be empty' });
    if (!Number.isSafeInteger(line.quantity) || line.quantity <= 0) {
      errors.push({ field: `lines[${i}].quantity`, message: `quantity must be a whole number above 0, got ${line.quantity}` });
    }
  });
  if (!lines.length) errors.push({ field: 'lines', message: 'lines must contain at least one line' });
  if (errors.length) throw new ValidationError('order lines are invalid', errors);
  const merged = new Map<string, number>();
  for (const line of lines) merged.set(line.skuId, (merged.get(line.skuId) ?? 0) + line.quantity);
  return [...merged].map(([skuId, quantity]) => ({ skuId, quantity }));
}

function site(location: Location, lines: OrderLine[], input: RoutingInput): Site {
  const stock = new Map<string, number>();
  const gaps: string[] = [];
  for (const { skuId, quantity } of lines) {
    const raw = input.available(skuId, location.locationId);
    // A bad count (negative, NaN) means "nothing to promise", never extra stock.
    const has = Number.isFinite(raw) ? Math.max(0, Math.floor(raw)) : 0;
    stock.set(skuId, has);
    if (has < quantity) gaps.push(`no stock of ${skuId} (needs ${quantity}, has ${has})`);
  }
  return { location, km: distanceKm(input.shipTo, location), stock, gaps };
}

const km = (value: number) => Math.round(value * 10) / 10;
const label = (s: Site) => `${s.location.kind} ${s.location.locationId} (${s.location.name})`;

function single(chosen: Site, rule: RoutingRule, sites: Site[], lines: OrderLine[], radius: number): RoutingDecision {
  const id = chosen.location.locationId;
  const where = `${label(chosen)}, ${km(chosen.km)} km from the customer`;
  const reason = {
    'nearest-store': `Shipped from ${where}, the nearest store within ${radius} km that has every item.`,
    warehouse: `Shipped from ${where}: no store within ${radius} km has every item, and it is the nearest warehouse that does.`,
    'nearest-any': `Shipped from ${where}: no store within ${radius} km and no warehouse has every item, and it is the nearest location that does.`,
  }[rule as 'nearest-store' | 'warehouse' | 'nearest-any'];
  const candidates = sites.map((s) => candidate(s, s === chosen ? `chosen: ${chosenWhy(rule, radius)}` : loserWhy(s, chosen, rule, radius)));
  return {
    outcome: 'routed',
    allocations: lines.map((line) => ({ locationId: id, ...line })),
    locationId: id,
    rule,
    reason,
    candidates,
    unservedLines: [],
    shortages: [],
  };
}

function chosenWhy(rule: RoutingRule, radius: number): string {
  if (rule === 'nearest-store') return `nearest store within ${radius} km with every item`;
  if (rule === 'warehouse') return 'nearest warehouse with every item';
  return 'nearest location with every item';
}

function loserWhy(s: Site, chosen: Site, rule: RoutingRule, radius: number): string {
  if (s.gaps.length) return s.gaps.join('; ');
  const farther = `${km(s.km)} km away, farther than ${chosen.location.locationId} (${km(chosen.km)} km)`;
  const beyond = `${km(s.km)} km away, beyond the ${radius} km store radius`;
  if (s.location.kind === 'store') {
    // Rules 1 and 2 only skip a store that has everything when it is too far for rule 1.
    if (s.km > radius) return rule === 'nearest-any' ? farther : beyond;
    return farther;
  }
  if (rule === 'nearest-store') return `a store within ${radius} km has every item, and stores come first`;
  return farther;
}

function candidate(s: Site, why: string): Candidate {
  return { locationId: s.location.locationId, kind: s.location.kind, distanceKm: km(s.km), canServe: s.gaps.length === 0, why };
}

function split(sites: Site[], lines: OrderLine[]): RoutingDecision {
  const allocations: Allocation[] = [];
  const unserved: OrderLine[] = [];
  for (const { skuId, quantity } of lines) {
    // One parcel per line when some location has all of it; parts only when none does.
    const whole = sites.find((s) => s.stock.get(skuId)! >= quantity);
    if (whole) {
      allocations.push({ locationId: whole.location.locationId, skuId, quantity });
      continue;
    }
    let remaining = quantity;
    for (const s of sites) {
      const take = Math.min(remaining, s.stock.get(skuId)!);
      if (take > 0) allocations.push({ locationId: s.location.locationId, skuId, quantity: take });
      remaining -= take;
      if (remaining === 0) break;
    }
    if (remaining > 0) unserved.push({ skuId, quantity: remaining });
  }

  if (unserved.length) {
    const shortages = unserved.map(({ skuId }) => {
      const requested = lines.find((l) => l.skuId === skuId)!.quantity;
      return { skuId, requested, availableAnywhere: sites.reduce((sum, s) => sum + s.stock.get(skuId)!, 0) };
    });
    const missing = shortages.map((s) => `${s.skuId} needs ${s.requested}, only ${s.availableAnywhere} available anywhere`).join('; ');
    return {
      outcome: 'stock-out',
      allocations: [],
      rule: 'none',
      reason: `Out of stock: ${missing}. Nothing is reserved; the stock-out flow handles the order.`,
      candidates: sites.map((s) => candidate(s, s.gaps.join('; '))),
      unservedLines: lines.map((line) => ({ ...line })),
      shortages,
    };
  }

  const used = [...new Set(allocations.map((a) => a.locationId))];
  const candidates = sites.map((s) => {
    const parts = allocations.filter((a) => a.locationId === s.location.locationId);
    const share = parts.length ? `ships ${parts.map((a) => `${a.quantity} × ${a.skuId}`).join(', ')} of the split` : 'not needed for the split';
    return candidate(s, `${s.gaps.join('; ')}; ${share}`);
  });
  return {
    outcome: 'routed',
    allocations,
    rule: 'split',
    reason: `Split across ${used.join(', ')}: no single location has every item, so each item ships from the nearest location that has it.`,
    candidates,
    unservedLines: [],
    shortages: [],
  };
}

export interface HighValueHandling {
  highValue: boolean;
  giftPackaging: boolean;
  freeSample: boolean;
  priorityQc: boolean;
  /** The "priority QC" note put on the order. */
  note?: string;
}

/** Business rules §2: an order strictly above the threshold gets gift packaging, a sample and priority QC. */
export function highValueHandling(totalFen: Fen, policy: Pick<OrderRoutingPolicy, 'highValueThresholdFen'>): HighValueHandling {
  assertFen(totalFen, 'totalFen');
  const highValue = totalFen > policy.highValueThresholdFen;
  if (!highValue) return { highValue, giftPackaging: false, freeSample: false, priorityQc: false };
  return {
    highValue,
    giftPackaging: true,
    freeSample: true,
    priorityQc: true,
    note: `Priority QC: high-value order (${formatYuan(totalFen)}, above ${formatYuan(policy.highValueThresholdFen)}).`,
  };
}
