import { ChatError, groupConversation, LIMITS, type ServerFrameOf } from '../../protocol/index.js';
import type { BusEvent } from '../core/bus.js';
import type { Store } from '../core/store.js';
import type { Clock, ConversationKey } from '../core/types.js';
import { isActive, type Sanction, type SanctionGuard } from './types.js';

/**
 * How long a node answers a user's sanctions from memory. A ban or mute made on another node drops
 * them at once (ChatCore hears of it over the bus: `facts` events); this bounds it where nobody tells.
 */
const CACHE_MS = 2000;

/** A refusal naming the admin's reason, which the error body carries to the user. */
class SanctionError extends ChatError {
  readonly reason: string | undefined;
  constructor(name: 'USER_BANNED' | 'MUTED', s: Sanction, now: number) {
    const until = s.until === null ? '' : ` until ${new Date(s.until).toISOString()}`;
    super(name, name === 'MUTED' ? `You are muted${s.scope ? ' in this group' : ''}${until}.` : `This account is banned${until}.`,
      s.until === null ? undefined : { retryAfterMs: s.until - now });
    this.reason = s.reason;
  }
  override toJSON() {
    return { ...super.toJSON(), ...(this.reason !== undefined && { reason: this.reason }) };
  }
}

/**
 * Bans and mutes (SPEC §11): kept in the store, checked at session open (bans) and on each user
 * send (mutes), from a per-node cache of each user's sanctions (CACHE_MS).
 */
export class Moderation {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #publish: (event: BusEvent) => Promise<void>;
  /** Each user's sanctions as read at `at`; `value` once the read has answered. */
  readonly #cache = new Map<string, { at: number; list: Promise<Sanction[]>; value?: Sanction[] }>();

  constructor(o: { store: Store; clock: Clock; publish(event: BusEvent): Promise<void> }) {
    this.#store = o.store;
    this.#clock = o.clock;
    this.#publish = o.publish;
  }

