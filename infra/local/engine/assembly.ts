/**
 * Reads a synthesized cloud assembly into the `LocalModel` the local platform serves: every
 * resource gets a local physical name and ARN, and every CloudFormation intrinsic the platform
 * depends on (environment, definitions, rules, API routes) is resolved to a plain value.
 */
import { createHash } from 'node:crypto';
import { App } from 'aws-cdk-lib';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import type { TemplateMetadataKeys } from './app-binding';
import {
  LOCAL_ACCOUNT,
  LOCAL_REGION,
  localArn,
  type LocalApi,
  type LocalArchive,
  type LocalBucket,
  type LocalFunction,
  type LocalModel,
  type LocalQueue,
  type LocalRoute,
  type LocalRule,
  type LocalStateMachine,
  type LocalTable,
  type LocalTarget,
} from './model';

// ---------------------------------------------------------------------------------------------
// Synthesis
// ---------------------------------------------------------------------------------------------

/**
 * Synthesizes an app for the local platform: no asset bundling (it runs the TypeScript sources)
 * and no CloudFormation template validation (~12 s; `npm run synth` and the template tests do it).
 */
export function synthesizeForLocal(define: (app: App) => void, options: { outdir?: string } = {}): CloudAssembly {
  const previous = process.env.CDK_VALIDATION;
  process.env.CDK_VALIDATION = 'false';
  try {
    const app = new App({ outdir: options.outdir, context: { 'aws:cdk:bundling-stacks': [] } });
    define(app);
    return app.synth();
  } finally {
    if (previous === undefined) delete process.env.CDK_VALIDATION;
    else process.env.CDK_VALIDATION = previous;
  }
}

// ---------------------------------------------------------------------------------------------
// Templates and the resolution context
// ---------------------------------------------------------------------------------------------

type Json = any;
interface Resource {
  Type: string;
  Properties?: Record<string, Json>;
  Metadata?: Record<string, Json>;
  Condition?: string;
}
interface Template {
  Resources?: Record<string, Resource>;
  Outputs?: Record<string, { Value: Json; Export?: { Name: Json } }>;
  Parameters?: Record<string, { Default?: Json }>;
  Conditions?: Record<string, Json>;
  Mappings?: Record<string, Record<string, Record<string, Json>>>;
}
interface StackDoc {
  name: string;
  template: Template;
}

/** What `Ref` and `Fn::GetAtt` return for one resource. */
interface Identity {
  ref: string;
  attrs: Record<string, string>;
}

interface Reader {
  stacks: StackDoc[];
  metadata: TemplateMetadataKeys;
  awsPort: number;
  apiPort: number;
  identities: Map<string, Identity | 'pending'>;
  exports?: Map<string, { stack: StackDoc; value: Json }>;
}

/** Where a value is being resolved: the context of the resolver, and what errors name. */
interface Where {
  reader: Reader;
  stack: StackDoc;
  resource: string;
}

export interface ReadLocalModelOptions {
  /** Where the app's constructs record a function's source and a state machine's flow. */
  metadata: TemplateMetadataKeys;
  /** Port of the local AWS endpoint, which SQS queue URLs point at (default 4566). */
  awsPort?: number;
  /** Port of the local HTTP API, the APIs' `ApiEndpoint` (default 3000). */
  apiPort?: number;
}

const DEFAULT_AWS_PORT = 4566;
const DEFAULT_API_PORT = 3000;

/** `AWS::NoValue`: the enclosing key or array entry is dropped. */
const NO_VALUE = Symbol('AWS::NoValue');

class ResolveError extends Error {
  constructor(where: Where, intrinsic: string, reason: string) {
    super(`Cannot resolve ${intrinsic} in stack ${where.stack.name}, resource ${where.resource}: ${reason}`);
    this.name = 'ResolveError';
  }
}

const isObject = (value: unknown): value is Record<string, Json> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const hash = (text: string, length: number) => createHash('sha256').update(text).digest('hex').slice(0, length);

const show = (value: Json) => JSON.stringify(value);

// ---------------------------------------------------------------------------------------------
// The resolver
// ---------------------------------------------------------------------------------------------

