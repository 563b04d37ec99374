import type { ChatClient, ForwardFailure } from '../../client/types.js';
import { UNFORWARDABLE_ELEM_TYPES } from '../../protocol/elems.js';
import type { ErrorBody } from '../../protocol/errors.js';
import type { ConversationId } from '../../protocol/ids.js';
import { forwardStrings } from '../i18n/forward.js';
// The client imports its send path on first use; an element that sends brings it along, so a
// send from it never waits for (or, offline, fails to fetch) a chunk after the text is taken.
import '../../client/send-actions.js';

/** What the dialog forwards: messages of one conversation, one by one or merged. */
export interface ForwardRequest {
  conversationId: ConversationId;
  messageIds: string[];
  merge: boolean;
  /** Title of the merged message; default: "Chat history" in the active locale. */
  title?: string;
}

/** Progress of one target: its outbox entries that failed can be resent by clientMsgId. */
export interface TargetProgress {
  status: 'sending' | 'sent' | 'failed';
  error?: ErrorBody;
  retryAt?: number;
  /** Failed entries still in the outbox (resendable). */
  failedIds: string[];
}

/**
 * Queues the forward(s) for every target, then the note, in that order (outbox order is creation
 * order, so each target gets the note after the forwarded messages). Resolves per target when
 * all of its sends settled; `onProgress` reports each target as it settles.
 */
export async function runForward(
  client: ChatClient,
  request: ForwardRequest,
  targets: ConversationId[],
  note: string,
  onProgress: (target: ConversationId, progress: TargetProgress) => void,
): Promise<Map<ConversationId, TargetProgress>> {
  const { conversationId, messageIds, merge } = request;
  const held = client.messages(conversationId).get();
  const refused = messageIds.some((id) => {
    const m = held.find((x) => x.id === id);
    return m !== undefined && UNFORWARDABLE_ELEM_TYPES.has(m.elem.type);
  });
  // client.forward creates its outbox entries before its first await: calling it, then send,
  // without awaiting in between keeps the note after the forwards.
  const batches = merge
    ? [client.forward(targets, { conversationId, messageIds, merge: { title: request.title ?? forwardStrings().historyTitle } })]
    : messageIds.map((id) => client.forward(targets, { conversationId, messageIds: [id] }));
  const notes = note.trim() && !refused ? targets.map((t) => client.send(t, note.trim()).then(() => undefined)) : [];

  const progress = new Map<ConversationId, TargetProgress>();
  await Promise.all(
    targets.map(async (target, i) => {
      const p: TargetProgress = { status: 'sending', failedIds: [] };
      progress.set(target, p);
      const outcomes = await Promise.all([
        ...batches.map((b) => b.then((results) => results[i]!)),
        ...(i < notes.length ? [notes[i]!.then((): PromiseSettledResult<unknown> => ({ status: 'fulfilled', value: undefined }), (reason: unknown): PromiseSettledResult<unknown> => ({ status: 'rejected', reason }))] : []),
      ]);
      for (const o of outcomes) {
        if (o.status === 'fulfilled') continue;
        const failure = o.reason as ForwardFailure;
        p.status = 'failed';
        if (!p.error && typeof failure?.toJSON === 'function') {
          p.error = failure.toJSON();
          if (failure.retryAfterMs !== undefined) p.retryAt = Date.now() + failure.retryAfterMs;
        }
        if (failure?.clientMsgId) p.failedIds.push(failure.clientMsgId);
      }
      if (p.status === 'sending') p.status = 'sent';
      onProgress(target, p);
    }),
  );
  return progress;
}

/** Resends a target's failed entries; resolves with its new progress. */
export async function resendTarget(client: ChatClient, progress: TargetProgress): Promise<TargetProgress> {
  const next: TargetProgress = { status: 'sent', failedIds: [] };
  for (const id of progress.failedIds) {
    try {
      await client.resend(id);
    } catch (error) {
      const failure = error as ForwardFailure;
      next.status = 'failed';
      next.failedIds.push(id);
      if (!next.error && typeof failure?.toJSON === 'function') {
        next.error = failure.toJSON();
        if (failure.retryAfterMs !== undefined) next.retryAt = Date.now() + failure.retryAfterMs;
      }
    }
  }
  return next;
}