  /** The user's sanctions: at once when this node holds them (as on almost every send), else a promise. */
  #sanctions(userId: string, now: number): Sanction[] | Promise<Sanction[]> {
    const hit = this.#cache.get(userId);
    if (hit && now - hit.at < CACHE_MS) return hit.value ?? hit.list;
    if (this.#cache.size > 10_000) this.#cache.clear();
    const list = this.#store.listSanctions(userId);
    const entry: { at: number; list: Promise<Sanction[]>; value?: Sanction[] } = { at: now, list };
    this.#cache.set(userId, entry);
    list.then((value) => (entry.value = value), () => this.#cache.get(userId) === entry && this.#cache.delete(userId));
    return list;
  }

  /** Forgets what this node holds of the user's sanctions (all users' without one): they changed on another node. */
  forget(userId?: string): void {
    if (userId === undefined) this.#cache.clear();
    else this.#cache.delete(userId);
  }

  /** USER_BANNED while a ban runs. */
  async checkSession(userId: string): Promise<void> {
    const now = this.#clock();
    const ban = (await this.#sanctions(userId, now)).find((s) => s.kind === 'ban' && isActive(s, now));
    if (ban) throw new SanctionError('USER_BANNED', ban, now);
  }

  /**
   * MUTED while a mute runs everywhere, or in the group of `key`. Checked on this turn (thrown)
   * when this node holds the user's sanctions: a send then waits for nothing here.
   */
  checkSend(userId: string, key: ConversationKey): void | Promise<void> {
    const now = this.#clock();
    const group = key.startsWith('group:') ? key.slice(6) : undefined;
    const list = this.#sanctions(userId, now);
    if (list instanceof Promise) return list.then((l) => refuseIfMuted(l, group, now));
    refuseIfMuted(list, group, now);
  }

  /** The running mutes in one group, by user: `until` absent for a mute until unmuted (the member list's `muted`). */
  async groupMutes(groupId: string): Promise<Map<string, { until?: number }>> {
    const now = this.#clock();
    const out = new Map<string, { until?: number }>();
    for (const s of await this.#store.listGroupMutes(groupId)) if (isActive(s, now)) out.set(s.userId, s.until === null ? {} : { until: s.until });
    return out;
  }

  list(userId: string): Promise<Sanction[]> {
    return this.#store.listSanctions(userId);
  }

  /** Bans the user (until a time, or for good) and closes every session of theirs, on every node. */
  async ban(userId: string, until: number | null, reason?: string): Promise<Sanction> {
    const { sanction: s } = await this.#put({ userId, kind: 'ban', scope: '', until, ...(reason !== undefined && { reason }), createdAt: this.#clock() });
    await this.#publish({ kind: 'kick', userId, error: new SanctionError('USER_BANNED', s, this.#clock()).toJSON() });
    return s;
  }

  /**
   * Mutes the user in one group, or everywhere (`groupId` absent); their devices are told
   * (`sanctions.updated`). `changed` is false when the same mute (until, reason) was running:
   * then nothing is written and `sanction` is that one. A group's mute by a member has `guard`.
   */
  async mute(userId: string, groupId: string | undefined, until: number | null, reason?: string, guard?: SanctionGuard): Promise<{ sanction: Sanction; changed: boolean }> {
    const put = await this.#put({ userId, kind: 'mute', scope: groupId ?? '', until, ...(reason !== undefined && { reason }), createdAt: this.#clock() }, guard);
    if (put.changed) await this.#tellMutes(userId);
    return put;
  }

  /** Lifts the sanction (an ended one too); NOT_FOUND when there is none. True when it was still running. */
  async lift(userId: string, kind: Sanction['kind'], scope: string): Promise<boolean> {
    const { deleted, running } = await this.#delete(userId, kind, scope);
    if (!deleted) throw new ChatError('NOT_FOUND');
    return running;
  }

  /** Lifts the sanction if there is one (checked at its write by `guard`); true when one was still running (a group's unmute posts a notice then). */
  async liftIfAny(userId: string, kind: Sanction['kind'], scope: string, guard?: SanctionGuard): Promise<boolean> {
    const { deleted, running } = await this.#delete(userId, kind, scope, guard);
    return deleted && running;
  }

  async #delete(userId: string, kind: Sanction['kind'], scope: string, guard?: SanctionGuard): Promise<{ deleted: boolean; running: boolean }> {
    this.#cache.delete(userId);
    const running = (await this.#store.listSanctions(userId)).some((s) => s.kind === kind && s.scope === scope && isActive(s, this.#clock()));
    const deleted = await this.#store.deleteSanction(userId, kind, scope, guard);
    if (deleted && kind === 'mute') await this.#tellMutes(userId);
    return { deleted, running };
  }

  /**
   * The user's running mutes as their client shows them (SPEC §11: the composer says why and
   * until when): sent at session open when there are any, and to every device on each change.
   */
  async mutesFrame(userId: string): Promise<ServerFrameOf<'sanctions.updated'>> {
    const now = this.#clock();
    const mutes = (await this.#store.listSanctions(userId))
      .filter((s) => s.kind === 'mute' && isActive(s, now))
      .slice(0, LIMITS.frameArrayItems)
      .map((s) => ({
        ...(s.scope !== '' && { conversationId: groupConversation(s.scope) }),
        ...(s.until !== null && { until: s.until }),
        ...(s.reason !== undefined && { reason: s.reason }),
      }));
    return { type: 'sanctions.updated', mutes };
  }

  async #tellMutes(userId: string): Promise<void> {
    await this.#publish({ kind: 'frame', users: [userId], frame: await this.mutesFrame(userId) });
  }

  async #put(s: Sanction, guard?: SanctionGuard): Promise<{ sanction: Sanction; changed: boolean }> {
    if (s.until !== null && s.until <= this.#clock()) throw new ChatError('BAD_REQUEST', '`until` is in the past.');
    if (!(await this.#store.getUser(s.userId))) throw new ChatError('USER_UNKNOWN');
    if (await this.#store.putSanction(s, guard)) {
      this.#cache.delete(s.userId);
      return { sanction: s, changed: true };
    }
    // The same one stands (it is running: `until` is in the future, or there is none).
    const standing = (await this.#store.listSanctions(s.userId)).find((x) => x.kind === s.kind && x.scope === s.scope);
    return { sanction: standing ?? s, changed: false };
  }
}

/** MUTED when one of `list` is a mute running now, everywhere or in `group`. */
function refuseIfMuted(list: readonly Sanction[], group: string | undefined, now: number): void {
  for (const s of list) if (s.kind === 'mute' && (s.scope === '' || s.scope === group) && isActive(s, now)) throw new SanctionError('MUTED', s, now);
}