/** Resolves every intrinsic in `value`. Returns NO_VALUE for `AWS::NoValue`. */
function resolve(value: Json, where: Where): Json {
  if (Array.isArray(value)) return value.map((item) => resolve(item, where)).filter((item) => item !== NO_VALUE);
  if (!isObject(value)) return value;
  const keys = Object.keys(value);
  if (keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'))) return intrinsic(keys[0], value[keys[0]], where);
  const out: Record<string, Json> = {};
  for (const [key, item] of Object.entries(value)) {
    const resolved = resolve(item, where);
    if (resolved !== NO_VALUE) out[key] = resolved;
  }
  return out;
}

function intrinsic(name: string, args: Json, where: Where): Json {
  const fail = (reason: string): never => {
    throw new ResolveError(where, `${name} ${show(args)}`, reason);
  };
  const str = (value: Json, what: string): string => {
    const resolved = resolve(value, where);
    if (typeof resolved === 'number' || typeof resolved === 'boolean') return String(resolved);
    return typeof resolved === 'string' ? resolved : fail(`${what} is not a string (${show(resolved)})`);
  };
  const list = (value: Json, what: string): Json[] => {
    const resolved = resolve(value, where);
    return Array.isArray(resolved) ? resolved : fail(`${what} is not a list (${show(resolved)})`);
  };
  switch (name) {
    case 'Ref':
      return typeof args === 'string' ? ref(args, where, fail) : fail('expected a name');
    case 'Fn::GetAtt': {
      const [id, ...path] = typeof args === 'string' ? args.split('.') : Array.isArray(args) ? args : [];
      if (typeof id !== 'string' || path.length === 0) return fail('expected [logicalId, attribute]');
      return getAtt(id, path.map((part) => str(part, 'the attribute')).join('.'), where, fail);
    }
    case 'Fn::Join': {
      if (!Array.isArray(args) || args.length !== 2) return fail('expected [separator, list]');
      return list(args[1], 'the joined value').map((part) => str(part, 'a joined part')).join(str(args[0], 'the separator'));
    }
    case 'Fn::Sub': {
      const [body, variables] = Array.isArray(args) ? args : [args, {}];
      if (typeof body !== 'string' || !isObject(variables)) return fail('expected a string or [string, variables]');
      return body.replace(/\$\{([^}]*)\}/g, (_, expression: string) => {
        if (expression.startsWith('!')) return `\${${expression.slice(1)}}`;
        if (expression in variables) return str(variables[expression], `variable ${expression}`);
        const [id, ...attribute] = expression.trim().split('.');
        return attribute.length > 0 ? getAtt(id, attribute.join('.'), where, fail) : ref(id, where, fail);
      });
    }
    case 'Fn::Select': {
      if (!Array.isArray(args) || args.length !== 2) return fail('expected [index, list]');
      const index = Number(resolve(args[0], where));
      const items = list(args[1], 'the list');
      return Number.isInteger(index) && index >= 0 && index < items.length ? items[index] : fail(`index ${index} is out of range`);
    }
    case 'Fn::Split': {
      if (!Array.isArray(args) || args.length !== 2) return fail('expected [delimiter, string]');
      return str(args[1], 'the source').split(str(args[0], 'the delimiter'));
    }
    case 'Fn::ImportValue':
      return importValue(str(args, 'the export name'), where, fail);
    case 'Fn::If': {
      if (!Array.isArray(args) || args.length !== 3 || typeof args[0] !== 'string') return fail('expected [condition, then, else]');
      return resolve(conditionHolds(args[0], where) ? args[1] : args[2], where);
    }
    case 'Fn::FindInMap': {
      const [map, top, second] = list(args, 'the arguments').map((part) => str(part, 'a key'));
      const found = where.stack.template.Mappings?.[map]?.[top]?.[second];
      return found === undefined ? fail(`no mapping ${map}.${top}.${second}`) : found;
    }
    case 'Fn::Base64':
      return Buffer.from(str(args, 'the value')).toString('base64');
    case 'Fn::GetAZs':
      return ['a', 'b', 'c'].map((zone) => `${LOCAL_REGION}${zone}`);
    case 'Fn::Equals':
    case 'Fn::Not':
    case 'Fn::And':
    case 'Fn::Or':
      return evaluateCondition({ [name]: args }, where);
    default:
      return fail('this intrinsic function is not supported locally');
  }
}

