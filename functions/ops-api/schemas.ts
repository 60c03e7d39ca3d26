import * as z from 'zod';
import { ROLES } from '../../shared/roles';

/**
 * Request and response shapes of the ops API: the handlers validate with them and the OpenAPI
 * document is generated from them, so the two cannot drift apart.
 */
export const TaskStatus = z.enum(['open', 'claimed', 'completed', 'expired']);
export const Role = z.enum(ROLES);

export const TaskSummary = z.object({
  taskId: z.string().describe('opaque id (ULID)'),
  kind: z.string(),
  flow: z.string(),
  businessKey: z.string(),
  summary: z.string().describe('what to decide; never personal data'),
  role: Role,
  status: TaskStatus,
  dueAt: z.string().describe('ISO-8601 UTC'),
  escalationLevel: z.number().int(),
  claimedBy: z.string().optional(),
});

export const TaskHistoryEntry = z.object({
  type: z.enum(['created', 'claimed', 'released', 'escalated', 'completed', 'expired', 'reopened']),
  actor: z.string(),
  at: z.string(),
  reason: z.string().optional(),
  outcome: z.string().optional(),
  level: z.number().int().optional(),
  role: z.string().optional(),
});

export const AllowedOutcome = z.object({
  name: z.string(),
  reasonRequired: z.boolean().optional(),
  dataSchema: z.record(z.string(), z.unknown()).optional().describe('JSON Schema the outcome data must satisfy'),
});

export const TaskDetail = TaskSummary.extend({
  allowedOutcomes: z.array(AllowedOutcome),
  history: z.array(TaskHistoryEntry),
  decision: z
    .object({ outcome: z.string(), reason: z.string().optional(), data: z.record(z.string(), z.unknown()).optional(), decidedBy: z.string(), decidedAt: z.string() })
    .optional(),
});

export const ListTasksQuery = z.object({
  status: TaskStatus.optional(),
  kind: z.string().min(1).optional(),
  role: Role.optional(),
  businessKey: z.string().min(1).optional(),
  mine: z.enum(['true', 'false'], { error: 'mine must be true or false' }).optional(),
  limit: z.coerce.number().int().min(1, 'limit must be at least 1').max(100, 'limit must be at most 100').optional(),
  nextToken: z.string().min(1).optional(),
});

export const ListTasksResponse = z.object({ items: z.array(TaskSummary), nextToken: z.string().optional() });

export const CompleteTaskBody = z.object({
  outcome: z.string({ error: 'outcome is required' }).min(1, 'outcome must not be empty'),
  reason: z.string().max(2000, 'reason must be at most 2000 characters').optional(),
  data: z.record(z.string(), z.unknown(), { error: 'data must be an object' }).optional(),
});

export const ReleaseTaskBody = z.object({ reason: z.string().max(2000).optional() });

export const FlowStatus = z.enum(['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE']);

export const FlowView = z.object({
  flow: z.string(),
  businessKey: z.string(),
  status: FlowStatus,
  currentStep: z.string().optional(),
  startedAt: z.string(),
  stoppedAt: z.string().optional(),
  steps: z.array(z.object({ name: z.string(), enteredAt: z.string(), exitedAt: z.string().optional() })),
  result: z.unknown().optional().describe("the flow's final output"),
  error: z.string().optional(),
});

export const FlowDefinition = z.object({
  flow: z.string(),
  startAt: z.string().describe('the state the flow starts in'),
  states: z.array(
    z.object({
      name: z.string(),
      type: z.string().describe('Task, Choice, Wait, Pass, Parallel, Map, Succeed or Fail'),
      parent: z.string().optional().describe('the Parallel or Map state this one runs inside'),
      end: z.boolean().optional().describe('the flow (or its branch) can end here'),
    }),
  ),
  transitions: z.array(z.object({ from: z.string(), to: z.string(), on: z.string().describe('next, choice, default or "catch <errors>"') })),
});

export const SlaReport = z.object({
  generatedAt: z.string(),
  kinds: z.array(z.object({ kind: z.string(), open: z.number().int(), breached: z.number().int(), oldestDueAt: z.string().optional() })),
});

export const QuarantineReport = z.object({
  generatedAt: z.string(),
  days: z.number().int(),
  events: z.array(
    z.object({ source: z.string(), detailType: z.string(), count: z.number().int(), latestReason: z.string(), latestAt: z.string() }),
  ),
});

const CoverageFigures = {
  due: z.number().int().describe('callbacks whose first attempt was due in the week'),
  completed: z.number().int().describe('reached or declined'),
  unreachable: z.number().int().describe('ended unreachable after every attempt'),
  open: z.number().int().describe('not ended yet'),
  coverage: z.number().describe('completed ÷ due (1 when nothing was due)'),
};

