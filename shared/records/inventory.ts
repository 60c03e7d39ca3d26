import { createHash } from 'node:crypto';
import {
  DeleteCommand,
  GetCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { documents } from '../aws';
import { nowIso } from '../clock';
import { InsufficientStockError, TransientError, ValidationError } from '../errors';
import type { FieldError } from '../validation';
import { DynamoTable, type QueryExpression } from '../dynamo';
import { skuPartition } from './catalog';
import { orderPartition } from './orders';
import { recordsTable } from './table';

/**
 * Stock, reservations and the restock waitlist, in the Records table (business rules §2, §3).
 *
 * Items (pk / sk):
 * - `SKU#<skuId>` / `LOC#<locationId>`: `onHand`, `reserved` and `available` (= onHand − reserved).
 * - `STOCKEVENT#<sha256(sku|location|quantity|receivedAt)>` / `applied`: a StockReceived applied.
 * - `ORDER#<orderId>` / `RESERVATION`: what routing reserved for the whole order.
 * - `ORDER#<orderId>` / `RESERVATION#<skuId>`: what the waitlist reserved for one line. A separate
 *   item per SKU, so an order waiting on two SKUs gets each exactly once.
 * - `WAITLIST#<skuId>` / `<placedAt>#<orderId>`: an order line waiting for a restock, oldest first.
 *
 * The stock condition: DynamoDB conditions cannot compute onHand − reserved, so every write that
 * changes onHand or reserved changes `available` by the same amount in the same update expression,
 * and reservations are conditioned on `available >= quantity`. A single-item update is atomic, so
 * the three numbers never drift apart, and no reservation needs a prior read (no optimistic retry
 * under contention, unlike conditioning on `reserved <= :max` computed from a read).
 *
 * Who waits is told elsewhere: the stock-out flow records its wait (`restock-waits.ts`) and resumes
 * once `reservationOf` holds every line it waits for.
 */

export interface InventoryRepositoryOptions {
  /** The Records table's name; the function's bound table by default. */
  table?: string;
  client?: DynamoDBDocumentClient;
  /** "Now" for reservedAt and registeredAt; the shared clock by default. */
  now?: () => string;
}

export interface Allocation {
  locationId: string;
  skuId: string;
  quantity: number;
}

export interface StockReceipt {
  skuId: string;
  locationId: string;
  quantity: number;
  receivedAt: string;
}

export interface WaitlistEntry {
  orderId: string;
  skuId: string;
  quantity: number;
  placedAt: string;
}

export interface ServedWaiter {
  orderId: string;
  skuId: string;
  quantity: number;
  locationId: string;
  placedAt: string;
}

export interface StockReceivedResult {
  /** False when this receipt had been applied before (a duplicate event). */
  applied: boolean;
  /** Waiting orders now reserved, oldest first: the caller resumes their flows. */
  fulfilledWaiters: ServedWaiter[];
}

export interface Reservation {
  orderId: string;
  /** The routing reservation's lines, then the lines reserved from the waitlist. */
  allocations: Allocation[];
  /** The earliest reservation of the order. */
  reservedAt: string;
}

export type JoinWaitlistResult = { reserved: Allocation } | { waiting: true };

interface StockItem {
  skuId: string;
  locationId: string;
  onHand: number;
  reserved: number;
  available: number;
}

interface ReservationItem {
  pk: string;
  sk: string;
  orderId: string;
  reservationId: string;
  allocations: Allocation[];
  reservedAt: string;
}

/** A waitlist entry as stored. */
export interface WaitlistItem extends WaitlistEntry {
  pk: string;
  sk: string;
  registeredAt: string;
  /**
   * New on every (re)registration, so a restock serves only the registration it read: a line that
   * left the waitlist in between (a cancelled order) is not reserved from a stale read.
   */
  registrationId: string;
}

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];
type Outcome = { ok: true } | { ok: false; reasons: CancellationReason[] };
interface CancellationReason {
  Code?: string;
  Item?: Record<string, { N?: string }>;
}

const MAX_ATTEMPTS = 8;
/** Waiters reserved in the same transaction as the restock (2 items each, within the 100-item limit). */
const WAITERS_PER_RESTOCK = 40;
const MAX_TRANSACT_ITEMS = 100;
const RESERVATION = 'RESERVATION';

const NAMES = { '#onHand': 'onHand', '#reserved': 'reserved', '#available': 'available' };

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
/** Jittered, growing backoff so racing writers do not collide again in lockstep. */
const backoff = (attempt: number) => sleep(Math.random() * 10 * 2 ** Math.min(attempt, 5));

