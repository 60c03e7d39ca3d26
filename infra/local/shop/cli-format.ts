import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Measurement } from '../../../functions/listing-review/image';
import type { CallbacksReport, CatalogEntryView } from '../../../functions/ops-api/schemas';
import type * as z from 'zod';
import { formatYuan } from '../../../shared/money';
import { isRole, ROLES } from '../../../shared/roles';

/**
 * Pure helpers of the ops CLI (`ops-cli.ts`): parsing of option values and the readable views of
 * ops API responses. No I/O here, so all of it is unit-tested.
 */

// ---------------------------------------------------------------------------------------------
// Response shapes as the CLI reads them (see functions/ops-api/schemas.ts for the contract).
// Written loosely on purpose: the CLI shows whatever it gets and never fails on an extra field.

export interface TaskRow {
  taskId: string;
  kind: string;
  flow?: string;
  businessKey: string;
  summary?: string;
  role: string;
  status: string;
  dueAt: string;
  escalationLevel: number;
  claimedBy?: string;
}

export interface TaskView extends TaskRow {
  allowedOutcomes?: Array<{ name: string; reasonRequired?: boolean; dataSchema?: Record<string, unknown> }>;
  history?: Array<{ type: string; actor: string; at: string; reason?: string; outcome?: string; level?: number; role?: string }>;
  decision?: { outcome: string; reason?: string; data?: Record<string, unknown>; decidedBy: string; decidedAt: string };
}

export interface FlowViewShape {
  flow: string;
  businessKey: string;
  status: string;
  currentStep?: string;
  startedAt: string;
  stoppedAt?: string;
  steps?: Array<{ name: string; enteredAt: string; exitedAt?: string }>;
  result?: unknown;
  error?: string;
}

export interface SlaReportShape {
  generatedAt: string;
  kinds?: Array<{ kind: string; open: number; breached: number; oldestDueAt?: string }>;
}

/** What `GET /reports/callbacks` answers (the ops API's own schema). */
export type CallbacksReportShape = z.infer<typeof CallbacksReport>;

export interface WhoAmIShape {
  user: string;
  roles?: Array<{ role: string; description?: string }>;
}

/** What `GET /skus/{skuId}` answers (the ops API's own schema). */
export type CatalogEntryShape = CatalogEntryView;

export interface ListingViewShape {
  listingId: string;
  status: string;
  revision: number;
  sellerId?: string;
  publishAt?: string;
  publishedAt?: string;
  revisions?: Array<{
    revision: number;
    receivedAt: string;
    outcome?: string;
    reasons?: Array<{ code: string; field: string; message: string }>;
    reviews?: Array<{ kind: string; outcome: string; reason?: string; decidedBy: string; decidedAt: string }>;
  }>;
  skus?: Array<{ skuId: string; priceFen: number; stock: number; catalog?: CatalogEntryShape }>;
}

/** What `images put` measured of the uploaded file (the listing review's measurement). */
export type ImageMeasurementShape = Measurement;

// ---------------------------------------------------------------------------------------------
// Durations and relative times

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Elapsed time, two units at most: `350ms`, `12s`, `2m 5s`, `3h`, `1h 20m`, `2d 4h`. */
export function formatDuration(ms: number): string {
  const value = Math.max(0, Math.floor(ms));
  if (value < SECOND) return `${value}ms`;
  if (value < MINUTE) return `${Math.floor(value / SECOND)}s`;
  if (value < HOUR) return twoUnits(value, MINUTE, 'm', SECOND, 's');
  if (value < DAY) return twoUnits(value, HOUR, 'h', MINUTE, 'm');
  return twoUnits(value, DAY, 'd', HOUR, 'h');
}

/** A span as people say it, rounded down: `45s`, `42m` (no seconds from a minute on), `2h 15m`, `3d 4h`. */
export function formatSpan(ms: number): string {
  const value = Math.max(0, Math.floor(ms));
  if (value < MINUTE) return `${Math.floor(value / SECOND)}s`;
  if (value < HOUR) return `${Math.floor(value / MINUTE)}m`;
  return formatDuration(value);
}

function twoUnits(value: number, big: number, bigUnit: string, small: number, smallUnit: string): string {
  const first = Math.floor(value / big);
  const second = Math.floor((value % big) / small);
  return second ? `${first}${bigUnit} ${second}${smallUnit}` : `${first}${bigUnit}`;
}

