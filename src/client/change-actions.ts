/**
 * The change actions of the client (SPEC §9): `react`, `edit`, `recall`, `deleteForMe`, `pin`,
 * and the `reactions` and `pins` fetchers. Imported by `./changes.ts` the first time one is
 * called (or once a session is ready), so the script tag's first paint does not carry them; what
 * must work before (folding change events into held messages, settling and failing the outbox's
 * changes, sending a restored outbox's changes again) stays in the core.
 */
import type { Change } from '../protocol/changes.js';
import { acceptAnswers } from '../protocol/client-wire.js';
import { PinsSchema, ReactionsSchema } from '../protocol/answer-frames.js';
import type { ServerFrameOf } from '../protocol/frames.js';
import type { ConversationId } from '../protocol/ids.js';
import type { ChangeActions, ChangeReceipt, ChangesContext } from './changes.js';
import { createClientMsgId } from './identity.js';
import type { OutboxEntry } from './types.js';

export function createChangeActions({ outbox, started, myId, requests }: ChangesContext): ChangeActions {
  acceptAnswers(ReactionsSchema, PinsSchema);
  const submit = async (conversationId: ConversationId, messageId: string, change: Change): Promise<ChangeReceipt> => {
    await started;
    const entry: OutboxEntry = {
      clientMsgId: createClientMsgId(), conversationId, options: {}, change: { messageId, change }, createdAt: Date.now(), state: 'pending',
    };
    // Like a send: an entry of one user is never sent in another's session.
    const user = myId();
    if (user !== undefined) entry.userId = user;
    return outbox.add<ChangeReceipt>(entry);
  };
  return {
    react: (id, messageId, emoji, on) => submit(id, messageId, { kind: 'reaction', emoji, on }),
    edit: (id, messageId, text, options) =>
      // `groupAtUserList` and `preview` as given: an empty list is none (the server reads its length).
      submit(id, messageId, { kind: 'edit', text, ...options }),
    recall: (id, messageId) => submit(id, messageId, { kind: 'recall' }),
    deleteForMe: (id, messageId) => submit(id, messageId, { kind: 'hide' }),
    pin: (id, messageId, on) => submit(id, messageId, { kind: 'pin', on }),
    async reactions(conversationId, messageId, emoji, after, limit) {
      await started;
      const page = await requests.request<ServerFrameOf<'reactions'>>({
        type: 'reactions.fetch', conversationId, messageId, emoji, ...(after !== undefined && { after }), ...(limit !== undefined && { limit }),
      });
      return { users: page.users, count: page.count, hasMore: page.hasMore };
    },
    async pins(conversationId) {
      await started;
      return (await requests.request<ServerFrameOf<'pins'>>({ type: 'pins.fetch', conversationId })).pins;
    },
  };
}
