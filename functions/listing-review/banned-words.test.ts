import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { categories } from '../../events/listing-submitted';
import { ValidationError } from '../../shared/errors';
import data from './banned-words.json' with { type: 'json' };
import { appliesTo, findBannedWords, loadBannedWords, normalise, wordKey, type BannedWords } from './banned-words';

const list = loadBannedWords();
const found = (text: string, category = 'food') => findBannedWords(text, list, category).map((m) => [m.word, m.found]);

describe('banned-words.json', () => {
  it('loads, and every group names its source and the categories it applies to', () => {
    expect(list.groups.map((g) => g.id)).toEqual([
      'absolute-claims',
      'disease-claims',
      'efficacy-guarantees',
      'special-cosmetics-claims',
      'false-endorsements',
      'urgency-claims',
    ]);
    for (const group of list.groups) {
      expect(group.source.length, group.id).toBeGreaterThan(40);
      expect(group.words.length, group.id).toBeGreaterThan(0);
    }
  });

  it('applies medical and efficacy claims to food and cosmetics, special-use claims to cosmetics, the rest to every category', () => {
    const scope = Object.fromEntries(list.groups.map((g) => [g.id, categories.filter((c) => appliesTo(g, c))]));
    expect(scope).toEqual({
      'absolute-claims': [...categories],
      'disease-claims': ['food', 'cosmetics'],
      'efficacy-guarantees': ['food', 'cosmetics'],
      'special-cosmetics-claims': ['cosmetics'],
      'false-endorsements': [...categories],
      'urgency-claims': [...categories],
    });
  });
});

describe('findBannedWords: normalisation tricks do not hide a word', () => {
  it.each([
    ['plain', '最好的龙井', [['最好', '最好']]],
    ['a space between the characters', '最 好的龙井', [['最好', '最 好']]],
    ['an ideographic space', '最\u3000好', [['最好', '最\u3000好']]],
    ['a hyphen', '最-好', [['最好', '最-好']]],
    ['punctuation and symbols', '最…★好', [['最好', '最…★好']]],
    ['a zero-width space', '最\u200b好', [['最好', '最\u200b好']]],
    ['a zero-width joiner and a soft hyphen', '国\u200d家\u00ad级', [['国家级', '国\u200d家\u00ad级']]],
    ['a line break', '全网\n第一', [['全网第一', '全网\n第一']]],
    ['full-width digit', '全网第１', [['第1', '第１']]],
    ['full-width Latin, upper case', 'ＴＯＰ１好茶', [['top1', 'ＴＯＰ１']]],
    ['mixed-case Latin with a dot', 'No.1 绿茶', [['no1', 'No.1']]],
    ['full-width No.1', 'Ｎｏ．１', [['no1', 'Ｎｏ．１']]],
    ['Latin words apart', 'Number  One tea', [['number one', 'Number  One']]],
    ['full-width percent', '１００％有效', [['100%', '１００％']]],
    ['percent apart', '100 % 好评', [['100%', '100 %']]],
    ['traditional characters the list spells', '國家級 頂級', [['國家級', '國家級'], ['頂級', '頂級']]],
    ['a medical claim with a zero-width space', '治\u200b疗失眠', [['治疗', '治\u200b疗']]],
  ])('%s: %j', (_, text, expected) => {
    expect(found(text)).toEqual(expected);
  });

  it('reports the longest word at a place, each word once, in the order of the text', () => {
    expect(found('顶级绿茶，最好的，真的最好，全网第一')).toEqual([
      ['顶级', '顶级'],
      ['最好', '最好'],
      ['全网第一', '全网第一'],
    ]);
  });

  it('says which group and where', () => {
    expect(findBannedWords('好茶 国家级', list, 'food')).toEqual([
      { groupId: 'absolute-claims', groupName: 'absolute claims (绝对化用语)', word: '国家级', found: '国家级', index: 3 },
    ]);
  });
});