function ref(name: string, where: Where, fail: (reason: string) => never): Json {
  switch (name) {
    case 'AWS::Region':
      return LOCAL_REGION;
    case 'AWS::AccountId':
      return LOCAL_ACCOUNT;
    case 'AWS::Partition':
      return 'aws';
    case 'AWS::URLSuffix':
      return 'amazonaws.com';
    case 'AWS::StackName':
      return where.stack.name;
    case 'AWS::StackId':
      return localArn('cloudformation', `stack/${where.stack.name}/${hash(where.stack.name, 8)}`);
    case 'AWS::NoValue':
      return NO_VALUE;
  }
  const parameter = where.stack.template.Parameters?.[name];
  if (parameter) return parameter.Default ?? fail(`parameter ${name} has no default`);
  if (!where.stack.template.Resources?.[name]) return fail(`no resource or parameter ${name} in this stack`);
  return identity(where.reader, where.stack, name).ref;
}

function getAtt(id: string, attribute: string, where: Where, fail: (reason: string) => never): string {
  if (!where.stack.template.Resources?.[id]) return fail(`no resource ${id} in this stack`);
  // Attributes the platform never reads still get a stable, recognisable value.
  return identity(where.reader, where.stack, id).attrs[attribute] ?? localArn('local', id);
}

function importValue(name: string, where: Where, fail: (reason: string) => never): Json {
  const reader = where.reader;
  if (!reader.exports) {
    reader.exports = new Map();
    for (const stack of reader.stacks) {
      for (const [id, output] of Object.entries(stack.template.Outputs ?? {})) {
        if (output.Export === undefined) continue;
        const exportName = resolve(output.Export.Name, { reader, stack, resource: `output ${id}` });
        reader.exports.set(String(exportName), { stack, value: output.Value });
      }
    }
  }
  const exported = reader.exports.get(name);
  if (!exported) return fail(`no stack exports ${name}`);
  return resolve(exported.value, { reader, stack: exported.stack, resource: `the output exporting ${name}` });
}

/** Evaluates a named condition; one that cannot be evaluated offline counts as true. */
function conditionHolds(name: string, where: Where): boolean {
  const body = where.stack.template.Conditions?.[name];
  if (body === undefined) throw new ResolveError(where, `Condition ${name}`, 'no such condition');
  try {
    return evaluateCondition(body, where);
  } catch {
    return true;
  }
}

function evaluateCondition(body: Json, where: Where): boolean {
  if (typeof body === 'boolean') return body;
  if (isObject(body) && typeof body.Condition === 'string') return conditionHolds(body.Condition, where);
  const [name, args] = isObject(body) ? Object.entries(body)[0] ?? [] : [];
  const all = () => (args as Json[]).map((item) => evaluateCondition(item, where));
  switch (name) {
    case 'Fn::Equals':
      return show(resolve(args[0], where)) === show(resolve(args[1], where));
    case 'Fn::Not':
      return !evaluateCondition(args[0], where);
    case 'Fn::And':
      return all().every(Boolean);
    case 'Fn::Or':
      return all().some(Boolean);
  }
  const resolved = resolve(body, where);
  if (resolved === 'true' || resolved === 'false') return resolved === 'true';
  throw new ResolveError(where, `condition ${show(body)}`, 'not a condition function');
}

// ---------------------------------------------------------------------------------------------
// Local physical names and what Ref / GetAtt return
// ---------------------------------------------------------------------------------------------

/**
 * `${stackName}-${logicalId}`, as CloudFormation would name it (without the random suffix, so
 * names survive a restart); a short hash keeps names unique when the limit truncates them.
 */
function generatedName(stack: StackDoc, logicalId: string, max: number, suffix = ''): string {
  const full = `${stack.name}-${logicalId}`;
  if (full.length + suffix.length <= max) return full + suffix;
  return `${full.slice(0, max - suffix.length - 9)}-${hash(full, 8)}${suffix}`;
}