const isConflictOnly = (reasons: CancellationReason[]) =>
  reasons.some((r) => r.Code === 'TransactionConflict') && reasons.every((r) => !r.Code || r.Code === 'None' || r.Code === 'TransactionConflict');

/** The stock item of one SKU at one location. */
export const stockKey = (skuId: string, locationId: string) => ({ pk: skuPartition(skuId), sk: `LOC#${locationId}` });

/** The same receipt always gets the same key, whatever event id carried it. */
export function stockEventKey({ skuId, locationId, quantity, receivedAt }: StockReceipt): string {
  return createHash('sha256').update(`${skuId}|${locationId}|${quantity}|${canonicalTime(receivedAt)}`).digest('hex');
}

/** `2026-11-20T06:00:00Z` and `2026-11-20T06:00:00.000Z` are one instant: one key, one sort order. */
function canonicalTime(iso: string): string {
  return new Date(iso).toISOString();
}

export class InventoryRepository {
  private readonly client: DynamoDBDocumentClient;
  private readonly table: string;
  private readonly now: () => string;

  private readonly records: DynamoTable;

  constructor(options: InventoryRepositoryOptions = {}) {
    this.client = options.client ?? documents();
    this.table = options.table ?? recordsTable().name;
    this.records = new DynamoTable(this.table, 'pk', this.client);
    this.now = options.now ?? nowIso;
  }

  // --- Stock ---------------------------------------------------------------------------------

