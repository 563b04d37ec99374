import type { ConversationSummary, Message } from '../../protocol/index.js';
import { viewOf } from './conversation-key.js';
import { sameSize } from './frame-budget.js';
import type { Store } from './store.js';
import type { ConversationState } from './types.js';
import { projectForViewer } from '../changes/project.js';

/** A message as `viewer` sees it: p2p ids name the other side; changes as this viewer sees them. */
export function asSeenBy(message: Message, key: string, viewer: string): Message {
  const id = viewOf(key, viewer);
  const seen = projectForViewer(message, viewer);
  return id === seen.conversationId ? seen : sameSize(message, { ...seen, conversationId: id });
}

/**
 * The summary of one conversation for one user. Unread and last message are computed at read
 * time from the message index rather than kept as per-member counters bumped on every send:
 * sends are the hot path, listing conversations is not. `known.memberCount`: a group's count the
 * caller already has (one announcement to every member counts once, not once per member).
 */
export async function summarize(store: Store, userId: string, state: ConversationState, known: { memberCount?: number } = {}): Promise<ConversationSummary> {
  const id = viewOf(state.key, userId);
  const [unread, last] = await Promise.all([
    store.unreadState(state.key, userId, state.readSeq),
    store.lastMessage(state.key, userId),
  ]);
  const summary: ConversationSummary = {
    id,
    type: state.type,
    lastSeq: state.lastSeq,
    readSeq: state.readSeq,
    unread: unread.unread,
  };
  if (unread.mentioned) summary.mentioned = true;
  // A message from before a 'since-join' member joined is not theirs to preview.
  if (last && last.seq > (state.historyFloor ?? 0)) summary.lastMessage = asSeenBy(last, state.key, userId);
  if (state.type === 'group') {
    // Counted, not listed: every member's summary listed every member (a group of 10,000 created
    // over REST announced it to each, 10^8 rows read at once: the server ran out of memory).
    const [group, memberCount] = await Promise.all([store.getGroup(state.target), known.memberCount ?? store.countGroupMembers(state.target)]);
    if (group) {
      summary.name = group.name;
      if (group.avatar) summary.avatar = group.avatar;
    }
    summary.memberCount = memberCount;
  } else {
    summary.peerReadSeq = state.peerReadSeq ?? 0;
    const peer = await store.getUser(state.target);
    summary.name = peer?.name ?? state.target;
    if (peer?.avatar) summary.avatar = peer.avatar;
  }
  return summary;
}
