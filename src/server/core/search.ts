import { ChatError, type ConversationId } from '../../protocol/index.js';
import type { SearchResult } from '../../protocol/search-schema.js';
import { SEARCH_KINDS, type SearchKind } from '../../protocol/search-limits.js';
import { SEARCH_LIMITS, searchSnippet, searchTerms, searchableText } from '../../protocol/search.js';
import { keyOf } from './conversation-key.js';
import { idTimePrefix } from './message-id.js';
import { fitting, messageBytes } from './frame-budget.js';
import type { Store } from './store.js';
import type { SearchFilter } from './types.js';
import { asSeenBy } from './summaries.js';

const DEFAULT_PAGE = 20;
/** A cursor is the id of the last result of a page (ids are UUIDv7; tests and imports may use others). */
const CURSOR = /^[A-Za-z0-9_.:-]{1,128}$/;
/** The largest time bound: 15 digits, as REST reads one (`?before=` of 16 digits or more is not a time). */
const MAX_TIME = 999_999_999_999_999;

/**
 * Whether a string reads as a number (`-5`, `1e5`, `1.5`, `0x10`, ` 7`, `NaN`, `Infinity`, digits
 * alone): never a message id, though some pass CURSOR. As an id it would be compared with ids as a
 * string and find an arbitrary slice; REST turns digits into a time before this sees them.
 */
function looksNumeric(s: string): boolean {
  return (s.trim() !== '' && !Number.isNaN(Number(s))) || /^\s*[-+]?(nan|infinity)\s*$/i.test(s);
}

export interface SearchRequest {
  /** Words, all of which a result holds; empty (or only spaces) when a filter is set: every message the filters let through. */
  query: string;
  conversationId?: ConversationId;
  cursor?: string;
  limit?: number;
  /** Only messages sent by this user. */
  from?: string;
  /** Only messages before this one (a message id) or this time (ms since the epoch). */
  before?: string | number;
  /** Only messages after this one (a message id) or this time (ms since the epoch). */
  after?: string | number;
  /** Only messages of this kind (SEARCH_KINDS; checked here, for REST and frames alike). */
  kind?: string;
}

/**
 * A time as an id bound (ids are UUIDv7, `newMessageId`: the first 48 bits are the commit's
 * millisecond, hex): every id of an earlier millisecond sorts below `low`, every id of that one
 * or an earlier one at or below `high`.
 */
function idAt(ms: number, end: 'low' | 'high'): string {
  return idTimePrefix(ms) + (end === 'low' ? '7000-0000-000000000000' : '7fff-ffff-ffffffffffff');
}

/**
 * A bound (`before`, `after`) as an id: a time is an integer of at most 15 digits, anything else
 * that reads as a number is BAD_REQUEST at the field (as REST's query checks say it), a string
 * that is no id SEARCH_FILTER_INVALID. REST and frames come through here, so both refuse alike.
 */
function boundId(field: 'before' | 'after', bound: string | number): string {
  if (typeof bound === 'number' ? !(Number.isInteger(bound) && bound >= 0 && bound <= MAX_TIME) : looksNumeric(bound)) {
    throw new ChatError('BAD_REQUEST', `Invalid request at ${field}: a time is digits only (ms since the epoch), and this is not a message id.`);
  }
  if (typeof bound === 'number') return idAt(bound, field === 'before' ? 'low' : 'high');
  if (!CURSOR.test(bound)) throw new ChatError('SEARCH_FILTER_INVALID', `Invalid search filter at ${field}: not a message id.`);
  return bound;
}

/** The request's filters as the store takes them; undefined when it has none. */
function filterOf(req: SearchRequest): SearchFilter | undefined {
  const f: SearchFilter = {};
  if (req.from !== undefined) f.sender = req.from;
  if (req.kind !== undefined) {
    if (!(SEARCH_KINDS as readonly string[]).includes(req.kind)) throw new ChatError('SEARCH_FILTER_INVALID', `Invalid search filter at kind: one of ${SEARCH_KINDS.join(', ')}.`);
    f.kind = req.kind as SearchKind;
  }
  if (req.before !== undefined) f.idBelow = boundId('before', req.before);
  if (req.after !== undefined) f.idAbove = boundId('after', req.after);
  return Object.keys(f).length > 0 ? f : undefined;
}

/**
 * Search (SPEC §12) as `userId`: the messages they may see that hold every word of the query,
 * newest first, each as they see it with a highlighted snippet; `cursor` when more may follow.
 * A query without words needs a filter (sender, kind or time: "every picture from Bob"); it finds
 * what a person sent (`matchesKind`), never a system note, a change or a recalled message.
 * A page holds at most `limit` results and fits one frame. Messages the user deleted for
 * themselves are left out. One conversation needs membership (NOT_MEMBER for a group, nothing
 * for a 1:1 chat without a message yet), as history does.
 */
export async function searchAs(store: Store, userId: string, req: SearchRequest): Promise<{ results: SearchResult[]; cursor?: string }> {
  const terms = searchTerms(req.query, true);
  if (!terms) throw new ChatError('SEARCH_QUERY_INVALID');
  if (req.cursor !== undefined && (!CURSOR.test(req.cursor) || looksNumeric(req.cursor))) throw new ChatError('SEARCH_CURSOR_INVALID');
  const filter = filterOf(req);
  // Without words a filter says what to find; a conversation alone is no filter (it would list it whole).
  if (terms.length === 0 && filter === undefined) throw new ChatError('SEARCH_QUERY_INVALID');
  const limit = Math.min(Math.max(1, req.limit ?? DEFAULT_PAGE), SEARCH_LIMITS.page);
  let key: string | undefined;
  if (req.conversationId !== undefined) {
    const scope = keyOf(userId, req.conversationId);
    if (!(await store.getConversation(userId, scope.key))) {
      if (scope.type === 'p2p') return { results: [] };
      throw new ChatError('NOT_MEMBER');
    }
    key = scope.key;
  }
  // Nothing lies after a bound that is at or past the other one: answered without a search, which
  // would otherwise read every row in scope to find none (54 ms over 20,000 on SQLite). After the
  // membership check, so an outsider's empty range is still NOT_MEMBER.
  if (filter?.idAbove !== undefined && filter.idBelow !== undefined && filter.idAbove >= filter.idBelow) return { results: [] };
  const found = await store.searchMessages(userId, {
    terms, limit: limit + 1, ...(key !== undefined && { key }), ...(req.cursor !== undefined && { before: req.cursor }),
    ...(filter !== undefined && { filter }),
  });
  const page = found.slice(0, limit);
  const results: SearchResult[] = [];
  for (const stored of page) {
    const message = asSeenBy(stored, keyOf(stored.sender, stored.conversationId).key, userId);
    if (message.hidden) continue;
    results.push({ message, snippet: searchSnippet(searchableText(message.elem), terms) });
  }
  // Cut to one frame (a page of long texts could pass it); the cursor then continues after the cut.
  const n = fitting(results, (r) => messageBytes(r.message) + r.snippet.text.length * 3 + 64);
  const fits = results.slice(0, n);
  if (fits.length < results.length || found.length > limit) {
    const last = fits.length < results.length ? fits[fits.length - 1]?.message : page[page.length - 1];
    return { results: fits, ...(last && { cursor: last.id }) };
  }
  // The store stopped short of a full page (SearchFound): the next page goes on below where it stopped.
  return { results: fits, ...(found.continueBelow !== undefined && { cursor: found.continueBelow }) };
}