  /** Units each location can still promise (on hand minus reserved); locations never stocked are absent. */
  async available(skuId: string): Promise<Map<string, number>> {
    const items = await this.queryAll<StockItem>({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :loc)',
      ExpressionAttributeValues: { ':pk': skuPartition(skuId), ':loc': 'LOC#' },
    });
    return new Map(items.map((item) => [item.locationId, item.onHand - item.reserved]));
  }

  /**
   * Applies a StockReceived once (a duplicate, whatever its event id, changes nothing), then reserves
   * the new stock for the waiting orders of that SKU, oldest first (business rules §3).
   *
   * The first waiters are reserved in the same transaction that adds the stock, so no new order can
   * take it before them. The waitlist read for that transaction can miss a waiter that joins at the
   * same moment, so the waitlist is served again right after; a joining order also re-checks stock
   * after registering (joinWaitlist), so no waiter sleeps through a restock. Only waiters past the
   * first 40, or after three lost races, are served in that second pass, where a new order could
   * take a unit first: rare, and it never oversells; the waiter then waits for the next restock.
   * A waiter whose quantity does not fit at this location is skipped, not blocking younger ones.
   */
  async applyStockReceived(receipt: StockReceipt): Promise<StockReceivedResult> {
    validate([
      ...ids({ skuId: receipt.skuId, locationId: receipt.locationId }),
      ...positive('quantity', receipt.quantity),
      ...time('receivedAt', receipt.receivedAt),
    ]);
    const { skuId, locationId, quantity } = receipt;
    const key = stockEventKey(receipt);
    const event = {
      Put: {
        TableName: this.table,
        Item: { pk: `STOCKEVENT#${key}`, sk: 'applied', skuId, locationId, quantity, receivedAt: receipt.receivedAt, appliedAt: this.now() },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    };

    let applied = false;
    let served: ServedWaiter[] = [];
    for (let attempt = 0; ; attempt++) {
      // After a few lost races, land the stock alone; the serving pass below still runs.
      const plan = attempt < 3 ? await this.planRestock(skuId, locationId, quantity) : [];
      const take = plan.reduce((sum, w) => sum + w.quantity, 0);
      const reservedAt = this.now();
      const outcome = await this.transact([
        event,
        this.stockUpdate(skuId, locationId, { onHand: quantity, reserved: take }, take > quantity ? take - quantity : undefined),
        ...plan.flatMap((waiter) => this.grantRecords(waiter, locationId, reservedAt, { fromRegistration: true })),
      ]);
      if (outcome.ok) {
        applied = true;
        served = plan.map((waiter) => servedWaiter(waiter, locationId));
        break;
      }
      if (await this.exists(`STOCKEVENT#${key}`, 'applied')) break;
      if (attempt >= MAX_ATTEMPTS) throw new TransientError(`stock of ${skuId} at ${locationId} kept changing; try again`);
      await backoff(attempt);
    }
    return { applied, fulfilledWaiters: [...served, ...(await this.serveWaitlist(skuId, locationId))] };
  }

  /**
   * Reserves what is available at `locationId` for the waiting orders of `skuId`, oldest first, one
   * transaction per waiter. applyStockReceived calls it; call it too after releasing stock, so the
   * released units go to waiters before new orders.
   */
  async serveWaitlist(skuId: string, locationId: string): Promise<ServedWaiter[]> {
    const served: ServedWaiter[] = [];
    const waiters = await this.waiters(skuId);
    let available = await this.availableAt(skuId, locationId);
    for (const listed of waiters) {
      let waiter = listed;
      if (waiter.quantity > available) continue;
      for (let attempt = 0; ; attempt++) {
        const allocation = { locationId, skuId, quantity: waiter.quantity };
        const outcome = await this.transact([this.reserveUpdate(allocation), ...this.grantRecords(waiter, locationId, this.now(), { fromRegistration: true })]);
        if (outcome.ok) {
          served.push(servedWaiter(waiter, locationId));
          available -= waiter.quantity;
          break;
        }
        // Re-read rather than trust the cancellation codes: they may name a conflict, not the cause.
        if (await this.grantOf(waiter.orderId, waiter.skuId)) {
          await this.deleteWaitlistItem(waiter); // reserved meanwhile: a stale entry
          break;
        }
        const current = await this.waitlistEntry(waiter);
        if (!current) break; // left the waitlist
        waiter = current; // registered again since the read
        available = await this.availableAt(skuId, locationId);
        if (waiter.quantity > available) break;
        if (attempt >= MAX_ATTEMPTS) throw new TransientError(`could not reserve ${skuId} for a waiting order; try again`);
        await backoff(attempt);
      }
    }
    return served;
  }

  // --- Reservations --------------------------------------------------------------------------

  /**
   * Reserves every allocation of an order in one transaction: all or nothing, never below zero.
   * A second call for the same order reserves nothing and returns 'already-reserved'.
   * Throws InsufficientStockError naming each SKU and location that fell short.
   */
  async reserve(orderId: string, allocations: Allocation[]): Promise<'reserved' | 'already-reserved'> {
    const lines = mergeAllocations(orderId, allocations);
    const reservation: ReservationItem = {
      pk: orderPartition(orderId),
      sk: RESERVATION,
      orderId,
      reservationId: ulid(),
      allocations: lines,
      reservedAt: this.now(),
    };
    for (let attempt = 0; ; attempt++) {
      const outcome = await this.transact([
        ...lines.map((line) => this.reserveUpdate(line)),
        { Put: { TableName: this.table, Item: reservation, ConditionExpression: 'attribute_not_exists(pk)' } },
      ]);
      if (outcome.ok) return 'reserved';
      // Decided by reading, not by which conditions the cancellation reports.
      if (await this.exists(orderPartition(orderId), RESERVATION)) return 'already-reserved';
      const short = lines.flatMap((line, i) => {
        const reason = outcome.reasons[i];
        if (reason?.Code !== 'ConditionalCheckFailed') return [];
        const has = Number(reason.Item?.available?.N ?? 0);
        return [`${line.skuId} at ${line.locationId} (needs ${line.quantity}, has ${has})`];
      });
      if (short.length) throw new InsufficientStockError(`not enough stock for order ${orderId}: ${short.join('; ')}`);
      if (attempt >= MAX_ATTEMPTS) throw new TransientError(`stock for order ${orderId} kept changing; try again`);
      await backoff(attempt);
    }
  }

  /** Everything reserved for an order (routing and waitlist), or undefined. */
  async reservationOf(orderId: string): Promise<Reservation | undefined> {
    const items = await this.reservationItems(orderId);
    if (!items.length) return undefined;
    return {
      orderId,
      allocations: items.flatMap((item) => item.allocations),
      reservedAt: items.map((item) => item.reservedAt).sort()[0],
    };
  }

  /**
   * Gives back everything reserved for an order and deletes its reservations (a cancellation).
   * Returns what was given back; nothing on a repeat. A cancelling flow leaves the waitlist first,
   * so no waitlist reservation lands after the release.
   */
  async release(orderId: string): Promise<Allocation[]> {
    for (let attempt = 0; ; attempt++) {
      const items = await this.reservationItems(orderId);
      if (!items.length) return [];
      const lines = mergeAllocations(orderId, items.flatMap((item) => item.allocations));
      const outcome = await this.transact([
        ...items.map(
          (item): TransactItem => ({
            Delete: {
              TableName: this.table,
              Key: { pk: item.pk, sk: item.sk },
              // The very reservation that was read, not one made again after a concurrent release.
              ConditionExpression: 'reservationId = :id',
              ExpressionAttributeValues: { ':id': item.reservationId },
            },
          }),
        ),
        ...lines.map((line) => this.stockUpdate(line.skuId, line.locationId, { reserved: -line.quantity })),
      ]);
      if (outcome.ok) return lines;
      if (attempt >= MAX_ATTEMPTS) throw new TransientError(`reservation of order ${orderId} kept changing; try again`);
      await backoff(attempt);
    }
  }

  // --- Waitlist ------------------------------------------------------------------------------

  /**
   * Puts an order line on the restock waitlist of its SKU, unless it can be reserved now: stock that
   * arrived before the flow started waiting is taken at once (from the location with the most
   * available). Idempotent per order and SKU: a repeat keeps the original registration time, or
   * returns the reservation when the line was served meanwhile.
   */
  async joinWaitlist(entry: WaitlistEntry): Promise<JoinWaitlistResult> {
    validate([
      ...ids({ orderId: entry.orderId, skuId: entry.skuId }),
      ...positive('quantity', entry.quantity),
      ...time('placedAt', entry.placedAt),
    ]);
    const waiter = this.waitlistItem(entry);

    const earlier = (await this.grantItem(entry.orderId, entry.skuId)) ?? (await this.reserveNow(waiter));
    if (earlier) return { reserved: earlier.allocations[0] };

    await this.retryConflicts(() =>
      this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: waiter.pk, sk: waiter.sk },
          UpdateExpression:
            'SET orderId = :orderId, skuId = :skuId, quantity = :quantity, placedAt = :placedAt, ' +
            'registrationId = :registrationId, registeredAt = if_not_exists(registeredAt, :now)',
          ExpressionAttributeValues: {
            ':orderId': waiter.orderId,
            ':skuId': waiter.skuId,
            ':quantity': waiter.quantity,
            ':placedAt': waiter.placedAt,
            ':registrationId': waiter.registrationId,
            ':now': waiter.registeredAt,
          },
        }),
      ),
    );

    // Stock may have landed after the first look but before a restock could see this entry.
    const now = (await this.grantItem(entry.orderId, entry.skuId)) ?? (await this.reserveNow(waiter));
    if (!now) return { waiting: true };
    // Reserved by the look above, or before this registration revived the entry: nobody else removes it.
    await this.deleteWaitlistItem(waiter);
    return { reserved: now.allocations[0] };
  }

  /** Takes an order line off the waitlist. False when it was not there (never joined, or served). */
  async leaveWaitlist(orderId: string, skuId: string, placedAt: string): Promise<boolean> {
    validate([...ids({ orderId, skuId }), ...time('placedAt', placedAt)]);
    const { Attributes } = await this.retryConflicts(() =>
      this.client.send(
        new DeleteCommand({ TableName: this.table, Key: waitlistKey(orderId, skuId, placedAt), ReturnValues: 'ALL_OLD' }),
      ),
    );
    return Attributes !== undefined;
  }

  /** The waitlist of a SKU, oldest first. */
  async waiters(skuId: string): Promise<WaitlistItem[]> {
    return this.queryAll<WaitlistItem>({
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `WAITLIST#${skuId}` },
    });
  }

  // --- Plumbing ------------------------------------------------------------------------------

  /** Reserves a waiter's line from the location with the most available, if any has enough. */
  private async reserveNow(waiter: WaitlistItem): Promise<ReservationItem | undefined> {
    for (let attempt = 0; ; attempt++) {
      const stock = [...(await this.available(waiter.skuId))]
        .filter(([, available]) => available >= waiter.quantity)
        .sort(([a, x], [b, y]) => y - x || a.localeCompare(b));
      if (!stock.length) return undefined;
      const locationId = stock[0][0];
      const allocation = { locationId, skuId: waiter.skuId, quantity: waiter.quantity };
      const items = this.grantRecords(waiter, locationId, this.now(), { fromRegistration: false });
      const outcome = await this.transact([this.reserveUpdate(allocation), ...items]);
      if (outcome.ok) return items[0].Put!.Item as ReservationItem;
      const granted = await this.grantItem(waiter.orderId, waiter.skuId);
      if (granted) return granted;
      if (attempt >= MAX_ATTEMPTS) throw new TransientError(`stock of ${waiter.skuId} kept changing; try again`);
      await backoff(attempt);
    }
  }

  /** The oldest waiters that fit, in order, within what the location will have after the restock. */
  private async planRestock(skuId: string, locationId: string, quantity: number): Promise<WaitlistItem[]> {
    const waiters = await this.waiters(skuId);
    if (!waiters.length) return [];
    let left = (await this.availableAt(skuId, locationId)) + quantity;
    const plan: WaitlistItem[] = [];
    for (const waiter of waiters) {
      if (plan.length === WAITERS_PER_RESTOCK) break;
      if (waiter.quantity > left) continue;
      plan.push(waiter);
      left -= waiter.quantity;
    }
    return plan;
  }

  /**
   * Records the line's reservation (once per order and SKU) and takes it off the waitlist; the stock
   * update goes with it. A restock serves only the registration it read (`fromRegistration`), so a
   * line that left the waitlist since is not reserved; a join reserves whether or not its entry
   * was registered yet.
   */
  private grantRecords(waiter: WaitlistItem, locationId: string, reservedAt: string, { fromRegistration }: { fromRegistration: boolean }) {
    const grant: ReservationItem = {
      pk: orderPartition(waiter.orderId),
      sk: `${RESERVATION}#${waiter.skuId}`,
      orderId: waiter.orderId,
      reservationId: ulid(),
      allocations: [{ locationId, skuId: waiter.skuId, quantity: waiter.quantity }],
      reservedAt,
    };
    const key = { pk: waiter.pk, sk: waiter.sk };
    const registered = waiter.registrationId
      ? { ConditionExpression: 'registrationId = :registrationId', ExpressionAttributeValues: { ':registrationId': waiter.registrationId } }
      : { ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(registrationId)' };
    return [
      { Put: { TableName: this.table, Item: grant, ConditionExpression: 'attribute_not_exists(pk)' } },
      { Delete: { TableName: this.table, Key: key, ...(fromRegistration ? registered : {}) } },
    ] satisfies TransactItem[];
  }

  private reserveUpdate({ skuId, locationId, quantity }: Allocation): TransactItem {
    return this.stockUpdate(skuId, locationId, { reserved: quantity }, quantity);
  }

  /**
   * One stock item's change: onHand and reserved move, available moves with them in the same
   * expression. `needs` is the available count the change requires beforehand (never below zero after).
   */
  private stockUpdate(
    skuId: string,
    locationId: string,
    change: { onHand?: number; reserved?: number },
    needs?: number,
  ): TransactItem {
    const onHand = change.onHand ?? 0;
    const reserved = change.reserved ?? 0;
    const conditions: string[] = [];
    if (needs !== undefined && needs > 0) conditions.push('#available >= :needs');
    if (reserved < 0) conditions.push('#reserved >= :released');
    return {
      Update: {
        TableName: this.table,
        Key: stockKey(skuId, locationId),
        UpdateExpression: 'SET skuId = :skuId, locationId = :locationId ADD #onHand :onHand, #reserved :reserved, #available :available',
        ...(conditions.length ? { ConditionExpression: conditions.join(' AND ') } : {}),
        ExpressionAttributeNames: NAMES,
        ExpressionAttributeValues: {
          ':skuId': skuId,
          ':locationId': locationId,
          ':onHand': onHand,
          ':reserved': reserved,
          ':available': onHand - reserved,
          ...(needs !== undefined && needs > 0 ? { ':needs': needs } : {}),
          ...(reserved < 0 ? { ':released': -reserved } : {}),
        },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
    };
  }

  private waitlistItem(entry: WaitlistEntry): WaitlistItem {
    const placedAt = canonicalTime(entry.placedAt);
    return {
      ...waitlistKey(entry.orderId, entry.skuId, placedAt),
      orderId: entry.orderId,
      skuId: entry.skuId,
      quantity: entry.quantity,
      placedAt,
      registeredAt: this.now(),
      registrationId: ulid(),
    };
  }

  private async waitlistEntry(waiter: { pk: string; sk: string }): Promise<WaitlistItem | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.table, Key: { pk: waiter.pk, sk: waiter.sk }, ConsistentRead: true }));
    return Item as WaitlistItem | undefined;
  }

  private async deleteWaitlistItem(waiter: { pk: string; sk: string }): Promise<void> {
    await this.retryConflicts(() => this.client.send(new DeleteCommand({ TableName: this.table, Key: { pk: waiter.pk, sk: waiter.sk } })));
  }

  private async grantOf(orderId: string, skuId: string): Promise<Allocation | undefined> {
    return (await this.grantItem(orderId, skuId))?.allocations[0];
  }

  private async grantItem(orderId: string, skuId: string): Promise<ReservationItem | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.table, Key: { pk: orderPartition(orderId), sk: `${RESERVATION}#${skuId}` }, ConsistentRead: true }),
    );
    return Item as ReservationItem | undefined;
  }

  private async reservationItems(orderId: string): Promise<ReservationItem[]> {
    return this.queryAll<ReservationItem>({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
      ExpressionAttributeValues: { ':pk': orderPartition(orderId), ':sk': RESERVATION },
    });
  }

  private async availableAt(skuId: string, locationId: string): Promise<number> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.table, Key: stockKey(skuId, locationId), ConsistentRead: true }),
    );
    return Item ? (Item as StockItem).onHand - (Item as StockItem).reserved : 0;
  }

  private async exists(pk: string, sk: string): Promise<boolean> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.table, Key: { pk, sk }, ConsistentRead: true, ProjectionExpression: 'pk' }),
    );
    return Item !== undefined;
  }

  private async queryAll<T>(query: QueryExpression): Promise<T[]> {
    return this.records.queryAll<T>({ ...query, ConsistentRead: true });
  }

  /**
   * One transaction. Cancellations caused only by concurrent transactions on the same items are
   * retried here; any other cancellation is returned with its reasons, for the caller to explain.
   */
  private async transact(items: TransactItem[]): Promise<Outcome> {
    if (items.length > MAX_TRANSACT_ITEMS) throw new ValidationError('too many lines for one transaction', []);
    for (let attempt = 0; ; attempt++) {
      try {
        await this.client.send(new TransactWriteCommand({ TransactItems: items }));
        return { ok: true };
      } catch (error) {
        if ((error as Error)?.name !== 'TransactionCanceledException') throw error;
        const reasons = (error as { CancellationReasons?: CancellationReason[] }).CancellationReasons ?? [];
        if (!isConflictOnly(reasons)) return { ok: false, reasons };
        if (attempt >= MAX_ATTEMPTS) throw new TransientError('inventory is busy; try again');
        await backoff(attempt);
      }
    }
  }

  /** Single-item writes fail with TransactionConflictException while a transaction holds the item. */
  private async retryConflicts<T>(send: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await send();
      } catch (error) {
        if ((error as Error)?.name !== 'TransactionConflictException' || attempt >= MAX_ATTEMPTS) throw error;
        await backoff(attempt);
      }
    }
  }
}