describe('findBannedWords: what is not a banned word', () => {
  it.each([
    ['an ordinary title', '西湖龙井 明前特级 绿茶 250g 礼盒装', 'food'],
    ['allowed: 最近 (recently)', '最近上新的春茶', 'food'],
    ['allowed: 最初, 最终', '最初的味道 最终的选择', 'general'],
    ['allowed: 第一次 (the first time)', '第一次购买送茶杯', 'food'],
    ['allowed: 第1次', '第1次购买', 'food'],
    ['allowed: 100% cotton', '100%纯棉 T恤', 'apparel'],
    ['allowed: 100 % 羊毛 written apart', '100 % 羊毛 围巾', 'apparel'],
    ['第10 is not 第1', '第10代 处理器', 'electronics'],
    ['desktop1 is not top1', 'desktop1 主机', 'electronics'],
    ['top on its own is not listed (tank top)', 'tank top 背心', 'apparel'],
    ['100g is not 100%', '净含量100g', 'food'],
    ['1000 is not 100%', '1000mAh', 'electronics'],
    ['medical claims do not apply to electronics', '治疗仪 外壳', 'electronics'],
    ['whitening claims apply to cosmetics only', '美白 牙膏 包装', 'general'],
    ['a letter between the characters breaks the word', '最a好', 'toys'],
  ])('%s', (_, text, category) => {
    expect(findBannedWords(text, list, category).map((m) => m.word).filter((w) => w !== '最')).toEqual([]);
  });

  it('still flags 最 inside ordinary words, as the law reads it', () => {
    expect(found('最新款 茶具')).toEqual([['最', '最']]);
    expect(found('最近最好')).toEqual([['最好', '最好']]);
  });

  it('an unknown category gets only the groups for every category', () => {
    expect(found('治疗 最好', 'toys')).toEqual([['最好', '最好']]);
    expect(found('治疗 最好', 'food')).toEqual([
      ['治疗', '治疗'],
      ['最好', '最好'],
    ]);
  });
});

describe('findBannedWords: properties', () => {
  const gaps = fc.constantFrom(' ', '\u3000', '-', '.', '·', '*', '！', '、', '\u200b', '\u200c', '\u2060', '\ufeff', '\n', '~', '_', '/');
  const fullWidth = (char: string) => (/[!-~]/.test(char) ? String.fromCharCode(char.charCodeAt(0) + 0xfee0) : char);
  const words = list.groups.flatMap((group) => group.words.map((word) => ({ group, word })));

  it('inserting separators between the characters of a banned word, or widening and upper-casing it, never hides it', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...words),
        fc.array(fc.array(gaps, { maxLength: 3 }), { minLength: 40, maxLength: 40 }),
        fc.array(fc.constantFrom('as is', 'full width', 'upper case'), { minLength: 40, maxLength: 40 }),
        fc.constantFrom('', '茶叶 ', '好茶，'),
        ({ group, word }, inserted, styles, before) => {
          const chars = [...word].map((char, i) => (styles[i] === 'full width' ? fullWidth(char) : styles[i] === 'upper case' ? char.toUpperCase() : char));
          const text = `${before}${chars.map((char, i) => char + (i < chars.length - 1 ? inserted[i].join('') : '')).join('')} 礼盒`;
          const category = group.categories === 'all' ? 'general' : group.categories[0];
          const matches = findBannedWords(text, list, category);
          // The word itself, or a longer word of the list containing it, is reported.
          expect(matches.some((m) => wordKey(m.word).includes(wordKey(word))), text).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a text of ordinary words only (no banned word among them) is clean, however they are spaced', () => {
    const ordinary = fc.constantFrom('龙井', '绿茶', '礼盒', '杭州', '250g', '春茶', '茶杯', 'T恤', '纯棉', '送礼', '自饮');
    fc.assert(
      fc.property(fc.array(fc.tuple(ordinary, gaps), { maxLength: 12 }), (parts) => {
        const text = parts.map(([word, gap]) => word + gap).join('');
        expect(findBannedWords(text, list, 'food')).toEqual([]);
      }),
    );
  });

  it('quotes the text as written: `found` is the slice at `index`', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('最', '好', ' ', 'Ｔ', 'Ｏ', 'Ｐ', '１', '\u200b', 'a', '第', '一', '次', '😀') }), (text) => {
        for (const match of findBannedWords(text, list, 'food')) {
          expect(text.slice(match.index, match.index + match.found.length)).toBe(match.found);
          expect(wordKey(match.found)).toBe(wordKey(match.word));
        }
      }),
    );
  });
});