function identity(reader: Reader, stack: StackDoc, logicalId: string): Identity {
  const key = `${stack.name}/${logicalId}`;
  const known = reader.identities.get(key);
  if (known === 'pending') {
    throw new Error(`Cannot resolve the name of ${logicalId} in stack ${stack.name}: it depends on itself`);
  }
  if (known) return known;
  reader.identities.set(key, 'pending');
  const computed = computeIdentity(reader, stack, logicalId);
  reader.identities.set(key, computed);
  return computed;
}

function computeIdentity(reader: Reader, stack: StackDoc, logicalId: string): Identity {
  const resource = stack.template.Resources![logicalId];
  const props = resource.Properties ?? {};
  const where: Where = { reader, stack, resource: logicalId };
  // The explicit name when there is one, else a generated one.
  const named = (property: string, max: number, suffix = '', shape = (name: string) => name): string => {
    const explicit = props[property] === undefined ? undefined : resolve(props[property], where);
    return typeof explicit === 'string' ? explicit : shape(generatedName(stack, logicalId, max, suffix));
  };
  const localId = (length: number) => hash(`${stack.name}/${logicalId}`, length);
  switch (resource.Type) {
    case 'AWS::DynamoDB::Table':
    case 'AWS::DynamoDB::GlobalTable': {
      const name = named('TableName', 255);
      const arn = localArn('dynamodb', `table/${name}`);
      return { ref: name, attrs: { Arn: arn, StreamArn: `${arn}/stream/1970-01-01T00:00:00.000` } };
    }
    case 'AWS::Lambda::Function': {
      const name = named('FunctionName', 64);
      return { ref: name, attrs: { Arn: localArn('lambda', `function:${name}`) } };
    }
    case 'AWS::StepFunctions::StateMachine': {
      const name = named('StateMachineName', 80);
      const arn = localArn('states', `stateMachine:${name}`);
      return { ref: arn, attrs: { Arn: arn, Name: name } };
    }
    case 'AWS::Events::EventBus': {
      const name = named('Name', 256);
      return { ref: name, attrs: { Arn: localArn('events', `event-bus/${name}`), Name: name } };
    }
    case 'AWS::Events::Archive': {
      const name = named('ArchiveName', 48);
      return { ref: name, attrs: { Arn: localArn('events', `archive/${name}`) } };
    }
    case 'AWS::Events::Rule': {
      const name = named('Name', 64);
      const bus = eventBusName(props, where);
      const arn = localArn('events', bus === 'default' ? `rule/${name}` : `rule/${bus}/${name}`);
      return { ref: name, attrs: { Arn: arn } };
    }
    case 'AWS::SQS::Queue': {
      const name = named('QueueName', 80, props.FifoQueue === true || props.FifoQueue === 'true' ? '.fifo' : '');
      const url = `http://127.0.0.1:${reader.awsPort}/${LOCAL_ACCOUNT}/${name}`;
      return { ref: url, attrs: { Arn: localArn('sqs', name), QueueName: name, QueueUrl: url } };
    }
    case 'AWS::S3::Bucket': {
      const name = named('BucketName', 63, '', bucketName);
      const attrs = {
        Arn: `arn:aws:s3:::${name}`,
        DomainName: `${name}.s3.amazonaws.com`,
        RegionalDomainName: `${name}.s3.${LOCAL_REGION}.amazonaws.com`,
        DualStackDomainName: `${name}.s3.dualstack.${LOCAL_REGION}.amazonaws.com`,
        WebsiteURL: `http://${name}.s3-website-${LOCAL_REGION}.amazonaws.com`,
      };
      return { ref: name, attrs };
    }
    case 'AWS::Cognito::UserPool': {
      const id = `${LOCAL_REGION}_local${localId(8)}`;
      const provider = `cognito-idp.${LOCAL_REGION}.amazonaws.com/${id}`;
      return {
        ref: id,
        attrs: { Arn: localArn('cognito-idp', `userpool/${id}`), ProviderURL: provider, ProviderName: provider, UserPoolId: id },
      };
    }
    case 'AWS::Cognito::UserPoolClient': {
      // Cognito client ids are 26 lower-case letters and digits.
      const id = BigInt(`0x${localId(40)}`).toString(36).slice(0, 26).padStart(26, '0');
      return { ref: id, attrs: { ClientId: id } };
    }
    case 'AWS::IAM::Role': {
      const name = named('RoleName', 64);
      return { ref: name, attrs: { Arn: `arn:aws:iam::${LOCAL_ACCOUNT}:role/${name}`, RoleId: `AROA${localId(17).toUpperCase()}` } };
    }
    case 'AWS::Logs::LogGroup': {
      const name = named('LogGroupName', 512);
      return { ref: name, attrs: { Arn: localArn('logs', `log-group:${name}:*`) } };
    }
    case 'AWS::ApiGatewayV2::Api': {
      const id = BigInt(`0x${localId(16)}`).toString(36).slice(0, 10);
      return { ref: id, attrs: { ApiId: id, ApiEndpoint: `http://127.0.0.1:${reader.apiPort}` } };
    }
    default:
      return { ref: logicalId, attrs: {} };
  }
}