function servedWaiter(waiter: WaitlistItem, locationId: string): ServedWaiter {
  const { orderId, skuId, quantity, placedAt } = waiter;
  return { orderId, skuId, quantity, locationId, placedAt };
}

function waitlistKey(orderId: string, skuId: string, placedAt: string) {
  return { pk: `WAITLIST#${skuId}`, sk: `${canonicalTime(placedAt)}#${orderId}` };
}

/** One line per SKU and location (a transaction cannot touch one item twice), validated. */
function mergeAllocations(orderId: string, allocations: Allocation[]): Allocation[] {
  validate([
    ...ids({ orderId }),
    ...(allocations.length ? [] : [{ field: 'allocations', message: 'allocations must contain at least one line' }]),
    ...allocations.flatMap((a, i) => [
      ...ids({ [`allocations[${i}].skuId`]: a.skuId, [`allocations[${i}].locationId`]: a.locationId }),
      ...positive(`allocations[${i}].quantity`, a.quantity),
    ]),
  ]);
  const merged = new Map<string, Allocation>();
  for (const a of allocations) {
    const key = JSON.stringify([a.skuId, a.locationId]);
    const seen = merged.get(key);
    merged.set(key, { locationId: a.locationId, skuId: a.skuId, quantity: (seen?.quantity ?? 0) + a.quantity });
  }
  return [...merged.values()];
}

function validate(errors: FieldError[]): void {
  if (errors.length) throw new ValidationError('invalid inventory request', errors);
}

function ids(values: Record<string, string>): FieldError[] {
  return Object.entries(values).flatMap(([field, value]) =>
    typeof value === 'string' && value.length > 0 && !value.includes('#') ? [] : [{ field, message: `${field} must be a non-empty id without '#'` }],
  );
}

function positive(field: string, value: number): FieldError[] {
  return Number.isSafeInteger(value) && value > 0 ? [] : [{ field, message: `${field} must be a whole number above 0, got ${value}` }];
}

function time(field: string, value: string): FieldError[] {
  return typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? [] : [{ field, message: `${field} must be an ISO date-time` }];
}
