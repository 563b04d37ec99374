import { LIMITS, utf8Length, type GroupRole, type SystemElem } from '../../protocol/index.js';
import type { HistoryVisibility } from '../core/types.js';

/** Who did something to a group: a member (id and display name), or the site's backend (admin REST). */
export type GroupActor = { userId: string; name: string } | { admin: true };

const by = (actor: GroupActor) => ('admin' in actor ? '' : `${actor.name} `);
const operator = (actor: GroupActor): Pick<SystemElem, 'operator' | 'operatorName'> =>
  'admin' in actor ? {} : { operator: actor.userId, operatorName: actor.name };
const list = (names: readonly string[]) => names.join(', ');

/**
 * The notice with its English `text` cut to the protocol's bound (a 1,000-byte name plus the
 * sentence would pass it, and clients drop a frame whose elem breaks its schema).
 */
function fit(e: SystemElem): SystemElem {
  if (utf8Length(e.text) <= LIMITS.shortTextBytes) return e;
  let text = '';
  let n = utf8Length('…');
  for (const ch of e.text) {
    n += utf8Length(ch);
    if (n > LIMITS.shortTextBytes) break;
    text += ch;
  }
  return { ...e, text: `${text}…` };
}

function fitted<T extends Record<string, (...args: never[]) => SystemElem>>(notices: T): T {
  return Object.fromEntries(Object.entries(notices).map(([k, f]) => [k, (...args: never[]) => fit(f(...args))])) as T;
}

/**
 * The system notifications of group changes (SPEC §13). Structured, so each client words them
 * in its reader's language (src/elements/i18n/elems.ts); `text` is the English stored with them
 * for clients that do not know an event.
 */
export const groupNotice = fitted({
  created: (actor: GroupActor, name: string, targets: string[]): SystemElem => ({
    type: 'system', event: 'group-created', text: `Group "${name}" was created.`, groupName: name, targets, ...operator(actor),
  }),
  renamed: (actor: GroupActor, name: string): SystemElem => ({
    type: 'system', event: 'group-renamed', text: 'admin' in actor ? `The group was renamed "${name}".` : `${actor.name} renamed the group "${name}".`, groupName: name, ...operator(actor),
  }),
  avatar: (actor: GroupActor, avatar: string | undefined): SystemElem => ({
    type: 'system', event: 'group-avatar', text: `${by(actor) || 'The site '}changed the group's picture.`, ...(avatar !== undefined && { groupAvatar: avatar }), ...operator(actor),
  }),
  notice: (actor: GroupActor): SystemElem => ({
    type: 'system', event: 'group-notice', text: `${by(actor) || 'The site '}updated the group notice.`, ...operator(actor),
  }),
  visibility: (actor: GroupActor, historyVisibility: HistoryVisibility): SystemElem => ({
    type: 'system', event: 'group-visibility', data: historyVisibility,
    text: historyVisibility === 'all' ? 'New members now see the whole history.' : 'New members now see only what is sent after they join.', ...operator(actor),
  }),
  joined: (actor: GroupActor, targets: string[], names: string[]): SystemElem => ({
    type: 'system', event: 'member-joined', text: `${list(names)} joined the group.`, targets, targetNames: names, ...operator(actor),
  }),
  removed: (actor: GroupActor, target: string, name: string): SystemElem => ({
    type: 'system', event: 'member-removed', text: `${name} was removed from the group.`, targets: [target], targetNames: [name], ...operator(actor),
  }),
  left: (actor: { userId: string; name: string }): SystemElem => ({
    type: 'system', event: 'member-left', text: `${actor.name} left the group.`, targets: [actor.userId], targetNames: [actor.name],
  }),
  role: (actor: GroupActor, target: string, name: string, role: GroupRole): SystemElem => {
    const event = role === 'owner' ? 'owner-changed' : role === 'admin' ? 'member-promoted' : 'member-demoted';
    const text = role === 'owner' ? `${name} now owns the group.` : role === 'admin' ? `${name} is now an admin.` : `${name} is no longer an admin.`;
    return { type: 'system', event, text, targets: [target], targetNames: [name], ...operator(actor) };
  },
  muted: (actor: GroupActor, target: string, name: string, until: number | null): SystemElem => ({
    type: 'system', event: 'member-muted', text: `${name} was muted${until === null ? '' : ` until ${new Date(until).toISOString()}`}.`,
    targets: [target], targetNames: [name], ...(until !== null && { data: String(until) }), ...operator(actor),
  }),
  unmuted: (actor: GroupActor, target: string, name: string): SystemElem => ({
    type: 'system', event: 'member-unmuted', text: `${name} can send messages again.`, targets: [target], targetNames: [name], ...operator(actor),
  }),
  dismissed: (actor: GroupActor): SystemElem => ({
    type: 'system', event: 'group-dismissed', text: 'The group was dismissed.', ...operator(actor),
  }),
});
