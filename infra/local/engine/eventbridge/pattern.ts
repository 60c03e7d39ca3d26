/**
 * EventBridge event-pattern validation and matching.
 *
 * Semantics follow the AWS docs ("Amazon EventBridge event patterns", "Content filtering in
 * Amazon EventBridge event patterns") and, where the docs are silent, aws/event-ruler, the
 * library EventBridge uses: leaf values are matched after arrays in the event are flattened,
 * and a sub-pattern applied to an array of objects must match within a single element.
 */
import { BlockList, isIP } from 'node:net';

type Pattern = Record<string, unknown>;

const OPERATORS = ['prefix', 'suffix', 'anything-but', 'numeric', 'exists', 'equals-ignore-case', 'wildcard', 'cidr'];
const RANGE_OPERATORS = ['=', '<', '<=', '>', '>='];
// Documented numeric-matching bound; beyond it AWS rejects the pattern.
const NUMERIC_LIMIT = 5e9;
// AWS rejects patterns whose $or arrays expand to more rule combinations than this.
const MAX_OR_COMBINATIONS = 1000;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

// ---------------------------------------------------------------------------------------------
// Validation (what PutRule / TestEventPattern reject)
// ---------------------------------------------------------------------------------------------

class PatternError extends Error {
  constructor(path: string, reason: string) {
    super(path ? `Invalid event pattern at ${path}: ${reason}` : `Invalid event pattern: ${reason}`);
    this.name = 'InvalidEventPatternError';
  }
}

export function validatePattern(pattern: unknown): void {
  if (!isObject(pattern)) throw new PatternError('', 'the pattern must be a JSON object');
  validateObject(pattern, '', false);
  const combinations = countCombinations(pattern);
  if (combinations > MAX_OR_COMBINATIONS) {
    throw new PatternError('', `$or expands to ${combinations} rule combinations (maximum ${MAX_OR_COMBINATIONS})`);
  }
}

function validateObject(pattern: Pattern, path: string, insideOr: boolean): void {
  const keys = Object.keys(pattern);
  if (keys.length === 0) throw new PatternError(path, 'empty objects are not allowed');
  for (const key of keys) {
    const at = path ? `${path}.${key}` : key;
    const value = pattern[key];
    if (key === '$or') {
      validateOr(value, at);
    } else if (insideOr && OPERATORS.includes(key)) {
      throw new PatternError(at, `"${key}" is an operator and cannot be used as a field name inside $or`);
    } else if (isObject(value)) {
      validateObject(value, at, insideOr);
    } else if (Array.isArray(value)) {
      validateLeaf(value, at);
    } else {
      throw new PatternError(at, 'leaf values must be arrays, e.g. ["value"]');
    }
  }
}

function validateOr(value: unknown, path: string): void {
  if (!Array.isArray(value) || value.length < 2 || !value.every(isObject)) {
    throw new PatternError(path, '$or needs an array of at least two sub-pattern objects');
  }
  for (const sub of value) validateObject(sub as Pattern, path, true);
}

function validateLeaf(values: unknown[], path: string): void {
  if (values.length === 0) throw new PatternError(path, 'empty arrays are not allowed');
  for (const value of values) {
    if (isObject(value)) validateOperator(value, path);
    else if (Array.isArray(value)) throw new PatternError(path, 'nested arrays are not allowed in match values');
    else if (!['string', 'number', 'boolean'].includes(typeof value) && value !== null) {
      throw new PatternError(path, 'match values must be strings, numbers, true, false, null or operator objects');
    }
  }
}

function validateOperator(expression: Record<string, unknown>, path: string): void {
  const keys = Object.keys(expression);
  if (keys.length !== 1) throw new PatternError(path, 'an operator object must have exactly one key');
  const [op] = keys;
  const arg = expression[op];
  switch (op) {
    case 'prefix':
    case 'suffix':
      if (isObject(arg)) return validateIgnoreCaseObject(arg, op, path);
      return requireString(arg, op, path);
    case 'equals-ignore-case':
      return requireString(arg, op, path);
    case 'wildcard':
      requireString(arg, op, path);
      return validateWildcard(arg as string, path);
    case 'cidr':
      requireString(arg, op, path);
      if (!parseCidr(arg as string)) throw new PatternError(path, `cidr "${String(arg)}" is not a valid IPv4/IPv6 CIDR block`);
      return;
    case 'exists':
      if (typeof arg !== 'boolean') throw new PatternError(path, 'exists must be true or false');
      return;
    case 'numeric':
      return validateNumeric(arg, path);
    case 'anything-but':
      return validateAnythingBut(arg, path);
    default:
      throw new PatternError(path, `unknown operator "${op}"`);
  }
}

