/**
 * Search (SPEC §12) in the client: `client.search(query, { conversationId })`. Imported the first
 * time a search runs (the search field's code loads with it), so the first paint carries none of
 * it. Online it asks the server, page by page; offline (or when the server cannot be reached) it
 * searches the messages this device holds, with the same folding and matching as the server,
 * and says so (`source: 'local'`).
 */
import { atom, type ReadableAtom } from 'nanostores';
import { ChatError, type ErrorBody } from '../protocol/error-codes.js';
import { acceptAnswers } from '../protocol/client-wire.js';
import { SearchResultsSchema } from '../protocol/feature-answers.js';
import type { ServerFrameOf } from '../protocol/frames.js';
import type { SearchResult } from '../protocol/search-schema.js';
import type { ConversationId } from '../protocol/ids.js';
import type { Message } from '../protocol/message.js';
import { SEARCH_LIMITS, foldForSearch, matchesKind, matchesTerms, searchSnippet, searchTerms, searchableText } from '../protocol/search.js';
import type { SearchKind } from '../protocol/search-limits.js';
import type { Requests } from './requests.js';
import type { ThreadStore } from './thread-store.js';

export type { SearchResult };

const isOffset = (n: unknown): n is number => Number.isInteger(n) && (n as number) >= 0;

/**
 * The results of a `search.results` frame with their snippets checked (the messages were checked
 * with the frame when it arrived; a snippet's schema is `SearchResultSchema`, checked by hand here
 * because importing it made the script tag's build split the core). Undefined when one is bad.
 */
function checkResults(results: { message: unknown; snippet: unknown }[]): SearchResult[] | undefined {
  for (const { snippet } of results as { snippet?: { text?: unknown; marks?: unknown } }[]) {
    const marks = snippet?.marks;
    if (typeof snippet?.text !== 'string' || snippet.text.length > SEARCH_LIMITS.snippetChars * 4 || !Array.isArray(marks) || marks.length > SEARCH_LIMITS.snippetChars) return undefined;
    if (!marks.every((m) => Array.isArray(m) && m.length === 2 && isOffset(m[0]) && isOffset(m[1]))) return undefined;
  }
  return results as unknown as SearchResult[];
}

export interface SearchOptions {
  /** Search this conversation only; absent: every conversation of the user. */
  conversationId?: ConversationId;
  /** Results per page (1–50, default 20). */
  limit?: number;
  /** Only messages sent by this user. */
  from?: string;
  /** Only messages before this message (its id) or time (ms since the epoch). */
  before?: string | number;
  /** Only messages after this message (its id) or time (ms since the epoch). */
  after?: string | number;
  /**
   * Only messages of this kind: `text`, `file` (by its name), `location` (by its description),
   * `image`, `video`, `sound`, or `link` (a text holding a web address).
   */
  kind?: SearchKind;
}

/** Whether a held message passes the search's filters (as the server applies them: ids by their order, times by the message's). */
function passes(m: Message, o: SearchOptions): boolean {
  const beyond = (bound: string | number | undefined, sign: 1 | -1) =>
    bound === undefined || (typeof bound === 'number' ? Math.sign(m.time - bound) === sign : (m.id > bound ? 1 : m.id < bound ? -1 : 0) === sign);
  return (o.from === undefined || m.sender === o.from) && (o.kind === undefined || matchesKind(m.elem, o.kind)) && beyond(o.before, -1) && beyond(o.after, 1);
}

export interface SearchState {
  query: string;
  /** `loading` while a page is on its way; `failed` with `error`. */
  status: 'loading' | 'done' | 'failed';
  /** Newest first: each message as this user sees it, with its snippet and the matches marked. */
  results: SearchResult[];
  /** `server`; or `local` when the device searched only the messages it holds (offline). */
  source: 'server' | 'local';
  /** More results can be loaded with `more()`. */
  hasMore: boolean;
  error?: ErrorBody;
}

/** One search: its state as a store, and the next page on demand. */
export interface ClientSearch {
  readonly $state: ReadableAtom<SearchState>;
  /** Loads the next page (nothing when there is none or one is loading). */
  more(): Promise<void>;
}

