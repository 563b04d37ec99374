/**
 * Fetching a conversation's member list, page by page (`members.fetch … after`): imported by
 * `./members.ts` the first time a list is wanted, so the script tag's first paint does not carry it.
 */
import { acceptAnswers } from '../protocol/client-wire.js';
import { MembersSchema } from '../protocol/answer-frames.js';
import type { ServerFrameOf } from '../protocol/frames.js';
import type { WritableAtom } from 'nanostores';
import type { ConversationId } from '../protocol/ids.js';
import type { Requests } from './requests.js';
import type { Member } from './types.js';

/** Every member: the server answers a large group in several pages (each fits a frame). */
export async function fetchAll(requests: Requests, conversationId: ConversationId): Promise<{ members: Member[] }> {
  acceptAnswers(MembersSchema);
  const members: Member[] = [];
  for (let after: string | undefined; ; ) {
    const page = await requests.request<ServerFrameOf<'members'>>({ type: 'members.fetch', conversationId, ...(after !== undefined && { after }) });
    members.push(...page.members);
    if (!page.hasMore || page.members.length === 0) return { members };
    after = page.members[page.members.length - 1]!.id;
  }
}

/**
 * `load` of `./members.ts`: every member into `store`, each read position the newer of the
 * answer's and one a receipt brought while the answer was on its way (held in `early`, which
 * loses this conversation's entry).
 */
export async function loadMembers(
  requests: Requests,
  conversationId: ConversationId,
  store: WritableAtom<Member[] | undefined>,
  early: Map<ConversationId, Map<string, number>>,
): Promise<Member[]> {
  const frame = await fetchAll(requests, conversationId);
  const known = new Map([...(store.get() ?? []).map((m): [string, number] => [m.id, m.readSeq]), ...(early.get(conversationId) ?? [])]);
  early.delete(conversationId);
  const members = frame.members.map((m): Member => ({ ...m, readSeq: Math.max(m.readSeq, known.get(m.id) ?? 0) }));
  store.set(members);
  return members;
}