function requireString(arg: unknown, op: string, path: string): void {
  if (typeof arg !== 'string') throw new PatternError(path, `${op} must be a string`);
}

function validateIgnoreCaseObject(arg: Record<string, unknown>, op: string, path: string): void {
  const keys = Object.keys(arg);
  if (keys.length !== 1 || keys[0] !== 'equals-ignore-case') {
    throw new PatternError(path, `${op} only accepts a string or {"equals-ignore-case": "..."}`);
  }
  requireString(arg['equals-ignore-case'], `${op} equals-ignore-case`, path);
}

function validateWildcard(value: string, path: string): void {
  for (let i = 0; i < value.length; i++) {
    if (value[i] === '*' && value[i + 1] === '*') {
      throw new PatternError(path, `consecutive wildcard characters at position ${i} in "${value}"`);
    }
    if (value[i] === '\\') {
      if (value[i + 1] !== '*' && value[i + 1] !== '\\') {
        throw new PatternError(path, `invalid escape at position ${i} in "${value}" (only \\* and \\\\ are allowed)`);
      }
      i++;
    }
  }
}

function validateNumeric(arg: unknown, path: string): void {
  const pairsMessage = 'numeric operator needs pairs of operator and number';
  if (!Array.isArray(arg) || (arg.length !== 2 && arg.length !== 4)) throw new PatternError(path, pairsMessage);
  for (let i = 0; i < arg.length; i += 2) {
    if (typeof arg[i] !== 'string' || typeof arg[i + 1] !== 'number') throw new PatternError(path, pairsMessage);
    if (!RANGE_OPERATORS.includes(arg[i])) throw new PatternError(path, `unknown numeric operator "${arg[i]}"`);
    if (Math.abs(arg[i + 1]) > NUMERIC_LIMIT) {
      throw new PatternError(path, `numeric value ${arg[i + 1]} is outside -5.0e9..5.0e9`);
    }
  }
  if (arg.length === 4) {
    const [lowOp, low, highOp, high] = arg as [string, number, string, number];
    if (!['>', '>='].includes(lowOp) || !['<', '<='].includes(highOp)) {
      throw new PatternError(path, 'a numeric range must be [">" or ">=", low, "<" or "<=", high]');
    }
    if (low >= high) throw new PatternError(path, `numeric range bottom ${low} must be less than top ${high}`);
  }
}

function validateAnythingBut(arg: unknown, path: string): void {
  if (typeof arg === 'string' || typeof arg === 'number') return;
  if (Array.isArray(arg)) {
    const allStrings = arg.every((v) => typeof v === 'string');
    const allNumbers = arg.every((v) => typeof v === 'number');
    if (arg.length === 0 || !(allStrings || allNumbers)) {
      throw new PatternError(path, 'anything-but list must be non-empty and all strings or all numbers');
    }
    return;
  }
  if (isObject(arg)) {
    const keys = Object.keys(arg);
    const [op] = keys;
    if (keys.length !== 1 || !['prefix', 'suffix', 'equals-ignore-case', 'wildcard'].includes(op)) {
      throw new PatternError(path, 'anything-but object must be one of prefix, suffix, equals-ignore-case or wildcard');
    }
    const inner = arg[op];
    const values = Array.isArray(inner) ? inner : [inner];
    if (values.length === 0 || !values.every((v) => typeof v === 'string')) {
      throw new PatternError(path, `anything-but ${op} must be a string or a list of strings`);
    }
    if ((op === 'prefix' || op === 'suffix') && values.includes('')) {
      throw new PatternError(path, `anything-but ${op} must not be empty`);
    }
    if (op === 'wildcard') values.forEach((v) => validateWildcard(v as string, path));
    return;
  }
  throw new PatternError(path, 'anything-but must be a string, a number, a list, or an operator object');
}

// Siblings multiply, $or alternatives add — the way AWS counts expanded rules.
function countCombinations(pattern: Pattern): number {
  let total = 1;
  for (const [key, value] of Object.entries(pattern)) {
    if (key === '$or' && Array.isArray(value)) {
      total *= value.reduce((sum: number, alt) => sum + countCombinations(alt as Pattern), 0);
    } else if (isObject(value)) {
      total *= countCombinations(value);
    }
  }
  return total;
}

// ---------------------------------------------------------------------------------------------
// Matching (assumes a pattern that passed validatePattern)
// ---------------------------------------------------------------------------------------------

export function matchesPattern(pattern: Record<string, unknown>, event: unknown): boolean {
  return matchObject(pattern, event);
}