export const CallbacksReport = z.object({
  generatedAt: z.string(),
  week: z.string().describe('ISO week, Asia/Shanghai'),
  ...CoverageFigures,
  target: z.number().describe('the coverage target, 0.8'),
  met: z.boolean(),
  byReason: z.array(z.object({ reason: z.enum(['purchase', 'aftersales', 'complaint']), ...CoverageFigures })),
});

export const MeResponse = z.object({
  user: z.string().describe('user name from the token'),
  roles: z.array(z.object({ role: Role, description: z.string() })).describe("the token's ops roles, with what each may do"),
});

export const ListingReason = z.object({ code: z.string(), field: z.string().describe('path in the listing, e.g. skus[1].priceFen'), message: z.string() });

export const CatalogEntryView = z.object({
  skuId: z.string(),
  listingId: z.string(),
  revision: z.number().int(),
  title: z.string(),
  category: z.string(),
  priceFen: z.number().int(),
  fresh: z.boolean(),
  customMade: z.boolean(),
  status: z.enum(['active', 'delisted']),
  publishedAt: z.string(),
  updatedAt: z.string(),
  lastSoldAt: z.string().optional(),
});

export const ListingView = z.object({
  listingId: z.string(),
  status: z.enum(['checking', 'rejected', 'in-review', 'scheduled', 'published', 'delisted', 'abandoned']),
  revision: z.number().int().describe('the revision under review, or the one published'),
  sellerId: z.string().optional(),
  publishAt: z.string().optional(),
  publishedAt: z.string().optional(),
  revisions: z.array(
    z.object({
      revision: z.number().int(),
      receivedAt: z.string(),
      outcome: z.enum(['rejected', 'approved']).optional(),
      reasons: z.array(ListingReason),
      reviews: z.array(z.object({ kind: z.string(), outcome: z.string(), reason: z.string().optional(), decidedBy: z.string(), decidedAt: z.string() })),
    }),
  ),
  skus: z.array(
    z.object({ skuId: z.string(), priceFen: z.number().int(), stock: z.number().int(), catalog: CatalogEntryView.optional().describe('absent until published') }),
  ),
});

export const MemberView = z.object({
  memberId: z.string(),
  tier: z.enum(['regular', 'silver', 'gold', 'diamond']),
  spend12mFen: z.number().int().describe('spend of the last 12 months, fen'),
  orders12m: z.number().int(),
  refunds: z.number().int().describe('refunds paid to the member'),
  refundedFen: z.number().int().describe('their total, fen'),
  lastPurchaseAt: z.string().optional(),
  coupons: z.array(
    z.object({
      couponId: z.string().describe('what earned it: a refund id, a complaint id, tier-<tier>, recall-<day>'),
      kind: z.enum(['quality', 'red-packet', 'tier', 'recall']),
      minSpendFen: z.number().int().describe('the order total from which it applies; 0 for none'),
      discountFen: z.number().int(),
      issuedAt: z.string(),
      expiresAt: z.string().optional(),
    }),
  ),
  lastRecallAt: z.string().optional().describe('when the member last got the churn recall'),
});

// ---- recovery: flow instances by status, redrive, quarantine replay ----------------------------

/** The statuses AWS may redrive from. */
export const RedrivableStatus = z.enum(['FAILED', 'TIMED_OUT', 'ABORTED'], { error: 'status must be FAILED, TIMED_OUT or ABORTED' });

const isoTime = (field: string) =>
  z.string().refine((value) => !Number.isNaN(Date.parse(value)), `${field} must be an ISO-8601 time, e.g. 2026-11-23T00:00:00Z`);

export const ListFlowsQuery = z.object({
  flow: z.string().min(1).optional(),
  status: z.enum(['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'], { error: 'status must be RUNNING, SUCCEEDED, FAILED, TIMED_OUT or ABORTED' }).optional(),
  since: isoTime('since').optional(),
  limit: z.coerce.number().int().min(1, 'limit must be at least 1').max(100, 'limit must be at most 100').optional(),
  nextToken: z.string().min(1).optional(),
});

export const FlowInstance = z.object({
  flow: z.string(),
  businessKey: z.string().describe('the execution name: the business key'),
  status: FlowStatus,
  startedAt: z.string(),
  stoppedAt: z.string().optional(),
  step: z.string().optional().describe('the step it is in (RUNNING) or did not finish (FAILED, TIMED_OUT, ABORTED)'),
  error: z.string().optional(),
  cause: z.string().optional(),
  redriveCount: z.number().int(),
  redrivable: z.boolean(),
  notRedrivableReason: z.string().optional(),
});

