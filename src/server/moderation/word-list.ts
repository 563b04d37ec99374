import { ChatError, type Elem, type ErrorBody } from '../../protocol/index.js';
import type { BusEvent } from '../core/bus.js';
import type { Store } from '../core/store.js';
import type { Clock } from '../core/types.js';
import type { StoredWord } from './types.js';
import { foldWord, WordMatcher, type WordEntry, type WordMode } from './word-matcher.js';

/** Longest entry, in characters, and most entries the admin REST API keeps. */
export const WORD_LIST_LIMITS = { wordChars: 100, entries: 10_000 } as const;

/**
 * How long a node trusts its compiled list without hearing of a change: changes are announced on
 * the bus (`wordlist`), and this bounds how stale a node can be if it missed one (a bus gap).
 */
const REFRESH_MS = 60_000;

/** `wordList` of ChatServerOptions (env: NATTER_WORDLIST_FILE, NATTER_WORDLIST_MODE). */
export interface WordListOptions {
  /** Entries every node reads from its own configuration (the env file), beside the stored ones. */
  entries?: WordEntry[];
  /** What an entry without a mode does. Default `mask`. */
  mode?: WordMode;
}

/** The list as the admin REST API shows it. */
export interface WordListView {
  mode: WordMode;
  /** Kept in the store: changed over REST, the same on every node. */
  items: StoredWord[];
  /** From the configuration file: read-only here. */
  configured: StoredWord[];
}

/** MESSAGE_REJECTED because of the word list: `reasonCode` lets the client say so in its reader's language. */
class WordRejectedError extends ChatError {
  constructor() {
    super('MESSAGE_REJECTED', 'The message contains a word this site does not allow.');
  }
  override toJSON(): ErrorBody {
    return { ...super.toJSON(), reasonCode: 'word-list' };
  }
}

/**
 * The moderation word list (SPEC §11): a floor under the site's own policy, which belongs in the
 * before-send hook. Entries come from the configuration file and from the store (admin REST); each
 * node compiles them once into a WordMatcher and compiles again when any node announces a change.
 */
export class WordList {
  readonly mode: WordMode;
  readonly #configured: StoredWord[];
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #publish: (event: BusEvent) => Promise<void>;
  /** The list compiled at `at`; `ready` once it is. */
  #compiled: { at: number; matcher: Promise<WordMatcher>; ready?: WordMatcher } | undefined;

  constructor(o: { store: Store; clock: Clock; publish(event: BusEvent): Promise<void>; options?: WordListOptions }) {
    this.#store = o.store;
    this.#clock = o.clock;
    this.#publish = o.publish;
    this.mode = o.options?.mode ?? 'mask';
    this.#configured = (o.options?.entries ?? []).map((e) => toStored(e)).filter((e): e is StoredWord => e !== undefined);
  }

