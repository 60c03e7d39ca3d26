import * as z from 'zod';
import { categories, type Category } from '../../events/listing-submitted';
import { ValidationError } from '../../shared/errors';
import { fieldPath, type FieldError } from '../../shared/validation';
import data from './banned-words.json' with { type: 'json' };

// The advertising-law word list (business rules §1) and how a text is searched for it.
//
// Matching works on normalised text, so the usual tricks do not hide a word:
// - every character is NFKC-normalised, then lower-cased: full-width ＴＯＰ１ is top1, ｂｅｓｔ is best,
//   第１ is 第1, １００％ is 100%;
// - between two characters of a word the text may hold any run of characters that are neither
//   letters nor digits (spaces, punctuation, symbols, zero-width and other invisible characters,
//   line breaks): 最 好, 最-好, 最\u200b好 and 最。好 all contain 最好;
// - a word's own characters are its letters, digits and `%` (so "No.1" in the list is no1, and
//   100% does not match 100g);
// - a word that starts (ends) with a Latin letter or a digit does not match right after (before)
//   another one: top1 is not found in desktop1 and 第1 is not found in 第10;
// - Chinese has no word boundaries, so a Chinese word is found inside longer words: 最 in 最新 is
//   flagged, as the law reads it. Known-innocent compounds go in the group's `allow` list (最近,
//   第一次, 100%纯棉): a match lying wholly inside an allowed compound is not reported.
// Not handled: homoglyphs from other scripts (Cyrillic о for o), pinyin and abbreviations, and
// traditional characters unless the list spells them (it does for the common ones).

/** The characters that make up a word; everything else is a gap the matcher skips. */
const WORD_CHAR = /[\p{L}\p{N}%]/u;
/** Between two characters of a word: anything that is neither a letter nor a digit. */
const GAP = '[^\\p{L}\\p{N}]*';

const text = (name: string) => z.string({ error: (issue) => (issue.input === undefined ? `${name} is required` : `${name} must be a string`) });
const entry = (name: string) =>
  text(name).refine((value) => wordChars(value).length > 0, { error: (issue) => `${name} ${JSON.stringify(issue.input)} has no letter or digit to match` });

const Group = z.strictObject(
  {
    id: text('id').regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'id must be lower-case words joined by hyphens'),
    name: text('name').min(1, 'name must not be empty'),
    source: text('source').min(1, 'source must not be empty (say which law or rule bans these words)'),
    categories: z.union([z.literal('all'), z.array(z.enum(categories)).min(1)], {
      error: `categories must be "all" or a non-empty list of ${categories.join(', ')}`,
    }),
    words: z.array(entry('word'), { error: 'words must be a list' }).min(1, 'words must contain at least one word'),
    allow: z.array(entry('allowed compound'), { error: 'allow must be a list' }).default([]),
  },
  { error: (issue) => (issue.code === 'unrecognized_keys' ? undefined : 'a group must be an object') },
);

const BannedWordsFile = z.object(
  {
    about: z.string().optional(),
    groups: z.array(Group, { error: 'groups must be a list' }).min(1, 'groups must contain at least one group'),
  },
  { error: 'the banned-words file must be an object with a list of groups' },
);

export type BannedWordGroup = Readonly<z.infer<typeof Group>>;

interface Pattern {
  readonly word: string;
  readonly regex: RegExp;
}

interface CompiledGroup extends BannedWordGroup {
  readonly patterns: readonly Pattern[];
  readonly allowPatterns: readonly Pattern[];
}

/** The validated list, ready to search with. Load it once (cold start) and pass it to the checks. */
export interface BannedWords {
  readonly groups: readonly CompiledGroup[];
}

/** One banned word found in a text. */
export interface BannedWordMatch {
  readonly groupId: string;
  readonly groupName: string;
  /** The word as the list spells it. */
  readonly word: string;
  /** The text as written where the word was found (e.g. `最 好`, `ＴＯＰ１`). */
  readonly found: string;
  /** UTF-16 offset of `found` in the text searched. */
  readonly index: number;
}

/**
 * The banned-word list, validated. Without an argument it reads `banned-words.json`; tests and
 * operators can pass another list of the same shape. Throws a ValidationError naming every bad
 * entry (`groups[1].words[3]`, with the group's id in the message).
 */
export function loadBannedWords(json: unknown = data): BannedWords {
  const result = BannedWordsFile.safeParse(json);
  if (!result.success) throw new ValidationError('invalid banned-words list', result.error.issues.map((issue) => named(json, issue)));
  const errors = consistency(result.data.groups);
  if (errors.length) throw new ValidationError('invalid banned-words list', errors);
  return Object.freeze({
    groups: Object.freeze(
      result.data.groups.map((group) =>
        Object.freeze({
          ...group,
          patterns: Object.freeze(group.words.map((word) => ({ word, regex: compile(word) }))),
          allowPatterns: Object.freeze(group.allow.map((word) => ({ word, regex: compile(word) }))),
        }),
      ),
    ),
  });
}

