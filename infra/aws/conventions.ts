import { existsSync } from 'node:fs';
import { ENTRY_METADATA } from '../../workflows/constructs/workflow-function';
import { repoPath } from '../../workflows/constructs/repo-paths';

type Resource = { Type: string; Properties?: Record<string, any>; Metadata?: Record<string, any> };
type Template = { Resources?: Record<string, Resource> };

/**
 * A state machine definition with CloudFormation tokens (Refs, GetAtts) replaced by a placeholder
 * string: enough to inspect its structure without deploying it.
 */
export function inspectableDefinition(properties: Record<string, any>): any {
  const body = properties.DefinitionString ?? properties.Definition;
  if (typeof body === 'object' && !('Fn::Join' in body)) return body;
  const text = typeof body === 'string' ? body : joinWithPlaceholders(body);
  return JSON.parse(text);
}

function joinWithPlaceholders(value: any): string {
  if (typeof value === 'string') return value;
  if (value && Array.isArray(value['Fn::Join'])) {
    const [separator, parts] = value['Fn::Join'];
    return parts.map(joinWithPlaceholders).join(separator);
  }
  return 'TOKEN';
}

/** Every state of a definition, including those inside Parallel branches and Map processors. */
export function allStates(definition: any): Array<[string, any]> {
  const states: Array<[string, any]> = [];
  for (const [name, state] of Object.entries<any>(definition.States ?? {})) {
    states.push([name, state]);
    for (const branch of state.Branches ?? []) states.push(...allStates(branch));
    const processor = state.ItemProcessor ?? state.Iterator;
    if (processor) states.push(...allStates(processor));
  }
  return states;
}

/**
 * The platform's deployment conventions, checked on a synthesized template. Returns one line per
 * violation, naming the resource, so a failing test says exactly what to fix.
 */
export function conventionViolations(template: Template): string[] {
  const violations: string[] = [];
  for (const [id, resource] of Object.entries(template.Resources ?? {})) {
    const props = resource.Properties ?? {};
    // CDK's BucketDeployment (the console's files) brings its own function: Python with the AWS CLI, CDK's to keep current.
    // (CDK names that singleton function `Custom::CDKBucketDeployment<uuid>…`, so its logical id starts with this.)
    const cdkBucketDeployment = id.startsWith('CustomCDKBucketDeployment');
    if (resource.Type === 'AWS::Lambda::Function' && !cdkBucketDeployment) {
      if (props.Runtime !== 'nodejs22.x') violations.push(`${id}: runtime ${props.Runtime}, expected nodejs22.x`);
      if (JSON.stringify(props.Architectures) !== '["arm64"]') violations.push(`${id}: architecture ${props.Architectures ?? 'x86_64'}, expected arm64`);
      const entry = resource.Metadata?.[ENTRY_METADATA];
      // Functions CDK creates for itself (custom resources) have no entry of ours.
      if (entry !== undefined && !existsSync(repoPath(entry))) violations.push(`${id}: entry ${entry} does not exist`);
    }
    if (resource.Type === 'AWS::DynamoDB::Table' && props.PointInTimeRecoverySpecification?.PointInTimeRecoveryEnabled !== true) {
      violations.push(`${id}: point-in-time recovery is off`);
    }
    if (resource.Type === 'AWS::StepFunctions::StateMachine') violations.push(...stateMachineViolations(id, props));
  }
  return violations;
}

function stateMachineViolations(id: string, props: Record<string, any>): string[] {
  const definition = inspectableDefinition(props);
  const violations: string[] = [];
  if (definition.QueryLanguage === 'JSONata') violations.push(`${id}: uses JSONata; the local engine runs JSONPath only`);
  for (const [name, state] of allStates(definition)) {
    if (state.QueryLanguage === 'JSONata') violations.push(`${id}/${name}: uses JSONata`);
    if ('Assign' in state) violations.push(`${id}/${name}: uses Assign (variables); the local engine does not run them`);
    const waitsForToken = typeof state.Resource === 'string' && state.Resource.endsWith('.waitForTaskToken');
    if (waitsForToken && state.TimeoutSeconds === undefined && state.TimeoutSecondsPath === undefined) {
      violations.push(`${id}/${name}: waits for a task token without a timeout`);
    }
  }
  return violations;
}