/**
 * A generated name made a valid bucket name, as CloudFormation makes one: lower case, letters,
 * digits, dots and hyphens, starting and ending with a letter or digit.
 */
function bucketName(generated: string): string {
  return generated
    .toLowerCase()
    .replace(/[^a-z0-9.-]/g, '-')
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '')
    .padEnd(3, '0');
}

/** A rule's bus name; EventBusName may be a name or an ARN. */
function eventBusName(props: Record<string, Json>, where: Where): string {
  if (props.EventBusName === undefined) return 'default';
  const value = String(resolve(props.EventBusName, where));
  return /^arn:.*:event-bus\/(.+)$/.exec(value)?.[1] ?? value;
}

// ---------------------------------------------------------------------------------------------
// The model, one function per resource kind
// ---------------------------------------------------------------------------------------------

interface Found {
  stack: StackDoc;
  logicalId: string;
  resource: Resource;
  where: Where;
}

/** Reads the local platform's model from a synthesized assembly. */
export function readLocalModel(assembly: CloudAssembly, stage: string, options: ReadLocalModelOptions): LocalModel {
  const reader: Reader = {
    stacks: assembly.stacks.map((stack) => ({ name: stack.stackName, template: stack.template as Template })),
    metadata: options.metadata,
    awsPort: options.awsPort ?? DEFAULT_AWS_PORT,
    apiPort: options.apiPort ?? DEFAULT_API_PORT,
    identities: new Map(),
  };
  const all = (...types: string[]) => resourcesOf(reader, types);
  const invokeConfigs = all('AWS::Lambda::EventInvokeConfig');
  // Functions without the entry metadata are CDK's own (custom resources): nothing to run locally.
  const functions = all('AWS::Lambda::Function')
    .filter(({ resource }) => resource.Metadata?.[reader.metadata.entry] !== undefined)
    .map((found) => readFunction(found, invokeConfigs));
  return {
    stage,
    eventBuses: ['default', ...all('AWS::Events::EventBus').map(({ stack, logicalId }) => identity(reader, stack, logicalId).ref)],
    tables: all('AWS::DynamoDB::Table', 'AWS::DynamoDB::GlobalTable').map(readTable),
    functions,
    stateMachines: all('AWS::StepFunctions::StateMachine').map(readStateMachine),
    rules: all('AWS::Events::Rule').map(readRule),
    archives: all('AWS::Events::Archive').map(readArchive),
    queues: all('AWS::SQS::Queue').map(readQueue),
    buckets: all('AWS::S3::Bucket').map(readBucket),
    apis: all('AWS::ApiGatewayV2::Api').map((found) => readApi(found, reader, functions)),
  };
}

/** Resources of the given types in every stack, leaving out those whose Condition is false. */
function resourcesOf(reader: Reader, types: string[]): Found[] {
  const found: Found[] = [];
  for (const stack of reader.stacks) {
    for (const [logicalId, resource] of Object.entries(stack.template.Resources ?? {})) {
      if (!types.includes(resource.Type)) continue;
      const where = { reader, stack, resource: logicalId };
      if (resource.Condition !== undefined && !conditionHolds(resource.Condition, where)) continue;
      found.push({ stack, logicalId, resource, where });
    }
  }
  return found;
}

function property(found: Found, name: string): Json {
  const value = found.resource.Properties?.[name];
  if (value === undefined) return undefined;
  const resolved = resolve(value, found.where);
  return resolved === NO_VALUE ? undefined : resolved;
}