export interface SearchContext {
  requests: Requests;
  online(): boolean;
  /** The conversations this device holds messages of, and those messages. */
  threads: Pick<ThreadStore, 'ids' | 'get'>;
}

/**
 * What this device holds that matches, newest first (recalled and hidden messages never); without
 * terms, every message the filters let through that a person sent (`matchesKind`), as the server.
 */
export function searchHeld({ threads }: Pick<SearchContext, 'threads'>, terms: string[], options: SearchOptions = {}): SearchResult[] {
  const found: SearchResult[] = [];
  for (const id of threads.ids()) {
    if (options.conversationId !== undefined && id !== options.conversationId) continue;
    for (const m of threads.get(id)?.messages ?? []) {
      if (m.recalled || m.hidden || !passes(m, options)) continue;
      const text = searchableText(m.elem);
      if (terms.length > 0 ? matchesTerms(foldForSearch(text), terms) : matchesKind(m.elem, options.kind)) found.push({ message: m, snippet: searchSnippet(text, terms) });
    }
  }
  return found.sort((a, b) => (a.message.id < b.message.id ? 1 : a.message.id > b.message.id ? -1 : 0));
}

/** Pages one search or `more()` fetches while they come back empty with a cursor. */
export const AUTO_PAGES = 3;

export function openSearch(context: SearchContext, query: string, options: SearchOptions = {}): ClientSearch {
  acceptAnswers(SearchResultsSchema);
  // Without words the filters (sender, time, kind) say what to find ("every picture from Bob"); with none, nothing to search.
  const terms = searchTerms(query, [options.from, options.before, options.after, options.kind].some((o) => o !== undefined));
  const $state = atom<SearchState>({ query, status: 'loading', results: [], source: 'server', hasMore: false });
  let cursor: string | undefined;
  let running: Promise<void> | undefined;

  const local = () => {
    $state.set({ query, status: 'done', results: searchHeld(context, terms!, options), source: 'local', hasMore: false });
  };
  const page = async (): Promise<void> => {
    const before = $state.get();
    if (!context.online()) return local();
    let results = before.results;
    try {
      // A page may come back empty with a cursor: the server's scan read its row budget and older
      // messages remain. Such pages are followed on their own, up to AUTO_PAGES (then `more()`),
      // and the state changes once: a count is never said before it is final (a short page with
      // results shows them, its More button going on).
      for (let n = 0; n < AUTO_PAGES; n++) {
        const answer = await context.requests.request<ServerFrameOf<'search.results'>>({
          type: 'search.fetch', query,
          ...(options.conversationId !== undefined && { conversationId: options.conversationId }),
          ...(options.limit !== undefined && { limit: options.limit }),
          ...(options.from !== undefined && { from: options.from }),
          ...(options.before !== undefined && { before: options.before }),
          ...(options.after !== undefined && { after: options.after }),
          ...(options.kind !== undefined && { kind: options.kind }),
          ...(cursor !== undefined && { cursor }),
        });
        // The frame was checked in outline when it arrived; its results are checked here.
        const checked = checkResults(answer.results);
        if (!checked) throw new ChatError('BAD_FRAME', 'The server sent search results this client cannot read.');
        results = [...results, ...checked];
        if ((cursor = answer.cursor) === undefined || checked.length > 0) break;
      }
      $state.set({ query, status: 'done', results, source: 'server', hasMore: cursor !== undefined });
    } catch (err) {
      const error = err instanceof ChatError ? err.toJSON() : { code: 9000, name: 'INTERNAL' as const, message: String(err) };
      // The connection went while asking: what the device holds is better than nothing.
      if (error.name === 'TIMEOUT' && before.results.length === 0) return local();
      $state.set({ ...before, status: 'failed', error });
    }
  };
  const run = () => {
    if (!terms) {
      $state.set({ query, status: 'failed', results: [], source: 'server', hasMore: false, error: new ChatError('SEARCH_QUERY_INVALID').toJSON() });
      return Promise.resolve();
    }
    running ??= page().finally(() => (running = undefined));
    return running;
  };
  void run();
  return {
    $state,
    more() {
      const s = $state.get();
      if (running || !s.hasMore) return running ?? Promise.resolve();
      $state.set({ ...s, status: 'loading' });
      return run();
    },
  };
}