  /** The text to commit: as it was, or masked; throws MESSAGE_REJECTED (reasonCode `word-list`). */
  async filter(text: string): Promise<string> {
    return filtered(await this.#matcher(), text);
  }

  /**
   * A sent elem as it may be stored: a text elem filtered (a preview whose link the mask hid goes
   * too), any other as it is. On this turn (a refusal thrown) once the list is compiled, as it is
   * for almost every send.
   */
  screen(elem: Elem): Elem | Promise<Elem> {
    if (elem.type !== 'text') return elem;
    const matcher = this.#matcher();
    return matcher instanceof Promise ? matcher.then((m) => screened(m, elem)) : screened(matcher, elem);
  }

  /** Forgets the compiled list (another node changed it): the next text compiles it again. */
  invalidate(): void {
    this.#compiled = undefined;
  }

  async view(): Promise<WordListView> {
    return { mode: this.mode, items: await this.#store.listWords(), configured: this.#configured.map((e) => ({ ...e })) };
  }

  /** Replaces the stored list. */
  async replace(entries: WordEntry[]): Promise<WordListView> {
    await this.#store.replaceWords(checked(entries));
    return this.#changed();
  }

  /** Adds entries (or changes their mode). */
  async add(entries: WordEntry[]): Promise<WordListView> {
    const fresh = checked(entries);
    const kept = await this.#store.listWords();
    const keys = new Set(kept.map((e) => e.word));
    if (kept.length + fresh.filter((e) => !keys.has(e.word)).length > WORD_LIST_LIMITS.entries) throw new ChatError('WORDLIST_INVALID');
    await this.#store.putWords(fresh);
    return this.#changed();
  }

  /** Deletes one entry (compared folded: "ＦＯＯ" deletes "foo"); NOT_FOUND when it is not there. */
  async remove(word: string): Promise<WordListView> {
    if (!(await this.#store.deleteWord(foldWord(word)))) throw new ChatError('NOT_FOUND');
    return this.#changed();
  }

  async #changed(): Promise<WordListView> {
    this.invalidate();
    await this.#publish({ kind: 'wordlist' });
    return this.view();
  }

  /** The compiled list: at once when it is (and still fresh), else a promise. */
  #matcher(): WordMatcher | Promise<WordMatcher> {
    const now = this.#clock();
    if (this.#compiled && now - this.#compiled.at < REFRESH_MS) return this.#compiled.ready ?? this.#compiled.matcher;
    const matcher = this.#store.listWords().then((stored) => new WordMatcher([...this.#configured, ...stored], this.mode));
    const compiled: { at: number; matcher: Promise<WordMatcher>; ready?: WordMatcher } = { at: now, matcher };
    this.#compiled = compiled;
    matcher.then(
      (m) => (compiled.ready = m),
      // A failed read is not kept: the next text tries again.
      () => {
        if (this.#compiled === compiled) this.#compiled = undefined;
      },
    );
    return matcher;
  }
}

/** `text` as `matcher` lets it be stored (masked or not); throws MESSAGE_REJECTED. */
function filtered(matcher: WordMatcher, text: string): string {
  const verdict = matcher.check(text);
  if (verdict.action === 'reject') throw new WordRejectedError();
  return verdict.action === 'mask' ? verdict.text : text;
}

function screened(matcher: WordMatcher, elem: Extract<Elem, { type: 'text' }>): Elem {
  const text = filtered(matcher, elem.text);
  if (text === elem.text) return elem;
  const { preview, ...rest } = elem;
  // No card for a link the text no longer has.
  return preview && !text.includes(preview.link ?? preview.url) ? { ...rest, text } : { ...elem, text };
}

/** An entry as stored: folded, or undefined when folding leaves nothing a text could match. */
function toStored(e: WordEntry): StoredWord | undefined {
  const word = foldWord(e.word);
  if (!/[\p{L}\p{N}]/u.test(word)) return undefined;
  return e.mode === undefined ? { word } : { word, mode: e.mode };
}

/** Folds and de-duplicates entries (the last one of a word wins); WORDLIST_INVALID for one that cannot match or is too long. */
function checked(entries: WordEntry[]): StoredWord[] {
  if (entries.length > WORD_LIST_LIMITS.entries) throw new ChatError('WORDLIST_INVALID');
  const out = new Map<string, StoredWord>();
  for (const e of entries) {
    const s = e.word.length <= WORD_LIST_LIMITS.wordChars ? toStored(e) : undefined;
    if (!s) throw new ChatError('WORDLIST_INVALID', `"${e.word.slice(0, WORD_LIST_LIMITS.wordChars)}" cannot be a word list entry.`);
    out.set(s.word, s);
  }
  return [...out.values()];
}

/**
 * Entries of a word list file (NATTER_WORDLIST_FILE): one per line, `word` or `word<TAB>mode`
 * (also `word,mode`); blank lines and lines starting with `#` are skipped.
 */
export function parseWordListFile(content: string): WordEntry[] {
  const out: WordEntry[] = [];
  for (const raw of content.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^(.*?)[\t,]\s*(reject|mask)$/.exec(line);
    const entry: WordEntry = m ? { word: m[1]!.trim(), mode: m[2] as WordMode } : { word: line };
    if (entry.word.length > WORD_LIST_LIMITS.wordChars || !toStored(entry)) throw new TypeError(`NATTER_WORDLIST_FILE: "${line.slice(0, 40)}" cannot be a word list entry.`);
    out.push(entry);
  }
  return out;
}
