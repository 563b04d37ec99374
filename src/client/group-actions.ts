/**
 * The group actions of the client (SPEC §13): create a group, change one, read its settings.
 * Imported by `./chat-client.ts` the first time one is called, so the script tag's first paint
 * does not carry them. They are requests, not outbox entries: a person waits for the answer in
 * the group panel, and each is safe to retry (a create names its id; a change that changes
 * nothing is answered `ok`).
 */
import type { GroupChange } from '../protocol/group-frames.js';
import { acceptAnswers } from '../protocol/client-wire.js';
import { GroupInfoSchema } from '../protocol/feature-answers.js';
import type { GroupInfo, ServerFrameOf } from '../protocol/frames.js';
import type { ConversationId } from '../protocol/ids.js';
import type { Requests } from './requests.js';
import type { NewGroup } from './types.js';

/** What `client.groups()` answers (SPEC §13). */
export interface GroupActions {
  /** Creates a group owned by this user with `members`; resolves with its conversation id (GROUP_CREATE_FORBIDDEN where the site keeps that to itself). */
  createGroup(group: NewGroup): Promise<ConversationId>;
  /** Makes one change to a group, checked by this user's role on the server (GROUP_ROLE_REQUIRED …); resolves once done. */
  changeGroup(groupId: string, change: GroupChange): Promise<void>;
  /** The group's settings and this user's role in it. */
  groupInfo(groupId: string): Promise<GroupInfo>;
}

export function createGroupActions(requests: Requests): GroupActions {
  acceptAnswers(GroupInfoSchema);
  return {
    async createGroup(group) {
      const groupId = group.id ?? `g-${globalThis.crypto.randomUUID()}`;
      await requests.request({
        type: 'group.create', groupId, name: group.name, members: [...group.members],
        ...(group.avatar ? { avatar: group.avatar } : {}),
        ...(group.historyVisibility ? { historyVisibility: group.historyVisibility } : {}),
      });
      return `group:${groupId}`;
    },
    async changeGroup(groupId, change) {
      await requests.request({ type: 'group.change', groupId, change });
    },
    async groupInfo(groupId) {
      return (await requests.request<ServerFrameOf<'group.info'>>({ type: 'group.fetch', groupId })).group;
    },
  };
}