/** When something is due, seen from `now`: `in 42m`, `3h overdue`, `due now` (within a second). */
export function relativeDue(dueAt: string, now: Date): string {
  const due = Date.parse(dueAt);
  if (Number.isNaN(due)) return dueAt || '-';
  const diff = due - now.getTime();
  if (Math.abs(diff) < SECOND) return 'due now';
  return diff > 0 ? `in ${formatSpan(diff)}` : `${formatSpan(-diff)} overdue`;
}

/** `due in 42m`, `3h overdue`, `due now`: relativeDue as a clause of a sentence. */
export function dueClause(dueAt: string, now: Date): string {
  const relative = relativeDue(dueAt, now);
  return relative.startsWith('in ') ? `due ${relative}` : relative;
}

/** Timestamps shown to the second, in UTC, without the `T` and milliseconds: `2025-03-01 09:30:00Z`. */
export function formatTime(iso: string | undefined): string {
  if (!iso) return '-';
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  return new Date(ms).toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, 'Z');
}

// ---------------------------------------------------------------------------------------------
// Table

/** Left-aligned columns under a header row, separated by two spaces. */
export function formatTable(headers: string[], rows: string[][]): string {
  return alignRows([headers, ...rows]);
}

/** Rows padded to common column widths (the last column is not padded, no line ends in spaces). */
export function alignRows(rows: string[][]): string {
  const columns = Math.max(0, ...rows.map((row) => row.length));
  const widths = Array.from({ length: columns }, (_, column) => Math.max(...rows.map((row) => displayWidth(row[column] ?? ''))));
  return rows
    .map((row) =>
      widths
        .map((w, column) => {
          const cell = row[column] ?? '';
          return column === columns - 1 ? cell : cell + ' '.repeat(w - displayWidth(cell));
        })
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

const WIDE = /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\u{20000}-\u{3fffd}]/u;

/** Terminal columns: CJK and other wide characters take two (business keys and summaries may hold them). */
export function displayWidth(text: string): number {
  let total = 0;
  for (const char of text) total += WIDE.test(char) ? 2 : 1;
  return total;
}

/** `key  value` lines with the keys padded to one width; undefined values are left out. */
function fields(entries: Array<[string, string | undefined]>): string {
  const present = entries.filter((entry): entry is [string, string] => entry[1] !== undefined);
  const keyWidth = Math.max(...present.map(([key]) => key.length));
  return present.map(([key, value]) => `${key.padEnd(keyWidth)}  ${value}`).join('\n');
}

function indent(text: string, by = '  '): string {
  return text
    .split('\n')
    .map((line) => (line ? by + line : line))
    .join('\n');
}

// ---------------------------------------------------------------------------------------------
// Views

const ACTIVE = new Set(['open', 'claimed']);

/** The due column: relative for tasks someone still has to act on, `-` for finished ones. */
function dueCell(task: TaskRow, now: Date): string {
  return ACTIVE.has(task.status) ? relativeDue(task.dueAt, now) : '-';
}

export function formatTaskList(items: TaskRow[], now: Date): string {
  if (items.length === 0) return 'no tasks';
  const rows = items.map((task) => [
    task.taskId,
    task.kind,
    task.businessKey,
    task.role,
    task.status,
    dueCell(task, now),
    String(task.escalationLevel ?? 0),
    task.claimedBy ?? '-',
  ]);
  const table = formatTable(['TASK', 'KIND', 'BUSINESS KEY', 'ROLE', 'STATUS', 'DUE', 'LEVEL', 'CLAIMED BY'], rows);
  return `${table}\n${items.length} task${items.length === 1 ? '' : 's'}`;
}

/** `skuId (string), quantity (integer)` from a JSON Schema's `required` and `properties`. */
export function requiredDataFields(schema: Record<string, unknown> | undefined): string[] {
  if (!schema) return [];
  const required = Array.isArray(schema.required) ? schema.required.filter((name): name is string => typeof name === 'string') : [];
  const properties = (schema.properties && typeof schema.properties === 'object' ? schema.properties : {}) as Record<string, { type?: unknown }>;
  return required.map((name) => {
    const type = properties[name]?.type;
    const typeText = Array.isArray(type) ? type.join('|') : typeof type === 'string' ? type : undefined;
    return typeText ? `${name} (${typeText})` : name;
  });
}

function outcomeLine(outcome: NonNullable<TaskView['allowedOutcomes']>[number]): string[] {
  const notes: string[] = [];
  notes.push(outcome.reasonRequired ? 'reason required' : 'reason optional');
  if (outcome.dataSchema) {
    const required = requiredDataFields(outcome.dataSchema);
    notes.push(required.length ? `data required: ${required.join(', ')}` : 'data optional');
  }
  return [outcome.name, notes.join('; ')];
}

function historyLine(entry: NonNullable<TaskView['history']>[number]): string[] {
  const details: string[] = [];
  if (entry.outcome) details.push(`outcome ${entry.outcome}`);
  if (entry.level !== undefined) details.push(`level ${entry.level}`);
  if (entry.role) details.push(`to ${entry.role}`);
  if (entry.reason) details.push(`reason: ${entry.reason}`);
  return [formatTime(entry.at), entry.type, entry.actor, details.join(', ')];
}

export function formatTaskDetail(task: TaskView, now: Date): string {
  const status = task.claimedBy && task.status === 'claimed' ? `claimed by ${task.claimedBy}` : task.status;
  const due = ACTIVE.has(task.status) ? `${formatTime(task.dueAt)} (${relativeDue(task.dueAt, now)})` : formatTime(task.dueAt);
  const decision = task.decision
    ? [
        `${task.decision.outcome} by ${task.decision.decidedBy} at ${formatTime(task.decision.decidedAt)}`,
        task.decision.reason ? `reason: ${task.decision.reason}` : undefined,
        task.decision.data ? `data: ${JSON.stringify(task.decision.data)}` : undefined,
      ]
        .filter(Boolean)
        .join('; ')
    : undefined;
  const head = fields([
    ['task', task.taskId],
    ['kind', task.kind],
    ['flow', task.flow],
    ['business key', task.businessKey],
    ['summary', task.summary],
    ['role', task.role],
    ['status', status],
    ['due', due],
    ['level', String(task.escalationLevel ?? 0)],
    ['decision', decision],
  ]);
  const outcomes = task.allowedOutcomes ?? [];
  const history = task.history ?? [];
  const sections = [
    head,
    `outcomes\n${outcomes.length ? indent(alignRows(outcomes.map(outcomeLine))) : '  (none)'}`,
    `history\n${history.length ? indent(alignRows(history.map(historyLine))) : '  (none)'}`,
  ];
  return sections.join('\n\n');
}

/** One line after claim / release / complete: `claimed 01J… (refund-approval R-1): claimed by alice, due in 42m`. */
export function formatTaskChange(verb: string, task: TaskView, now: Date): string {
  const state =
    task.status === 'claimed' && task.claimedBy
      ? `claimed by ${task.claimedBy}, ${dueClause(task.dueAt, now)}`
      : task.status === 'open'
        ? `open for ${task.role}, ${dueClause(task.dueAt, now)}`
        : task.decision
          ? `${task.status}, outcome ${task.decision.outcome} by ${task.decision.decidedBy}`
          : task.status;
  return `${verb} ${task.taskId} (${task.kind} ${task.businessKey}): ${state}`;
}

export function formatFlow(flow: FlowViewShape, now: Date): string {
  const steps = flow.steps ?? [];
  const head = fields([
    ['flow', `${flow.flow} ${flow.businessKey}`],
    ['status', flow.status],
    ['current step', flow.currentStep],
    ['started', formatTime(flow.startedAt)],
    ['stopped', flow.stoppedAt ? formatTime(flow.stoppedAt) : undefined],
    ['took', flow.stoppedAt ? formatDuration(Date.parse(flow.stoppedAt) - Date.parse(flow.startedAt)) : undefined],
    ['error', flow.error],
  ]);
  const stepRows = steps.map((step) => {
    const end = step.exitedAt ? Date.parse(step.exitedAt) : now.getTime();
    const took = formatDuration(end - Date.parse(step.enteredAt));
    return [step.name, formatTime(step.enteredAt), step.exitedAt ? formatTime(step.exitedAt) : '(in progress)', step.exitedAt ? took : `${took} so far`];
  });
  const sections = [head, `steps\n${steps.length ? indent(formatTable(['STEP', 'ENTERED', 'EXITED', 'DURATION'], stepRows)) : '  (none yet)'}`];
  if (flow.result !== undefined) sections.push(`result\n${indent(JSON.stringify(flow.result, null, 2))}`);
  return sections.join('\n\n');
}

export function formatSlaReport(report: SlaReportShape, now: Date): string {
  const kinds = report.kinds ?? [];
  const rows = kinds.map((k) => [k.kind, String(k.open), String(k.breached), k.oldestDueAt ? relativeDue(k.oldestDueAt, now) : '-']);
  const table = kinds.length ? formatTable(['KIND', 'OPEN', 'BREACHED', 'OLDEST DUE'], rows) : 'no open tasks';
  return `SLA report generated ${formatTime(report.generatedAt)}\n\n${table}`;
}

const percent = (share: number) => `${Math.round(share * 1000) / 10} %`;

export function formatCallbacksReport(report: CallbacksReportShape): string {
  const row = (label: string, f: Omit<CallbacksReportShape, 'week' | 'generatedAt' | 'target' | 'met' | 'byReason'>) =>
    [label, String(f.due), String(f.completed), String(f.unreachable), String(f.open), percent(f.coverage)];
  const table = formatTable(['REASON', 'DUE', 'COMPLETED', 'UNREACHABLE', 'OPEN', 'COVERAGE'], [...report.byReason.map((r) => row(r.reason, r)), row('all', report)]);
  const verdict = `coverage ${percent(report.coverage)} of ${report.due} due: target ${percent(report.target)} ${report.met ? 'met' : 'NOT met'}`;
  return `Callbacks of ${report.week} (Asia/Shanghai)\n\n${table}\n\n${verdict}`;
}

export function formatWhoAmI(me: WhoAmIShape): string {
  const roles = me.roles ?? [];
  if (roles.length === 0) return `${me.user}\n  (no roles)`;
  return `${me.user}\n${indent(alignRows(roles.map((r) => [r.role, r.description ?? ''])))}`;
}

/** `¥298.00`; an amount that is not whole fen is shown as it came. */
export function formatPrice(fen: number): string {
  return Number.isSafeInteger(fen) ? formatYuan(fen) : `${String(fen)} fen`;
}

function yesNo(value: boolean | undefined): string | undefined {
  return value === undefined ? undefined : value ? 'yes' : 'no';
}

type RevisionShape = NonNullable<ListingViewShape['revisions']>[number];
type ListingSkuShape = NonNullable<ListingViewShape['skus']>[number];

function revisionOutcome(revision: RevisionShape, listing: ListingViewShape): string {
  if (revision.outcome) return revision.outcome;
  return revision.revision === listing.revision ? `no outcome yet (${listing.status})` : 'no outcome';
}

function formatRevision(revision: RevisionShape, listing: ListingViewShape): string {
  const current = revision.revision === listing.revision ? ' (current)' : '';
  const reasons = revision.reasons ?? [];
  const reviews = revision.reviews ?? [];
  const reviewRows = reviews.map((r) => [formatTime(r.decidedAt), r.kind, r.outcome, `by ${r.decidedBy}`, r.reason ? `reason: ${r.reason}` : '']);
  return [
    `revision ${revision.revision}${current}  received ${formatTime(revision.receivedAt)}  ${revisionOutcome(revision, listing)}`,
    `  reasons\n${reasons.length ? indent(alignRows(reasons.map((r) => [r.code, r.field, r.message])), '    ') : '    (none)'}`,
    `  reviews\n${reviews.length ? indent(alignRows(reviewRows), '    ') : '    (none)'}`,
  ].join('\n');
}

/** The catalog column of a listing's SKU: `active (published …)`, `delisted (updated …)`, or `not published`. */
function catalogCell(sku: ListingSkuShape): string {
  const entry = sku.catalog;
  if (!entry) return 'not published';
  const when = entry.status === 'active' ? `published ${formatTime(entry.publishedAt)}` : `updated ${formatTime(entry.updatedAt)}`;
  const price = entry.priceFen !== sku.priceFen ? `, catalog price ${formatPrice(entry.priceFen)}` : '';
  return `${entry.status} (${when}${price})`;
}

/** A listing's review: status and dates, every revision with its reasons and reviews, the SKUs. */
export function formatListing(listing: ListingViewShape): string {
  const head = fields([
    ['listing', listing.listingId],
    ['seller', listing.sellerId],
    ['status', listing.status],
    ['revision', String(listing.revision)],
    ['publish at', listing.publishAt ? formatTime(listing.publishAt) : undefined],
    ['published', listing.publishedAt ? formatTime(listing.publishedAt) : undefined],
  ]);
  const revisions = listing.revisions ?? [];
  const skus = listing.skus ?? [];
  const skuRows = skus.map((sku) => [sku.skuId, formatPrice(sku.priceFen), String(sku.stock), catalogCell(sku)]);
  return [
    head,
    revisions.length ? revisions.map((r) => formatRevision(r, listing)).join('\n\n') : 'revisions\n  (none)',
    `skus\n${skus.length ? indent(formatTable(['SKU', 'PRICE', 'STOCK', 'CATALOG'], skuRows)) : '  (none)'}`,
  ].join('\n\n');
}

/** One catalog entry, field by field. */
export function formatCatalogEntry(entry: CatalogEntryShape): string {
  return fields([
    ['sku', entry.skuId],
    ['title', entry.title],
    ['listing', `${entry.listingId} revision ${entry.revision}`],
    ['category', entry.category],
    ['price', formatPrice(entry.priceFen)],
    ['status', entry.status],
    ['fresh', yesNo(entry.fresh)],
    ['custom-made', yesNo(entry.customMade)],
    ['published', formatTime(entry.publishedAt)],
    ['updated', formatTime(entry.updatedAt)],
    ['last sold', entry.lastSoldAt ? formatTime(entry.lastSoldAt) : 'never'],
  ]);
}

// ---------------------------------------------------------------------------------------------
// Listing images

/** The local platform's listing-images bucket is the one whose name starts so (see `listingImagesBucketName`). */
export const LISTING_IMAGES_BUCKET_PREFIX = 'shop-listing-images-';

/** The listing-images bucket among the names ListBuckets gave; refuses none or several, naming what is there. */
export function pickListingImagesBucket(names: string[], endpoint: string): string {
  const found = names.filter((name) => name.startsWith(LISTING_IMAGES_BUCKET_PREFIX));
  if (found.length === 1) return found[0];
  const served = names.length ? names.join(', ') : 'none';
  if (found.length === 0) throw new Error(`the platform at ${endpoint} serves no listing-images bucket (${LISTING_IMAGES_BUCKET_PREFIX}…; its buckets: ${served})`);
  throw new Error(`the platform at ${endpoint} serves several listing-images buckets (${found.join(', ')}): pick one with --bucket`);
}

const IMAGE_TYPES: Record<string, string> = { '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg' };

/** Content-Type from the file's extension (case-insensitive); anything but .png, .jpg, .jpeg is refused. */
export function imageContentType(file: string): string {
  const extension = path.extname(file).toLowerCase();
  const type = IMAGE_TYPES[extension];
  if (!type) {
    const what = extension ? `its extension is ${extension}` : 'it has no extension';
    throw new Error(`${file} is not a PNG or JPEG image by its name (${what}): listing images are .png, .jpg or .jpeg files`);
  }
  return type;
}

/**
 * `listings/<first 12 hex of the SHA-256>-<file name>`: the same bytes under the same name always
 * get the same key (uploading again overwrites nothing else), different bytes another one. The
 * name keeps letters, digits, `.`, `_` and `-` (others become `-`), so the key needs no escaping
 * in an s3:// or https:// URL.
 */
export function defaultImageKey(file: string, bytes: Uint8Array): string {
  const digest = createHash('sha256').update(bytes).digest('hex').slice(0, 12);
  const extension = path.extname(file).toLowerCase();
  const stem = path
    .basename(file, path.extname(file))
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '');
  return `listings/${digest}-${stem || 'image'}${extension}`;
}

