/**
 * Target input shaping as EventBridge does it before delivery (AWS docs: "Transforming target input"):
 * the whole event, a constant Input, an InputPath selection, or an InputTransformer template.
 */
import { JSONPath } from 'jsonpath-plus';

export interface TargetInputConfig {
  Input?: string;
  InputPath?: string;
  InputTransformer?: { InputPathsMap?: Record<string, string>; InputTemplate: string };
}

export interface TransformMeta {
  ruleName: string;
  ruleArn: string;
  ingestionTime: string;
}

const PREDEFINED = [
  'aws.events.rule-arn',
  'aws.events.rule-name',
  'aws.events.event',
  'aws.events.event.json',
  'aws.events.event.ingestion-time',
];

export function transformTargetInput(
  target: TargetInputConfig,
  event: Record<string, unknown>,
  meta?: TransformMeta,
): string {
  const configured = [target.Input, target.InputPath, target.InputTransformer].filter((o) => o !== undefined);
  // PutTargets accepts at most one of the three.
  if (configured.length > 1) throw new Error('Only one of Input, InputPath and InputTransformer may be set on a target');

  if (target.Input !== undefined) return target.Input;
  if (target.InputPath !== undefined) return toJson(selectPath(event, target.InputPath));
  if (target.InputTransformer) return renderTemplate(target.InputTransformer, event, meta);
  return JSON.stringify(event);
}

function renderTemplate(
  { InputPathsMap = {}, InputTemplate }: NonNullable<TargetInputConfig['InputTransformer']>,
  event: Record<string, unknown>,
  meta: TransformMeta | undefined,
): string {
  const values = new Map<string, unknown>();
  for (const [name, path] of Object.entries(InputPathsMap)) {
    if (PREDEFINED.includes(name)) throw new Error(`InputPathsMap cannot define the reserved variable "${name}"`);
    values.set(name, selectPath(event, path));
  }
  const eventWithoutDetail = { ...event };
  delete eventWithoutDetail.detail;
  values.set('aws.events.rule-arn', meta?.ruleArn);
  values.set('aws.events.rule-name', meta?.ruleName);
  values.set('aws.events.event.ingestion-time', meta?.ingestionTime);
  values.set('aws.events.event', eventWithoutDetail); // documented as the payload without "detail"
  values.set('aws.events.event.json', event);

  // Placeholders inside a JSON string get the raw text (unescaped, as AWS does); elsewhere the JSON value.
  let out = '';
  let inString = false;
  for (let i = 0; i < InputTemplate.length; i++) {
    const char = InputTemplate[i];
    if (char === '<') {
      const close = InputTemplate.indexOf('>', i + 1);
      const name = close === -1 ? undefined : InputTemplate.slice(i + 1, close);
      if (name !== undefined && values.has(name)) {
        out += inString ? toText(values.get(name)) : toJson(values.get(name));
        i = close;
        continue;
      }
    }
    if (char === '\\' && inString && i + 1 < InputTemplate.length) {
      out += char + InputTemplate[++i];
      continue;
    }
    if (char === '"') inString = !inString;
    out += char;
  }
  return out;
}

// Definite paths yield one value; wildcard paths yield the list of matches. No match → undefined.
function selectPath(event: Record<string, unknown>, path: string): unknown {
  const results: unknown[] = JSONPath({ path, json: event, wrap: true, eval: false });
  if (results.length === 0) return undefined;
  return /\*|\.\./.test(path) ? results : results[0];
}

const toJson = (value: unknown): string => (value === undefined ? 'null' : JSON.stringify(value));

function toText(value: unknown): string {
  if (value === undefined) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}