const identityOf = (found: Found) => identity(found.where.reader, found.stack, found.logicalId);

function readTable(found: Found): LocalTable {
  const { ref: tableName, attrs } = identityOf(found);
  const properties = resolve(found.resource.Properties ?? {}, found.where);
  return { logicalId: found.logicalId, stackName: found.stack.name, tableName, arn: attrs.Arn, properties };
}

function readFunction(found: Found, invokeConfigs: Found[]): LocalFunction {
  const { metadata } = found.where.reader;
  const { ref: functionName, attrs } = identityOf(found);
  const arn = attrs.Arn;
  const variables: Record<string, Json> = property(found, 'Environment')?.Variables ?? {};
  const environment = Object.fromEntries(Object.entries(variables).map(([key, value]) => [key, String(value)]));
  // EventInvokeConfig.FunctionName is a name, an ARN or a partial ARN.
  const invokeConfig = invokeConfigs.find((config) => {
    const target = String(property(config, 'FunctionName'));
    return target === functionName || target === arn || target.endsWith(`:function:${functionName}`);
  });
  const deadLetterArn =
    property(found, 'DeadLetterConfig')?.TargetArn ??
    (invokeConfig && property(invokeConfig, 'DestinationConfig')?.OnFailure?.Destination);
  const retries = invokeConfig && property(invokeConfig, 'MaximumRetryAttempts');
  return {
    logicalId: found.logicalId,
    stackName: found.stack.name,
    functionName,
    arn,
    entry: found.resource.Metadata![metadata.entry],
    handlerExport: found.resource.Metadata![metadata.handler] ?? 'handler',
    environment,
    timeoutSeconds: Number(property(found, 'Timeout') ?? 3),
    memorySize: Number(property(found, 'MemorySize') ?? 128),
    ...(deadLetterArn === undefined ? {} : { deadLetterArn }),
    asyncRetryAttempts: retries === undefined ? 2 : Number(retries),
  };
}

function readStateMachine(found: Found): LocalStateMachine {
  const { ref: arn, attrs } = identityOf(found);
  const body = property(found, 'DefinitionString') ?? property(found, 'Definition');
  if (body === undefined) {
    throw new Error(`State machine ${found.logicalId} in stack ${found.stack.name} has no inline definition (DefinitionS3Location is not supported locally)`);
  }
  let text = typeof body === 'string' ? body : JSON.stringify(body);
  // Substitutions replace `${key}` in the definition text; strings are escaped to stay valid JSON.
  for (const [key, value] of Object.entries<Json>(property(found, 'DefinitionSubstitutions') ?? {})) {
    const replacement = typeof value === 'string' ? JSON.stringify(value).slice(1, -1) : String(value);
    text = text.split(`\${${key}}`).join(replacement);
  }
  const flow = found.resource.Metadata?.[found.where.reader.metadata.flow];
  return {
    logicalId: found.logicalId,
    stackName: found.stack.name,
    name: attrs.Name,
    arn,
    type: property(found, 'StateMachineType') === 'EXPRESS' ? 'EXPRESS' : 'STANDARD',
    definition: JSON.parse(text),
    ...(flow === undefined ? {} : { flow }),
    ...(Array.isArray(property(found, 'Tags')) ? { tags: (property(found, 'Tags') as Json[]).map((t) => ({ key: String(t.Key), value: String(t.Value) })) } : {}),
  };
}

function readArchive(found: Found): LocalArchive {
  const { ref: name, attrs } = identityOf(found);
  const pattern = property(found, 'EventPattern');
  const retention = property(found, 'RetentionDays');
  const source = String(property(found, 'SourceArn') ?? '');
  return {
    logicalId: found.logicalId,
    name,
    arn: attrs.Arn,
    eventBusName: /event-bus\/(.+)$/.exec(source)?.[1] ?? 'default',
    ...(pattern === undefined ? {} : { eventPattern: typeof pattern === 'string' ? JSON.parse(pattern) : pattern }),
    ...(retention === undefined ? {} : { retentionDays: Number(retention) }),
  };
}

