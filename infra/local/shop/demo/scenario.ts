import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SFNClient } from '@aws-sdk/client-sfn';
import type { Platform } from '../../engine/platform';

/** One flow instance the demo drives, and where it must end. */
export interface DemoInstance {
  flow: string;
  businessKey: string;
  /** What should have happened, for the summary table. */
  story: string;
  expected: { status: 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED' | 'RUNNING'; result?: Record<string, unknown> };
}

export interface FlowState {
  status: string;
  output?: unknown;
}

/** What a scenario may use: real SDK clients and HTTP against the running platform. */
export interface DemoContext {
  platform: Platform;
  sfn: SFNClient;
  events: EventBridgeClient;
  dynamo: DynamoDBClient;
  /** Path-style, as the platform serves S3: for uploading listing images. */
  s3: S3Client;
  putEvent(source: string, detailType: string, detail: unknown): Promise<void>;
  /** Calls the ops API as a user with these roles. */
  api(method: string, path: string, as: { user: string; groups: string[] }, body?: unknown): Promise<{ status: number; body: any }>;
  /** The open task of this kind for a business key, once the flow has opened it. */
  openTask(kind: string, businessKey: string): Promise<{ taskId: string; role: string; escalationLevel: number }>;
  advance(seconds: number): Promise<void>;
  flowState(flow: string, businessKey: string): Promise<FlowState | undefined>;
  /** Waits (in real time) until the instance leaves RUNNING, or has the given status. */
  waitFor(flow: string, businessKey: string, status?: string): Promise<FlowState>;
  /** Counts one scripted step for the progress bar. */
  step(label: string): void;
  /** A line for the report, printed under the scenario's table (a weekly figure, say). */
  note(line: string): void;
}

/** A scripted part of the demo day for one flow. */
export interface DemoScenario {
  flow: string;
  title: string;
  /** How many steps `run` reports, for the progress bar. */
  steps: number;
  run(context: DemoContext): Promise<DemoInstance[]>;
}
