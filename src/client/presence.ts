/**
 * Online / last seen of the people this user may see (SPEC §13): their 1:1 peers, and friends
 * an element names. Imported by `./chat-client.ts` the first time `client.presence()` is called,
 * so the script tag's first paint carries only the line routing `presence.updated` here.
 *
 * The server knows whom a connection watches only for that connection: after every reconnect
 * (`synced`) the list is sent again, and whenever the 1:1 chats or the friends change.
 */
import { atom, type ReadableAtom } from 'nanostores';
import type { ChatError } from '../protocol/error-codes.js';
import type { ServerFrameOf } from '../protocol/frames.js';
import type { ConversationSummary } from '../protocol/message.js';
import { PRESENCE_LIMITS } from '../protocol/presence-frames.js';
import type { Requests } from './requests.js';

/** One person's presence as the server last said. */
export interface PresenceState {
  online: boolean;
  /** Ms since the epoch; absent while online, for people who hide it, and while this user hides their own. */
  lastSeen?: number;
}

/** What `client.presence()` answers. */
export interface PresenceTracker {
  /** Presence by user id, of the 1:1 peers, the friends (once `client.friends()` is loaded) and the people `watch` named. */
  readonly $presence: ReadableAtom<Readonly<Record<string, PresenceState>>>;
  /** This user's own visibility as the server keeps it (`presence.set`); undefined until known. */
  readonly $visible: ReadableAtom<boolean | undefined>;
  /** False once the server said the site turned presence off (PRESENCE_DISABLED). */
  readonly $enabled: ReadableAtom<boolean>;
  /** Also watches these people (friends without a 1:1 chat); people the server refuses are dropped. */
  watch(userIds: readonly string[]): void;
  /** Shows or hides this user's presence to everyone (hidden, they also see no one's last seen). */
  setVisible(visible: boolean): Promise<void>;
}

export interface PresenceDeps {
  requests: Requests;
  /** The client: `presence` events carry unrequested `presence.updated` frames; `synced` a new session. */
  events: EventTarget;
  $conversations: ReadableAtom<readonly ConversationSummary[]>;
  /** Whether a session is open now (a watch can be sent). */
  synced(): boolean;
  /** The connection's state: while it is not `online` what the server said is stale. */
  $connection: ReadableAtom<string>;
  /**
   * The client's friend actions (`client.friends()`): everyone in their `$friends` is watched, as
   * it changes, so a friend needs no 1:1 chat to be seen online. The list stays empty (nothing
   * asked of the server) until something loads it, as the contacts view does.
   */
  friends(): Promise<{ $friends: ReadableAtom<readonly { id: string }[]> }>;
}

export function createPresence(deps: PresenceDeps): PresenceTracker {
  const $presence = atom<Readonly<Record<string, PresenceState>>>({});
  const $visible = atom<boolean | undefined>(undefined);
  const $enabled = atom(true);
  const extra = new Set<string>();
  /** The friends list followed; none until the friend actions are loaded. */
  let $friends: ReadableAtom<readonly { id: string }[]> | undefined;
  /** The list the server holds for this session (undefined: none yet, even an empty one). */
  let sent: string | undefined;
  let queued = false;

  const peers = () => deps.$conversations.get().filter((c) => c.type === 'p2p' && c.lastSeq > 0).map((c) => c.id.slice(4));

  const apply = (frame: ServerFrameOf<'presence.updated'>, replace?: readonly string[]) => {
    const next: Record<string, PresenceState> = {};
    const prev = $presence.get();
    // A watch's answer replaces the map: people no longer watched drop out.
    for (const id of replace ?? Object.keys(prev)) if (prev[id]) next[id] = prev[id];
    for (const { userId, online, lastSeen } of frame.items) next[userId] = lastSeen === undefined ? { online } : { online, lastSeen };
    $presence.set(next);
    if (frame.visible !== undefined) $visible.set(frame.visible);
  };

  const send = async () => {
    queued = false;
    if (!$enabled.get() || !deps.synced()) return;
    const ids = [...new Set([...peers(), ...($friends?.get().map((f) => f.id) ?? []), ...extra])].sort().slice(0, PRESENCE_LIMITS.watch);
    const key = ids.join('\n');
    if (key === sent) return;
    sent = key;
    try {
      const answer = await deps.requests.request<ServerFrameOf<'presence.updated'>>({ type: 'presence.watch', userIds: ids });
      apply(answer, ids);
    } catch (e) {
      sent = undefined;
      const name = (e as ChatError).name;
      if (name === 'PRESENCE_DISABLED') $enabled.set(false);
      else if (name === 'PRESENCE_FORBIDDEN' && extra.size > 0) {
        // Someone named is neither a peer nor a friend (any more): watch the peers alone.
        extra.clear();
        schedule();
      }
    }
  };
  const schedule = () => {
    if (queued) return;
    queued = true;
    // Several changes in one task (a sync's conversations, elements naming people) make one watch.
    setTimeout(() => void send(), 0);
  };

  deps.events.addEventListener('presence', (e) => apply((e as CustomEvent<ServerFrameOf<'presence.updated'>>).detail));
  deps.events.addEventListener('synced', () => {
    sent = undefined;
    schedule();
  });
  deps.$conversations.listen(schedule);
  // Cut off, this client cannot know who is online: it forgets what it was told (an element then
  // shows nothing rather than a stale "online") until the next session's watch answers.
  deps.$connection.listen((state) => {
    if (state !== 'online' && Object.keys($presence.get()).length > 0) $presence.set({});
  });
  schedule();
  deps.friends().then((f) => {
    $friends = f.$friends;
    // A friend removed drops out of the next watch (the server would refuse the whole list).
    $friends.listen(schedule);
    schedule();
  }, () => undefined);

  return {
    $presence,
    $visible,
    $enabled,
    watch(userIds) {
      const before = extra.size;
      for (const id of userIds) extra.add(id);
      if (extra.size !== before) schedule();
    },
    async setVisible(visible) {
      await deps.requests.request({ type: 'presence.set', visible });
      $visible.set(visible);
    },
  };
}
