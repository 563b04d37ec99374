import type { ReactiveControllerHost } from 'lit';
import type { ChatClient } from '../client/types.js';
import { p2pConversation } from '../protocol/ids.js';

/** Held messages scanned per conversation for a sender's profile name (the newest ones). */
const SCAN = 200;

/**
 * The profile name of user `userId` as the client knows it, wherever a person is named: the
 * name of their 1:1 conversation (what the conversation list shows), a loaded member list, or
 * the profile carried by their held messages. Undefined when the client knows no name.
 */
export function knownName(client: ChatClient | undefined, userId: string): string | undefined {
  if (!client || !userId) return undefined;
  const p2p = p2pConversation(userId);
  const conversations = client.$conversations.get();
  const own = conversations.find((c) => c.id === p2p)?.name;
  if (own) return own;
  for (const c of conversations) {
    const member = client.members?.(c.id).get()?.find((m) => m.id === userId);
    if (member?.name) return member.name;
  }
  const p2pMember = client.members?.(p2p).get()?.find((m) => m.id === userId);
  if (p2pMember?.name) return p2pMember.name;
  for (const c of conversations) {
    const messages = client.messages(c.id).get();
    for (let i = messages.length - 1; i >= Math.max(0, messages.length - SCAN); i--) {
      const m = messages[i]!;
      if (m.sender === userId && m.senderProfile.name) return m.senderProfile.name;
    }
  }
  return undefined;
}

/** Ms a name must be wanted before the server is asked (a typed id changes with every key). */
const ASK_AFTER_MS = 250;

/**
 * Names of people the client does not know yet, asked of the server once per user (the members
 * of the 1:1 conversation with them carry their profile, even before its first message), and
 * only for an id still wanted a moment later, so typing an id asks for it once, not for every
 * prefix; the host renders again when a name arrives.
 */
export class NameLookup {
  readonly #host: ReactiveControllerHost;
  readonly #asked = new Set<string>();
  #waiting: { userId: string; timer: ReturnType<typeof setTimeout> } | undefined;

  constructor(host: ReactiveControllerHost) {
    this.#host = host;
  }

  /** The name of `userId` if known now; otherwise asks for it (once, soon) and answers undefined. */
  nameOf(client: ChatClient | undefined, userId: string): string | undefined {
    const name = knownName(client, userId);
    if (name || !client?.loadMembers || this.#asked.has(userId) || this.#waiting?.userId === userId) return name;
    clearTimeout(this.#waiting?.timer);
    const timer = setTimeout(() => {
      this.#waiting = undefined;
      this.#asked.add(userId);
      client.loadMembers(p2pConversation(userId)).then(
        (members) => {
          if (members.some((m) => m.id === userId && m.name)) this.#host.requestUpdate();
        },
        () => undefined,
      );
    }, ASK_AFTER_MS);
    this.#waiting = { userId, timer };
    return undefined;
  }
}