function readRule(found: Found): LocalRule {
  const { ref: name, attrs } = identityOf(found);
  const pattern = property(found, 'EventPattern');
  const schedule = property(found, 'ScheduleExpression');
  const targets: Json[] = property(found, 'Targets') ?? [];
  return {
    logicalId: found.logicalId,
    stackName: found.stack.name,
    name,
    arn: attrs.Arn,
    eventBusName: eventBusName(found.resource.Properties ?? {}, found.where),
    // ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS matches like ENABLED here.
    state: property(found, 'State') === 'DISABLED' ? 'DISABLED' : 'ENABLED',
    ...(pattern === undefined ? {} : { eventPattern: typeof pattern === 'string' ? JSON.parse(pattern) : pattern }),
    ...(schedule === undefined ? {} : { scheduleExpression: schedule }),
    targets: targets.map(readTarget),
  };
}

function readTarget(target: Json): LocalTarget {
  const optional = (key: keyof LocalTarget, value: Json) => (value === undefined ? {} : { [key]: value });
  return {
    id: target.Id,
    arn: target.Arn,
    ...optional('input', target.Input),
    ...optional('inputPath', target.InputPath),
    ...optional('inputTransformer', target.InputTransformer),
    ...optional('retryPolicy', target.RetryPolicy),
    ...optional('deadLetterArn', target.DeadLetterConfig?.Arn),
  };
}

function readQueue(found: Found): LocalQueue {
  const { ref: url, attrs } = identityOf(found);
  return { logicalId: found.logicalId, name: attrs.QueueName, arn: attrs.Arn, url };
}

function readBucket(found: Found): LocalBucket {
  const { ref: name, attrs } = identityOf(found);
  return { logicalId: found.logicalId, stackName: found.stack.name, name, arn: attrs.Arn };
}

function readApi(found: Found, reader: Reader, functions: LocalFunction[]): LocalApi {
  const apiId = identityOf(found).ref;
  // Routes, integrations and authorizers may sit in other stacks than the API (via imports).
  const ofThisApi = (type: string) => resourcesOf(reader, [type]).filter((part) => property(part, 'ApiId') === apiId);
  const integrations = ofThisApi('AWS::ApiGatewayV2::Integration');
  const authorizers = ofThisApi('AWS::ApiGatewayV2::Authorizer').filter((a) => property(a, 'AuthorizerType') === 'JWT');
  const usedAuthorizers = new Set<string>();

  const routes = ofThisApi('AWS::ApiGatewayV2::Route').map((route): LocalRoute => {
    const routeKey = String(property(route, 'RouteKey'));
    const fail = (reason: string): never => {
      throw new Error(`Route "${routeKey}" (${route.logicalId} in stack ${route.stack.name}): ${reason}`);
    };
    const target = String(property(route, 'Target') ?? fail('has no integration target'));
    const integrationId = target.replace(/^integrations\//, '');
    const integration =
      integrations.find((i) => i.stack === route.stack && identityOf(i).ref === integrationId) ??
      integrations.find((i) => identityOf(i).ref === integrationId) ??
      fail(`integration ${integrationId} not found`);
    const functionName = lambdaFunctionName(String(property(integration, 'IntegrationUri')), functions) ??
      fail(`integrates with ${show(property(integration, 'IntegrationUri'))}, not a function the local platform runs`);
    const authorization = property(route, 'AuthorizationType') ?? 'NONE';
    if (authorization !== 'JWT' && authorization !== 'NONE') fail(`authorization ${authorization} is not supported locally`);
    if (authorization === 'JWT') usedAuthorizers.add(String(property(route, 'AuthorizerId')));
    return { routeKey, functionName, authorization };
  });

  const authorizer = authorizers.find((a) => usedAuthorizers.has(identityOf(a).ref)) ?? authorizers[0];
  const audience = authorizer ? property(authorizer, 'JwtConfiguration')?.Audience?.[0] : undefined;
  return { logicalId: found.logicalId, routes, audience: audience === undefined ? '' : String(audience) };
}

/** The function an integration URI names: a function ARN, or the API Gateway invocation ARN wrapping one. */
function lambdaFunctionName(uri: string, functions: LocalFunction[]): string | undefined {
  const name = /:function:([^:/]+)/.exec(uri)?.[1];
  return functions.find((fn) => fn.functionName === name || fn.functionName === uri)?.functionName;
}