/** A --key as S3 takes it: not empty, no leading `/`, no control characters, at most 1,024 bytes. */
export function checkImageKey(key: string): string {
  if (!key) throw new Error('--key is empty: give an object key such as listings/L-1/main.png');
  if (key.startsWith('/')) throw new Error(`--key "${key}" starts with "/": keys are relative, e.g. ${key.replace(/^\/+/, '') || 'listings/main.png'}`);
  if (/[\u0000-\u001f\u007f]/.test(key)) throw new Error('--key contains control characters');
  if (Buffer.byteLength(key) > 1024) throw new Error('--key is longer than the 1,024 bytes S3 allows');
  return key;
}

/** `800×800 png, background white (#FFFFFF, 100 % of the border white)`. */
export function describeMeasurement(m: ImageMeasurementShape): string {
  return `${m.width}×${m.height} ${m.format}, background ${m.background} (${m.backgroundHex}, ${m.whiteBorderPercent} % of the border white)`;
}

/** What a listing declares for an image that measures so: its width, height and background. */
export function declaredImage(m: ImageMeasurementShape): { width: number; height: number; background: string } {
  return { width: m.width, height: m.height, background: m.background === 'white' ? '#FFFFFF' : m.backgroundHex };
}

export interface ListingImage {
  url: string;
  width: number;
  height: number;
  background: string;
}

