import { LIMITS } from '../../protocol/index.js';

/** Who may pin in groups. In 1:1 chats both sides may. */
export type PinPolicy = 'members' | 'admins';

/** The server's rules for changes (SPEC §9), from createChatServer options / env. */
export interface ChangePolicy {
  /** Seconds after sending within which the sender may edit; undefined = any time (NATTER_EDIT_WINDOW_SECONDS). */
  editWindowSeconds?: number;
  /** Seconds after sending within which the sender may recall (NATTER_RECALL_WINDOW_SECONDS, default 120). */
  recallWindowSeconds: number;
  /** Distinct emojis on one message (NATTER_REACTIONS_PER_MESSAGE, default 20). */
  reactionsPerMessage: number;
  /** Distinct emojis one user may put on one message (NATTER_REACTIONS_PER_USER, default 5). */
  reactionsPerUser: number;
  /** NATTER_PIN: `members` (default) or `admins` (in groups, only admins pin). */
  pin: PinPolicy;
  /** Pinned messages per conversation. */
  pinsPerConversation: number;
}

export const DEFAULT_CHANGE_POLICY: ChangePolicy = {
  recallWindowSeconds: LIMITS.recallWindowSeconds,
  reactionsPerMessage: LIMITS.reactionsPerMessage,
  reactionsPerUser: LIMITS.reactionsPerUser,
  pin: 'members',
  pinsPerConversation: LIMITS.pinsPerConversation,
};

/** Reads the NATTER_* change variables; throws TypeError for a value that makes no sense. */
export function changePolicyFromEnv(env: Record<string, string | undefined>): Partial<ChangePolicy> {
  const out: Partial<ChangePolicy> = {};
  const int = (name: string, min: number): number | undefined => {
    const raw = env[name];
    if (raw === undefined || raw === '') return undefined;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min) throw new TypeError(`${name} must be an integer >= ${min}, not ${raw}`);
    return n;
  };
  const edit = int('NATTER_EDIT_WINDOW_SECONDS', 0);
  if (edit !== undefined) out.editWindowSeconds = edit;
  const recall = int('NATTER_RECALL_WINDOW_SECONDS', 0);
  if (recall !== undefined) out.recallWindowSeconds = recall;
  const perMessage = int('NATTER_REACTIONS_PER_MESSAGE', 1);
  if (perMessage !== undefined) out.reactionsPerMessage = perMessage;
  const perUser = int('NATTER_REACTIONS_PER_USER', 1);
  if (perUser !== undefined) out.reactionsPerUser = perUser;
  const pin = env.NATTER_PIN;
  if (pin !== undefined && pin !== '') {
    if (pin !== 'members' && pin !== 'admins') throw new TypeError(`NATTER_PIN must be members or admins, not ${pin}`);
    out.pin = pin;
  }
  return out;
}