function matchObject(pattern: Pattern, value: unknown): boolean {
  if (Array.isArray(value)) {
    // Arrays of objects are flattened, but all fields of one sub-pattern must come from the same element.
    const elements = value.flat(Infinity).filter(isObject);
    return elements.length > 0 ? elements.some((element) => matchObject(pattern, element)) : matchObject(pattern, {});
  }
  const fields = isObject(value) ? value : {};
  return Object.entries(pattern).every(([key, sub]) => {
    if (key === '$or') return (sub as Pattern[]).some((alternative) => matchObject(alternative, fields));
    const field = Object.hasOwn(fields, key) ? fields[key] : undefined;
    return Array.isArray(sub) ? matchLeaf(sub, field) : matchObject(sub as Pattern, field);
  });
}

// Only scalars (and null) are leaves; objects are intermediate nodes and arrays are flattened.
function leafValues(field: unknown): unknown[] {
  if (Array.isArray(field)) return field.flat(Infinity).filter((v) => !isObject(v));
  return field === undefined || isObject(field) ? [] : [field];
}

function matchLeaf(conditions: unknown[], field: unknown): boolean {
  const values = leafValues(field);
  return conditions.some((condition) => {
    if (isObject(condition) && 'exists' in condition) return condition.exists === values.length > 0;
    return values.some((value) => matchValue(condition, value));
  });
}

function matchValue(condition: unknown, value: unknown): boolean {
  if (!isObject(condition)) return condition === value;
  const [op] = Object.keys(condition);
  const arg = condition[op];
  switch (op) {
    case 'prefix':
      return matchAffix(arg, value, (v, a) => v.startsWith(a));
    case 'suffix':
      return matchAffix(arg, value, (v, a) => v.endsWith(a));
    case 'equals-ignore-case':
      return typeof value === 'string' && value.toLowerCase() === String(arg).toLowerCase();
    case 'wildcard':
      return typeof value === 'string' && wildcardToRegExp(String(arg)).test(value);
    case 'cidr':
      return matchCidr(String(arg), value);
    case 'numeric':
      return typeof value === 'number' && matchNumeric(arg as unknown[], value);
    case 'anything-but':
      return matchAnythingBut(arg, value);
    default:
      return false;
  }
}

function matchAffix(arg: unknown, value: unknown, test: (value: string, affix: string) => boolean): boolean {
  if (typeof value !== 'string') return false;
  if (isObject(arg)) {
    const affix = String(arg['equals-ignore-case']);
    return test(value.toLowerCase(), affix.toLowerCase());
  }
  return test(value, String(arg));
}

// "anything-but X" matches a present value exactly when X does not — including non-string values.
function matchAnythingBut(arg: unknown, value: unknown): boolean {
  if (!isObject(arg)) return !(Array.isArray(arg) ? arg : [arg]).includes(value);
  const [op] = Object.keys(arg);
  const excluded = Array.isArray(arg[op]) ? (arg[op] as unknown[]) : [arg[op]];
  return !excluded.some((x) => matchValue({ [op]: x }, value));
}

const COMPARATORS: Record<string, (value: number, bound: number) => boolean> = {
  '=': (v, b) => v === b,
  '<': (v, b) => v < b,
  '<=': (v, b) => v <= b,
  '>': (v, b) => v > b,
  '>=': (v, b) => v >= b,
};

function matchNumeric(spec: unknown[], value: number): boolean {
  for (let i = 0; i < spec.length; i += 2) {
    const compare = COMPARATORS[spec[i] as string];
    if (!compare || !compare(value, spec[i + 1] as number)) return false;
  }
  return true;
}

function wildcardToRegExp(wildcard: string): RegExp {
  let source = '';
  for (let i = 0; i < wildcard.length; i++) {
    const char = wildcard[i];
    if (char === '\\' && i + 1 < wildcard.length) source += escapeRegExp(wildcard[++i]);
    else source += char === '*' ? '.*' : escapeRegExp(char);
  }
  return new RegExp(`^${source}$`, 's');
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

function parseCidr(cidr: string): { list: BlockList; family: 'ipv4' | 'ipv6' } | undefined {
  const [address, bits, extra] = cidr.split('/');
  const version = isIP(address ?? '');
  const prefix = Number(bits);
  // event-ruler (and so EventBridge) rejects /32 and /128; a single address is written as a plain value.
  const max = version === 4 ? 32 : 128;
  if (!version || extra !== undefined || !/^\d+$/.test(bits ?? '') || prefix >= max) return undefined;
  const family = version === 4 ? 'ipv4' : 'ipv6';
  const list = new BlockList();
  list.addSubnet(address, prefix, family);
  return { list, family };
}

function matchCidr(cidr: string, value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const parsed = parseCidr(cidr);
  const version = isIP(value);
  return !!parsed && version !== 0 && (version === 4 ? 'ipv4' : 'ipv6') === parsed.family && parsed.list.check(value, parsed.family);
}