/** `groups[2].words[5]`, with the group's id in front of the message so the bad entry is obvious. */
function named(json: unknown, issue: z.core.$ZodIssue): FieldError {
  const field = fieldPath(issue.path as PropertyKey[]) || '(root)';
  const index = issue.path[0] === 'groups' ? issue.path[1] : undefined;
  const groups = json && typeof json === 'object' ? (json as { groups?: unknown }).groups : undefined;
  const group = Array.isArray(groups) && typeof index === 'number' ? groups[index] : undefined;
  const id = group && typeof group === 'object' ? (group as { id?: unknown }).id : undefined;
  return { field, message: typeof id === 'string' && id ? `${id}: ${issue.message}` : issue.message };
}

/** What zod cannot see entry by entry: duplicate ids and words, allowed compounds that allow nothing. */
function consistency(groups: z.infer<typeof Group>[]): FieldError[] {
  const errors: FieldError[] = [];
  const ids = new Set<string>();
  groups.forEach((group, g) => {
    if (ids.has(group.id)) errors.push({ field: `groups[${g}].id`, message: `${group.id}: duplicate group id` });
    ids.add(group.id);
    const keys = new Map<string, string>();
    group.words.forEach((word, w) => {
      const key = wordKey(word);
      const earlier = keys.get(key);
      if (earlier !== undefined) {
        errors.push({ field: `groups[${g}].words[${w}]`, message: `${group.id}: "${word}" is the same word as "${earlier}" once normalised` });
      } else keys.set(key, word);
    });
    const patterns = group.words.map(compile);
    group.allow.forEach((compound, a) => {
      const normalised = normalise(compound).text;
      if (!patterns.some((regex) => new RegExp(regex.source, 'u').test(normalised))) {
        errors.push({ field: `groups[${g}].allow[${a}]`, message: `${group.id}: allowed compound "${compound}" contains none of the group's words` });
      }
    });
  });
  return errors;
}

/** A word's own characters, normalised: letters, digits and `%`. */
function wordChars(word: string): string[] {
  return [...normalise(word).text].filter((char) => WORD_CHAR.test(char));
}

/** What a word is matched as: `No.１` → `no1`, `最 好` → `最好`. Two entries with the same key are the same word. */
export const wordKey = (word: string): string => wordChars(word).join('');

const LATIN_OR_DIGIT = /[\p{Script=Latin}\p{Nd}]/u;

function compile(word: string): RegExp {
  const chars = wordChars(word);
  const first = chars[0];
  const last = chars.at(-1)!;
  const before = LATIN_OR_DIGIT.test(first) ? `(?<!${/\p{Nd}/u.test(first) ? '\\p{Nd}' : '\\p{Script=Latin}'})` : '';
  const after = LATIN_OR_DIGIT.test(last) ? `(?!${/\p{Nd}/u.test(last) ? '\\p{Nd}' : '\\p{Script=Latin}'})` : '';
  return new RegExp(`${before}${chars.map(escape).join(GAP)}${after}`, 'gu');
}

const escape = (char: string) => char.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

/**
 * The text as the matcher sees it: each code point NFKC-normalised and lower-cased on its own, with
 * where in the original every UTF-16 unit comes from (`from`/`to` of its code point), so a match can
 * be quoted as it was written.
 */
export function normalise(input: string): { text: string; from: number[]; to: number[] } {
  let text = '';
  const from: number[] = [];
  const to: number[] = [];
  let offset = 0;
  for (const char of input) {
    const normal = char.normalize('NFKC').toLowerCase();
    text += normal;
    for (let i = 0; i < normal.length; i++) {
      from.push(offset);
      to.push(offset + char.length);
    }
    offset += char.length;
  }
  return { text, from, to };
}

/** Does this group apply to a listing of this category? An unknown category gets only the groups for every category. */
export const appliesTo = (group: BannedWordGroup, category: string): boolean =>
  group.categories === 'all' || (group.categories as readonly string[]).includes(category as Category);

interface Hit extends BannedWordMatch {
  readonly start: number;
  readonly end: number;
}

/**
 * Every banned word of the groups that apply to `category`, in the order they first appear in the
 * text, each word once. A match inside a longer match is left out (最好 is reported, not also 最),
 * and so is a match inside one of its group's allowed compounds.
 */
export function findBannedWords(input: string, list: BannedWords, category: string): BannedWordMatch[] {
  const { text, from, to } = normalise(input);
  const hits: Hit[] = [];
  for (const group of list.groups) {
    if (!appliesTo(group, category)) continue;
    const allowed = group.allowPatterns.flatMap(({ regex }) => [...text.matchAll(regex)].map((m) => [m.index, m.index + m[0].length] as const));
    for (const { word, regex } of group.patterns) {
      for (const match of text.matchAll(regex)) {
        const start = match.index;
        const end = start + match[0].length;
        if (allowed.some(([from, to]) => from <= start && end <= to)) continue;
        const index = from[start];
        hits.push({ groupId: group.id, groupName: group.name, word, found: input.slice(index, to[end - 1]), index, start, end });
      }
    }
  }
  hits.sort((a, b) => a.start - b.start || b.end - a.end);
  const kept: Hit[] = [];
  for (const hit of hits) if (!kept.some((k) => k.start <= hit.start && hit.end <= k.end)) kept.push(hit);
  const seen = new Set<string>();
  return kept
    .filter((hit) => {
      const key = `${hit.groupId}\u0000${hit.word}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .map(({ groupId, groupName, word, found, index }) => ({ groupId, groupName, word, found, index }));
}
