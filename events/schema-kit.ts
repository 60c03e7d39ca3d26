import * as z from 'zod';
import { missingOr } from './define';

// Field builders beyond `fields` in define.ts. Each one names the field in every message, because
// zod's default messages ("Invalid input: expected string, received undefined") do not.


/** Marker read by loggers and by the schema registry (it lands in the JSON Schema `description`). */
export const PERSONAL_DATA = 'personal data';

export const text = (name: string) => z.string({ error: missingOr(name, 'a string') });

export const nonEmptyText = (name: string) => text(name).min(1, `${name} must not be empty`);

export const flag = (name: string) => z.boolean({ error: missingOr(name, 'true or false') });

export const wholeNumber = (name: string, min?: number) => {
  const n = z.number({ error: missingOr(name, 'a number') }).int(`${name} must be a whole number`);
  return min === undefined ? n : n.min(min, `${name} must be at least ${min}`);
};

export const numberBetween = (name: string, min: number, max: number) =>
  z
    .number({ error: missingOr(name, 'a number') })
    .min(min, `${name} must be between ${min} and ${max}`)
    .max(max, `${name} must be between ${min} and ${max}`);

export const oneOf = <const T extends readonly [string, ...string[]]>(name: string, values: T) =>
  z.enum(values, { error: missingOr(name, `one of ${values.join(', ')}`) });

export const list = <T extends z.ZodType>(name: string, item: T) => z.array(item, { error: missingOr(name, 'a list') });

/** Loose: producers may add fields, and consumers downstream should still see them. */
export const object = <T extends z.core.$ZodLooseShape>(name: string, shape: T) =>
  z.looseObject(shape, { error: missingOr(name, 'an object') });

export const httpsUrl = (name: string) =>
  z.url({ protocol: /^https?$/, error: missingOr(name, 'an http(s) URL') });