/**
 * The images of a ListingSubmitted after `--image`: one per URL, in order. Each declares what its
 * object measured, when it was read; else what the listing's image at that place declared (or its
 * last one, or 800×800 white).
 */
export function replaceImages(
  images: ListingImage[] | undefined,
  urls: string[],
  measured: Array<ImageMeasurementShape | undefined>,
): ListingImage[] {
  const given = images ?? [];
  return urls.map((url, i) => {
    const m = measured[i];
    const fallback = given[i] ?? given.at(-1) ?? { width: 800, height: 800, background: '#FFFFFF' };
    const declared = m ? declaredImage(m) : { width: fallback.width, height: fallback.height, background: fallback.background };
    return { url, ...declared };
  });
}

/** `3.1 KiB`: file sizes as people read them. */
export function formatBytes(size: number): string {
  if (size < 1024) return `${size} B`;
  if (size < 1024 * 1024) return `${(size / 1024).toFixed(1)} KiB`;
  return `${(size / (1024 * 1024)).toFixed(1)} MiB`;
}

export interface UploadShape {
  file: string;
  size: number;
  contentType: string;
  bucket: string;
  key: string;
  url: string;
  measured: ImageMeasurementShape;
  /** What the listing review would report for this image (its own rules, run on the measurement). */
  refusals: Array<{ code: string; message: string }>;
}

