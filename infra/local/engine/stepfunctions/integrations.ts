import * as dynamodb from '@aws-sdk/client-dynamodb';

/**
 * Service integrations a Task can name in its Resource, served by the local services. What each
 * returns and how it fails follows the Step Functions documentation for that integration.
 */
export interface IntegrationServices {
  invokeFunction(nameOrArn: string, payload: unknown): Promise<unknown>;
  dynamodb: dynamodb.DynamoDBClient;
  putEvents(request: { Entries: unknown[] }): Promise<{ FailedEntryCount: number; Entries: unknown[] }>;
  sendMessage(request: Record<string, unknown>): Promise<unknown>;
  startExecution(request: { stateMachineArn: string; input?: string; name?: string }): Promise<{ executionArn: string; startDate: number }>;
  /** Resolves when the execution closes, with DescribeExecution's answer. */
  executionResult(executionArn: string): Promise<Record<string, any>>;
}

/** A task failure as Step Functions reports it: `name` is the error the Retry/Catch match. */
export class TaskFailure extends Error {
  constructor(error: string, cause: string) {
    super(cause);
    this.name = error;
  }
}

/** Thrown by a local Lambda run: errorType becomes the state's error, as in AWS. */
export class FunctionError extends Error {
  constructor(
    readonly errorType: string,
    readonly errorMessage: string,
    readonly trace: string[] = [],
  ) {
    super(errorMessage);
    this.name = errorType;
  }
}

const ARN_PREFIX = 'arn:aws:states:::';

/** `arn:aws:states:::dynamodb:putItem.waitForTaskToken` → service, action, pattern. */
export function parseResource(resource: string): { service: string; action: string; pattern: 'request' | 'sync' | 'sync2' | 'token' } {
  if (resource.startsWith('arn:aws:lambda:')) return { service: 'lambda-function', action: resource, pattern: 'request' };
  if (!resource.startsWith(ARN_PREFIX)) throw new TaskFailure('States.Runtime', `Resource ${resource} is not supported locally`);
  let rest = resource.slice(ARN_PREFIX.length);
  let pattern: 'request' | 'sync' | 'sync2' | 'token' = 'request';
  if (rest.endsWith('.waitForTaskToken')) [rest, pattern] = [rest.slice(0, -'.waitForTaskToken'.length), 'token'];
  else if (rest.endsWith('.sync:2')) [rest, pattern] = [rest.slice(0, -'.sync:2'.length), 'sync2'];
  else if (rest.endsWith('.sync')) [rest, pattern] = [rest.slice(0, -'.sync'.length), 'sync'];
  const [service, ...action] = rest.split(':');
  return { service, action: action.join(':'), pattern };
}

export async function callIntegration(resource: string, payload: any, services: IntegrationServices): Promise<unknown> {
  const { service, action, pattern } = parseResource(resource);
  switch (service) {
    case 'lambda-function':
      return invokeLambda(action, payload, services, false);
    case 'lambda':
      if (action !== 'invoke') break;
      return invokeLambda(payload.FunctionName, payload.Payload, services, true);
    case 'dynamodb':
      return callDynamoDb(action, payload, services, 'DynamoDB');
    case 'aws-sdk':
      if (action.startsWith('dynamodb:')) return callDynamoDb(action.slice('dynamodb:'.length), payload, services, 'DynamoDb');
      break;
    case 'events':
      if (action === 'putEvents') return putEvents(payload, services);
      break;
    case 'sqs':
      if (action === 'sendMessage') {
        const body = typeof payload.MessageBody === 'string' ? payload.MessageBody : JSON.stringify(payload.MessageBody);
        return services.sendMessage({ ...payload, MessageBody: body });
      }
      break;
    case 'states':
      if (action === 'startExecution') return startExecution(payload, pattern, services);
      break;
  }
  throw new TaskFailure('States.Runtime', `Resource ${resource} is not supported by the local platform`);
}

async function invokeLambda(functionName: string, payload: unknown, services: IntegrationServices, wrapped: boolean) {
  try {
    const result = await services.invokeFunction(functionName, payload);
    return wrapped ? { ExecutedVersion: '$LATEST', Payload: result, StatusCode: 200 } : result;
  } catch (error) {
    if (error instanceof FunctionError) {
      // The Cause of a Lambda failure is the function's error document, as in AWS.
      const cause = JSON.stringify({ errorType: error.errorType, errorMessage: error.errorMessage, trace: error.trace });
      throw new TaskFailure(error.errorType, cause);
    }
    const name = (error as Error).name === 'ResourceNotFoundException' ? 'Lambda.ResourceNotFoundException' : 'Lambda.ServiceException';
    throw new TaskFailure(name, (error as Error).message);
  }
}

async function callDynamoDb(action: string, payload: Record<string, unknown>, services: IntegrationServices, errorPrefix: string) {
  const commandName = `${action.charAt(0).toUpperCase()}${action.slice(1)}Command`;
  const Command = (dynamodb as unknown as Record<string, new (input: unknown) => any>)[commandName];
  if (!Command) throw new TaskFailure('States.Runtime', `DynamoDB action ${action} is not supported`);
  try {
    const { $metadata: _metadata, ...response } = await services.dynamodb.send(new Command(payload));
    return response;
  } catch (error) {
    const name = (error as Error).name ?? 'ServiceException';
    throw new TaskFailure(`${errorPrefix}.${name}`, (error as Error).message);
  }
}

async function putEvents(payload: { Entries: Array<Record<string, unknown>> }, services: IntegrationServices) {
  // The optimized integration accepts Detail as an object and serialises it.
  const entries = payload.Entries.map((entry) => ({
    ...entry,
    Detail: typeof entry.Detail === 'string' ? entry.Detail : JSON.stringify(entry.Detail),
  }));
  const response = await services.putEvents({ Entries: entries });
  if (response.FailedEntryCount > 0) throw new TaskFailure('EventBridge.FailedEntry', JSON.stringify(response));
  return response;
}

async function startExecution(payload: Record<string, any>, pattern: string, services: IntegrationServices) {
  const input = typeof payload.Input === 'string' ? payload.Input : JSON.stringify(payload.Input ?? {});
  const started = await services.startExecution({ stateMachineArn: payload.StateMachineArn, input, name: payload.Name });
  if (pattern !== 'sync' && pattern !== 'sync2') return { ExecutionArn: started.executionArn, StartDate: started.startDate };
  const result = await services.executionResult(started.executionArn);
  if (result.status !== 'SUCCEEDED') throw new TaskFailure('States.TaskFailed', JSON.stringify(result));
  const output = pattern === 'sync2' && result.output ? JSON.parse(result.output) : result.output;
  return { ...pascalKeys(result), Output: output };
}

function pascalKeys(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k.charAt(0).toUpperCase() + k.slice(1), v]));
}
