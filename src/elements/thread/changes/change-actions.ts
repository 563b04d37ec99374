import type { ChatClient, ChatMessage } from '../../../client/types.js';
import { isConversationId } from '../../../protocol/ids.js';
import type { MenuItem } from '../message-menu.js';
import { composeIntent } from './compose-intent.js';
import { rememberRecalled } from './recalled-texts.js';

/**
 * Runs a change picked from a message's menu (or its shortcut). Reply and Edit go to the
 * composer of the same conversation (through the shared intent); the others are client changes,
 * whose progress and failure show on the message (`pendingChanges`), so their promises need no handling.
 */
export function runChange(client: ChatClient | undefined, conversation: string, m: ChatMessage, item: Pick<MenuItem, 'id' | 'emoji'>): boolean {
  if (!client || !isConversationId(conversation) || !m.id) return false;
  const quiet = (p: Promise<unknown>) => void p.catch(() => {});
  switch (item.id) {
    case 'reply':
    case 'edit':
      composeIntent(client, conversation).set({ kind: item.id, message: m });
      return true;
    case 'react': {
      if (!item.emoji) return false;
      const on = !m.reactions?.some((r) => r.emoji === item.emoji && r.me);
      quiet(client.react(conversation, m.id, item.emoji, on));
      return true;
    }
    case 'recall':
      rememberRecalled(client, m);
      quiet(client.recall(conversation, m.id));
      return true;
    case 'hide':
      quiet(client.deleteForMe(conversation, m.id));
      return true;
    case 'pin':
    case 'unpin':
      quiet(client.pin(conversation, m.id, item.id === 'pin'));
      return true;
    default:
      return false;
  }
}