export const ListFlowsResponse = z.object({
  items: z.array(FlowInstance),
  nextToken: z.string().optional(),
  skipped: z.array(z.object({ flow: z.string(), reason: z.string() })).optional().describe('flows whose instances in that status cannot be listed (EXPRESS state machines: only their FAILED ones are)'),
});

export const RedriveResult = z.object({
  flow: z.string(),
  businessKey: z.string(),
  result: z
    .enum(['redriven', 'would-redrive', 'restarted', 'would-restart', 'not-redrivable', 'failed'])
    .describe('redriven: a STANDARD execution resumed (RedriveExecution); restarted: a FAILED EXPRESS instance started again from its first step with its recorded input'),
  fromStep: z.string().optional().describe('the step the redrive resumes at, or a restart begins at'),
  redriveCount: z.number().int().optional(),
  reason: z.string().optional(),
});

export const BulkRedriveBody = z.object({
  status: RedrivableStatus,
  since: isoTime('since').optional().describe('only instances that stopped at or after this time'),
  dryRun: z.boolean({ error: 'dryRun must be true or false' }).optional(),
});

export const BulkRedriveResponse = z.object({
  flow: z.string(),
  status: RedrivableStatus,
  since: z.string().optional(),
  dryRun: z.boolean(),
  recovery: z.enum(['redrive', 'restart']).describe('redrive: STANDARD executions resumed from the step they did not finish; restart: FAILED EXPRESS instances started again from the top'),
  matched: z.number().int(),
  redriven: z.number().int().describe('instances redriven or restarted (on a dry run: that would be)'),
  notRedrivable: z.number().int(),
  failed: z.number().int(),
  more: z.boolean().describe('more instances match than one call handles: call again'),
  results: z.array(RedriveResult),
});

export const ListQuarantineQuery = z.object({
  day: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'day must be YYYY-MM-DD')
    .optional(),
  detailType: z.string().min(1).optional(),
});

export const QuarantinedEvent = z.object({
  id: z.string(),
  source: z.string(),
  detailType: z.string(),
  flow: z.string(),
  reason: z.string(),
  errors: z.array(z.object({ field: z.string(), message: z.string() })),
  receivedAt: z.string(),
  detail: z.unknown().describe('the detail as received, personal data masked'),
  replayedAt: z.string().optional(),
  replayedBy: z.string().optional(),
});

export const ListQuarantineResponse = z.object({ day: z.string(), items: z.array(QuarantinedEvent) });

export const ReplayBody = z.object({
  detail: z.record(z.string(), z.unknown(), { error: 'detail must be an object' }).optional().describe('a corrected detail; the stored one when absent'),
});

export const DeadLettersResponse = z.object({
  waiting: z.number().int().describe('messages in the queue (approximate, as SQS counts)'),
  sample: z.array(
    z.object({
      messageId: z.string(),
      source: z.string().optional(),
      detailType: z.string().optional(),
      detail: z.unknown().optional().describe('personal data masked'),
      error: z.string().optional().describe('why delivery failed, as the queue recorded it'),
    }),
  ),
});

export const DeadLetterRedriveResponse = z.object({
  redriven: z.number().int(),
  quarantined: z.number().int().describe('messages that were not events, moved to the quarantine'),
  failed: z.number().int(),
  waiting: z.number().int().describe('still in the queue: call again'),
  results: z.array(
    z.object({
      messageId: z.string(),
      source: z.string().optional(),
      detailType: z.string().optional(),
      result: z.enum(['redriven', 'quarantined', 'failed']),
      reason: z.string().optional(),
    }),
  ),
});

export const ReplayResponse = z.object({ id: z.string(), replayedAt: z.string(), eventId: z.string().describe('the id the bus gave the replayed event') });

export const ErrorResponse = z.object({
  message: z.string(),
  errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
});

export type TaskSummary = z.infer<typeof TaskSummary>;
export type TaskDetail = z.infer<typeof TaskDetail>;
export type FlowView = z.infer<typeof FlowView>;
export type FlowDefinition = z.infer<typeof FlowDefinition>;
export type ListingView = z.infer<typeof ListingView>;
export type MemberView = z.infer<typeof MemberView>;
export type CatalogEntryView = z.infer<typeof CatalogEntryView>;
export type FlowInstance = z.infer<typeof FlowInstance>;
export type RedriveResult = z.infer<typeof RedriveResult>;
export type QuarantinedEvent = z.infer<typeof QuarantinedEvent>;