describe('normalise', () => {
  it('maps full-width to half-width and lower-cases, keeping where each unit came from', () => {
    const { text, from, to } = normalise('ＴＯＰ１ 😀最');
    expect(text).toBe('top1 😀最');
    expect(from).toEqual([0, 1, 2, 3, 4, 5, 5, 7]);
    expect(to).toEqual([1, 2, 3, 4, 5, 7, 7, 8]);
  });
});

describe('loadBannedWords: validation names the bad entry', () => {
  const group = (overrides: Record<string, unknown> = {}) => ({ id: 'test-group', name: 'test', source: 'a test rule', categories: 'all', words: ['禁词'], ...overrides });

  const rows: [string, unknown, string, RegExp][] = [
    ['not an object', 'words', '(root)', /must be an object with a list of groups/],
    ['no groups', { groups: [] }, 'groups', /at least one group/],
    ['a group without a source', { groups: [group({ source: undefined })] }, 'groups[0].source', /^test-group: source is required/],
    ['an empty source', { groups: [group({ source: '' })] }, 'groups[0].source', /^test-group: source must not be empty/],
    ['a bad id', { groups: [group({ id: 'Test Group' })] }, 'groups[0].id', /^Test Group: id must be lower-case words joined by hyphens/],
    ['an unknown category', { groups: [group({ categories: ['food', 'toys'] })] }, 'groups[0].categories', /^test-group: categories must be "all" or a non-empty list of food, cosmetics/],
    ['no words', { groups: [group({ words: [] })] }, 'groups[0].words', /^test-group: words must contain at least one word/],
    ['an empty word', { groups: [group({ words: ['禁词', ''] })] }, 'groups[0].words[1]', /^test-group: word "" has no letter or digit to match/],
    ['a word of punctuation only', { groups: [group({ words: ['!!'] })] }, 'groups[0].words[0]', /^test-group: word "!!" has no letter or digit to match/],
    ['a word that is not a string', { groups: [group({ words: [42] })] }, 'groups[0].words[0]', /^test-group: word must be a string/],
    ['a misspelt key', { groups: [group({ alow: ['禁词语'] })] }, 'groups[0]', /^test-group: Unrecognized key: "alow"/],
    ['a duplicate id', { groups: [group(), group()] }, 'groups[1].id', /^test-group: duplicate group id/],
    ['the same word twice once normalised', { groups: [group({ words: ['第1', '第１'] })] }, 'groups[0].words[1]', /^test-group: "第１" is the same word as "第1" once normalised/],
    ['an allowed compound that allows nothing', { groups: [group({ allow: ['好茶'] })] }, 'groups[0].allow[0]', /^test-group: allowed compound "好茶" contains none of the group's words/],
  ];

  it.each(rows)('%s', (_, json, field, message) => {
    let thrown: unknown;
    try {
      loadBannedWords(json);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ValidationError);
    const error = thrown as ValidationError;
    expect(error.message).toMatch(/^invalid banned-words list: /);
    expect(error.fieldErrors).toHaveLength(1);
    expect(error.fieldErrors[0].field).toBe(field);
    expect(error.fieldErrors[0].message).toMatch(message);
  });

  it('reports every bad entry at once', () => {
    const json = { groups: [group({ words: ['', '禁词'] }), group({ id: 'other', categories: ['toys'] })] };
    expect(() => loadBannedWords(json)).toThrow(/groups\[0\]\.words\[0\].*groups\[1\]\.categories/);
  });

  it('a new word or group in the data is enough: no code changes', () => {
    const extended: BannedWords = loadBannedWords({
      ...data,
      groups: [
        ...data.groups.map((g) => (g.id === 'urgency-claims' ? { ...g, words: [...g.words, '手慢无'] } : g)),
        group({ id: 'pet-food-claims', name: 'pet food claims', categories: ['food'], words: ['人宠同食'] }),
      ],
    });
    const words = (text: string) => findBannedWords(text, extended, 'food').map((m) => [m.groupId, m.word]);
    expect(words('手 慢 无！人宠同食')).toEqual([
      ['urgency-claims', '手慢无'],
      ['pet-food-claims', '人宠同食'],
    ]);
    expect(findBannedWords('手慢无', list, 'food')).toEqual([]);
  });
});
