import type * as z from 'zod';

/** One problem with an input, named by its path (`lines[0].quantity`). */
export interface FieldError {
  field: string;
  message: string;
}

export function fieldPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, key) => {
    if (typeof key === 'number') return `${out}[${key}]`;
    return out ? `${out}.${String(key)}` : String(key);
  }, '');
}

export function toFieldErrors(error: z.ZodError, prefix = ''): FieldError[] {
  return error.issues.map((issue) => {
    const field = fieldPath(issue.path as PropertyKey[]);
    const joined = prefix && field ? `${prefix}${field.startsWith('[') ? '' : '.'}${field}` : prefix || field;
    return { field: joined || '(root)', message: issue.message };
  });
}

/** `detail.lines[0].quantity: Too small: expected number to be >0; detail.orderId: Required` */
export function describeFieldErrors(errors: FieldError[]): string {
  return errors.map((e) => `${e.field}: ${e.message}`).join('; ');
}
