import type { MessageDraft } from '../../../src/server/core/types.js';
import { draft } from './store-contract.js';

/** Rows a count may read here: the counting rows, a row per run between them, and the run ends. */
export const UNREAD_ROWS_BOUND = 40;

/**
 * 100,000 rows after the reader's mark that do not count for them — a stranger's messages excluded
 * from unread counts, messages for one other member, the reader's own (as a site sends as them),
 * reactions — around 7 that do. The count read every one of them (the newest UNREAD_COUNT_MAX
 * counting rows were what the LIMIT bounded), some 5 µs a row on the event loop at each
 * session.open. It now skips each run of non-counting rows in one step.
 */
export function unreadAttack(k: string): { drafts: MessageDraft[][]; expected: { unread: number; mentioned: boolean } } {
  const batches: MessageDraft[][] = [];
  const counting = (i: number) => [
    draft(k, `friend${i}`, i === 2 ? { groupAtUserList: ['reader'] } : {}),
  ];
  const kinds: ((i: number) => MessageDraft)[] = [
    (i) => draft(k, 'stranger', { isExcludedFromUnreadCount: true, elem: { type: 'text', text: `x${i}` } }),
    (i) => draft(k, 'stranger', { elem: { type: 'text', text: `t${i}` } }, ['stranger', 'other']),
    (i) => draft(k, 'reader', { elem: { type: 'text', text: `own${i}` } }),
    (i) => draft(k, 'other', { isExcludedFromUnreadCount: true, groupAtUserList: ['@all'], elem: { type: 'text', text: `a${i}` } }),
  ];
  for (let part = 0; part < 4; part++) {
    for (let i = 0; i < 25_000; i += 5000) batches.push(Array.from({ length: 5000 }, (_, j) => kinds[part]!(i + j)));
    batches.push(counting(part));
  }
  // Two for the reader alone, among the stranger's for someone else, and a resend (a duplicate: no row) between them.
  batches.push([draft(k, 'stranger', {}, ['stranger', 'reader']), batches[5]![0]!, draft(k, 'stranger', {}, ['stranger', 'other']), draft(k, 'stranger', {}, ['stranger', 'reader'])]);
  return { drafts: batches, expected: { unread: 6, mentioned: true } };
}

/**
 * 100,000 messages after the reader's mark that count for them but mention someone else, one in
 * their middle mentioning the reader: the count stops at UNREAD_COUNT_MAX, and whether the reader
 * is mentioned below that was looked for among every row that mentions anyone (the 50,000 before
 * the reader's, all 100,000 for `friend1`, whom only their own '@all' names, which does not count
 * for them).
 */
export function mentionAttack(k: string): { drafts: MessageDraft[][]; expected: Record<'reader' | 'friend1', { unread: number; mentioned: boolean }> } {
  const batches: MessageDraft[][] = [];
  for (let i = 0; i < 100_000; i += 5000) {
    if (i === 50_000) batches.push([draft(k, 'friend0', { groupAtUserList: ['reader'] }), draft(k, 'friend1', { groupAtUserList: ['@all'] })]);
    batches.push(Array.from({ length: 5000 }, (_, j) => draft(k, 'stranger', { groupAtUserList: ['other', `x${(i + j) % 50}`], elem: { type: 'text', text: `@other ${i + j}` } })));
  }
  return { drafts: batches, expected: { reader: { unread: 999, mentioned: true }, friend1: { unread: 999, mentioned: false } } };
}
