import type { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import {
  Choice,
  Condition,
  IntegrationPattern,
  JsonPath,
  Pass,
  Result,
  StateMachineFragment,
  TaskInput,
  Timeout,
  type INextable,
  type State,
} from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import * as z from 'zod';
import { repoPath } from './repo-paths';
import { WorkflowFunction } from './workflow-function';
import type { Role } from '../../shared/roles';
import { ACTIVE_CATALOG_SKU } from '../../shared/tasks/model';

/** The two functions every human step uses; created once per workflows stack. */
export class HumanTaskFunctions extends Construct {
  readonly awaitDecision: WorkflowFunction;
  readonly escalate: WorkflowFunction;

  constructor(scope: Construct, id: string, props: { tasks: ITable; records: ITable; bus: IEventBus }) {
    super(scope, id);
    this.awaitDecision = new WorkflowFunction(this, 'AwaitDecision', {
      entry: repoPath('functions/tasks/await-decision/handler.ts'),
      description: 'Opens a human task with its task token, or gives it a new token after an escalation',
    })
      .bindTable('TASKS_TABLE', props.tasks)
      .bindTable('RECORDS_TABLE', props.records);
    this.escalate = new WorkflowFunction(this, 'Escalate', {
      entry: repoPath('functions/tasks/escalate/handler.ts'),
      description: 'Escalates a human task past its SLA, or expires it past the last level',
    })
      .bindTable('TASKS_TABLE', props.tasks)
      .bindTable('RECORDS_TABLE', props.records)
      .bindEventBus('EVENT_BUS_NAME', props.bus);
  }
}

/** Outcome data naming an SKU that must be active in the catalog when the task is decided (the ops API checks). */
export const activeCatalogSku = () => z.string().min(1).meta({ [ACTIVE_CATALOG_SKU]: true });

export interface OutcomeOptions {
  /** Schema of the outcome's `data`; validated by the ops API before the flow sees it. */
  data?: z.ZodType;
  reasonRequired?: boolean;
}

export interface HumanTaskProps {
  functions: HumanTaskFunctions;
  flow: string;
  kind: string;
  role: Role;
  /** JSONPath to the business key in the state input, e.g. `$.orderId`. */
  businessKeyPath: string;
  /** What to decide, for the inbox; plain text or `JsonPath.format(...)`. Never personal data. */
  summary: string;
  outcomes: Record<string, OutcomeOptions>;
  /** How long the first level has: fixed, or read from the state when the flow computes it (seconds). */
  sla: Duration | { secondsPath: string };
  /**
   * Who takes over when the SLA passes, how many times before the default branch, and how long
   * each escalated level has (default: a fixed `sla` again).
   */
  escalation?: { role: Role; maxLevels: number; sla?: Duration };
  /** The decision the flow continues with when nobody decided in time. */
  defaultDecision: { outcome: string; reason: string };
  /** Someone who decided an earlier task of this business key may not decide this one. */
  fourEyes?: boolean;
  /** Where the decision lands in the state: `{outcome, reason?, data?, decidedBy, decidedAt, level}`. */
  resultPath: string;
  /**
   * For a step that runs more than once in one execution (a loop over a listing's revisions, a Map
   * over its SKUs): a JSONPath whose value tells the runs apart, so each run opens its own task
   * instead of finding the one an earlier run completed.
   */
  repeatKeyPath?: string;
}

/**
 * A step that needs a person, in a few lines of a flow: it opens a task in the inbox and waits
 * (`.waitForTaskToken`, timeout = SLA); on timeout it escalates and waits again; past the last
 * escalation it continues with `defaultDecision`. The flow gets the decision as data, never the token.
 */
export class HumanTask extends StateMachineFragment {
  readonly startState: State;
  readonly endStates: INextable[];

  constructor(scope: Construct, id: string, props: HumanTaskProps) {
    super(scope, id);
    const fixedSla = 'secondsPath' in props.sla ? undefined : props.sla;
    const escalationSla = props.escalation ? (props.escalation.sla ?? fixedSla) : undefined;
    if (props.escalation && !escalationSla) throw new Error(`${id}: an escalation after an SLA read from the state needs its own sla`);
    const spec = {
      kind: props.kind,
      flow: props.flow,
      businessKey: JsonPath.stringAt(props.businessKeyPath),
      role: props.role,
      // Plain text, or a JsonPath token (JsonPath.format / stringAt) that CDK renders as `summary.$`.
      summary: props.summary,
      outcomes: Object.entries(props.outcomes).map(([name, options]) => ({
        name,
        ...(options.reasonRequired ? { reasonRequired: true } : {}),
        ...(options.data ? { dataSchema: z.toJSONSchema(options.data, { target: 'draft-2020-12' }) } : {}),
      })),
      // The current level's SLA: the first one, then what the escalation returns.
      slaSeconds: JsonPath.numberAt('$.humanTask.slaSeconds'),
      ...(props.escalation
        ? {
            escalation: {
              role: props.escalation.role,
              maxLevels: props.escalation.maxLevels,
              slaSeconds: escalationSla!.toSeconds(),
            },
          }
        : {}),
      ...(props.fourEyes ? { fourEyes: true } : {}),
    };
    const stepId = props.repeatKeyPath
      ? { 'stepId.$': `States.Format('{}#{}', '${id.replace(/['{}\\]/g, (c) => `\\${c}`)}', ${props.repeatKeyPath})` }
      : { stepId: id };
    const step = { 'executionArn.$': '$$.Execution.Id', ...stepId, spec };

    const start = new Pass(this, `${id}: open`, {
      ...(fixedSla ? { result: Result.fromObject({ slaSeconds: fixedSla.toSeconds() }) } : { parameters: { 'slaSeconds.$': (props.sla as { secondsPath: string }).secondsPath } }),
      resultPath: '$.humanTask',
    });
    const wait = new LambdaInvoke(this, id, {
      lambdaFunction: props.functions.awaitDecision,
      integrationPattern: IntegrationPattern.WAIT_FOR_TASK_TOKEN,
      payload: TaskInput.fromObject({ ...step, taskToken: JsonPath.taskToken }),
      taskTimeout: Timeout.at('$.humanTask.slaSeconds'),
      resultPath: props.resultPath,
    });
    start.next(wait);
    const escalate = new LambdaInvoke(this, `${id}: SLA passed`, {
      lambdaFunction: props.functions.escalate,
      payload: TaskInput.fromObject(step),
      payloadResponseOnly: true,
      resultPath: '$.humanTask',
    });
    const fallBack = new Pass(this, `${id}: no decision`, {
      result: Result.fromObject({ ...props.defaultDecision, decidedBy: 'system' }),
      resultPath: props.resultPath,
    });
    wait.addCatch(escalate, { errors: ['States.Timeout'], resultPath: JsonPath.DISCARD });
    escalate.next(new Choice(this, `${id}: escalated?`).when(Condition.booleanEquals('$.humanTask.exhausted', true), fallBack).otherwise(wait));

    this.startState = start;
    this.endStates = [wait, fallBack];
  }
}