/** What `images put` did, the URL as the last line (so `$(… | tail -1)` is the URL). */
export function formatUpload(upload: UploadShape): string {
  const { width, height, background } = declaredImage(upload.measured);
  const lines = [
    `uploaded ${upload.file} (${formatBytes(upload.size)}, ${upload.contentType}) to bucket ${upload.bucket}`,
    `measured ${describeMeasurement(upload.measured)}; a listing declares it as width ${width}, height ${height}, background ${background}`,
  ];
  if (upload.refusals.length) {
    lines.push('as a listing image the review would refuse it:');
    // The review's messages name the image by its place in a listing (images[0]); here it is "it".
    lines.push(indent(alignRows(upload.refusals.map((r) => [r.code, r.message.replace(/^images\[0\]/, 'it')]))));
  }
  lines.push(upload.url);
  return lines.join('\n');
}

/** `404 task not found` plus one indented line per field error, from an ops API error body. */
export function formatHttpError(status: number, body: unknown): string[] {
  const record = body && typeof body === 'object' ? (body as { message?: unknown; errors?: unknown }) : undefined;
  const message =
    typeof record?.message === 'string' ? record.message : typeof body === 'string' && body.trim() ? body.trim().slice(0, 500) : statusText(status);
  const lines = [`${status} ${message}`];
  if (Array.isArray(record?.errors)) {
    for (const error of record.errors as Array<{ field?: unknown; message?: unknown }>) {
      const field = typeof error?.field === 'string' && error.field ? `${error.field}: ` : '';
      lines.push(`  ${field}${String(error?.message ?? '')}`);
    }
  }
  return lines;
}

