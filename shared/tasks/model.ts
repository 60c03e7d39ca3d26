import type { Role } from '../roles';

/**
 * The human-task inbox. A flow step that needs a person creates a task record and waits on a
 * Step Functions task token; ops act on the record through the ops API. The token is stored on
 * the record server-side and never leaves it: no API response, log line, event or URL holds it.
 */
export type TaskStatus = 'open' | 'claimed' | 'completed' | 'expired';

/**
 * A JSON Schema keyword of outcome data: the field names an active SKU of the catalog. The catalog
 * changes after deploy, so no static schema can list its SKUs; the ops API checks these fields
 * against it when the task is completed.
 */
export const ACTIVE_CATALOG_SKU = 'x-active-catalog-sku';

export interface OutcomeSpec {
  /** e.g. `approve`, `reject`, `exchange`. */
  name: string;
  /** JSON Schema (from the flow's zod schema at synth time) that `data` must satisfy. */
  dataSchema?: Record<string, unknown>;
  /** A reason is required for this outcome (e.g. reject). */
  reasonRequired?: boolean;
}

export type TaskEventType = 'created' | 'claimed' | 'released' | 'escalated' | 'completed' | 'expired' | 'reopened';

export interface TaskHistoryEntry {
  type: TaskEventType;
  actor: string;
  at: string;
  reason?: string;
  outcome?: string;
  level?: number;
  role?: string;
}

/** What the flow passes when it opens (or, after an escalation, reopens) a task. */
export interface TaskSpec {
  kind: string;
  flow: string;
  businessKey: string;
  role: Role;
  summary: string;
  outcomes: OutcomeSpec[];
  slaSeconds: number;
  /** Role that takes over at each escalation; the flow's default branch runs past the last one. */
  escalation?: { role: Role; maxLevels: number; slaSeconds?: number };
  /** Who decided an earlier level for the same business key may not decide this task. */
  fourEyes?: boolean;
}

export interface TaskRecord extends TaskSpec {
  taskId: string;
  /** Execution the task belongs to (for lookups; not a secret). */
  executionArn: string;
  status: TaskStatus;
  createdAt: string;
  dueAt: string;
  escalationLevel: number;
  claimedBy?: string;
  decidedBy?: string;
  decision?: Decision;
  history: TaskHistoryEntry[];
  /** Server-side only. Bumped with every new token so stale writes can be told apart. */
  taskToken: string;
  tokenVersion: number;
}

export interface Decision {
  outcome: string;
  reason?: string;
  data?: Record<string, unknown>;
  decidedBy: string;
  decidedAt: string;
  /** Escalation level at which the decision was made. */
  level: number;
}

/** The fields of a task the API shows in lists. */
export const SUMMARY_FIELDS = ['taskId', 'kind', 'flow', 'businessKey', 'summary', 'role', 'status', 'dueAt', 'escalationLevel', 'claimedBy'] as const;
