import { ChatError } from '../../protocol/index.js';
import type { HookDraft } from '../webhooks/before-send.js';
import type { Store } from './store.js';

/** The before-send hook as ChatCore holds it. */
export interface BeforeSendCheck {
  check(draft: HookDraft, now: number, edit?: string): Promise<void>;
}

/**
 * The hook's check of a send or an edit, skipped for a retry of one the store holds: the site was
 * asked about it once, and the commit answers the retry as its duplicate (SPEC §2, exactly once),
 * so the hook never sees one clientMsgId (an edit's changeId) twice for what is stored. A refusal
 * (MESSAGE_REJECTED: the site's, or the fallback's while it is down) of a retry whose first try
 * committed while the hook was being asked does not stand either: not a failure on the sender's
 * device for a message or an edit everyone else sees. `id`: the sender and the clientMsgId.
 * One store read before the hook's round trip (a store that cannot answer leaves it to the hook),
 * and one more after a refusal. `storable` (an edit's): throws what the commit would answer, so a
 * first try the store would refuse is refused before the site hears of it.
 */
export async function hookCheck(
  hook: BeforeSendCheck, store: Store, draft: HookDraft, now: number, id: { sender: string; clientMsgId: string }, edit?: string,
  storable?: () => Promise<void>,
): Promise<void> {
  const committed = () => store.hasClientMsgId(id.sender, id.clientMsgId).catch(() => false);
  if (await committed()) return;
  await storable?.();
  try {
    await hook.check(draft, now, edit);
  } catch (err) {
    if (!(err instanceof ChatError) || err.name !== 'MESSAGE_REJECTED' || !(await committed())) throw err;
  }
}