function statusText(status: number): string {
  const texts: Record<number, string> = { 400: 'bad request', 401: 'unauthorized', 403: 'forbidden', 404: 'not found', 409: 'conflict', 500: 'internal error' };
  return texts[status] ?? 'request failed';
}

// ---------------------------------------------------------------------------------------------
// Option values

/** `--as alice:aftersales,finance` → user and groups; roles are checked against the known ones. */
export function parseAs(value: string): { user: string; groups: string[] } {
  const colon = value.indexOf(':');
  const user = (colon === -1 ? value : value.slice(0, colon)).trim();
  const groups = colon === -1 ? [] : value.slice(colon + 1).split(',').map((g) => g.trim()).filter(Boolean);
  if (!user) throw new Error(`--as "${value}" has no user: use --as <user:role1,role2>, e.g. --as alice:aftersales`);
  const unknown = groups.filter((g) => !isRole(g));
  if (unknown.length) throw new Error(`--as: unknown role ${unknown.join(', ')}: roles are ${ROLES.join(', ')}`);
  return { user, groups };
}

/** `--data '{"skuId":"S1"}'` → the object; anything but a JSON object is refused with the reason. */
export function parseDataOption(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`--data is not valid JSON (${(error as Error).message}): pass an object, e.g. --data '{"skuId":"S1","quantity":2}'`);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new Error(`--data must be a JSON object, got ${Array.isArray(value) ? 'an array' : JSON.stringify(value)}: e.g. --data '{"skuId":"S1"}'`);
  }
  return value as Record<string, unknown>;
}
