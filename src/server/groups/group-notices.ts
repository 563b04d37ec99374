import { LIMITS, utf8Length, type GroupRole, type SystemElem } from '../../protocol/index.js';
import type { HistoryVisibility } from '../core/types.js';

/** Who did something to a group: a member (id and display name), or the site's backend (admin REST). */
export type GroupActor = { userId: string; name: string } | { admin: true };

const by = (actor: GroupActor) => ('admin' in actor ? '' : `${actor.name} `);
const operator = (actor: GroupActor): Pick<SystemElem, 'operator' | 'operatorName'> =>
  'admin' in actor ? {} : { operator: actor.userId, operatorName: actor.name };
const list = (names: readonly string[]) => names.join(', ');

/** Users a notice names at most (`targets`, and `targetNames` beside them). */
const NAMED_MAX = 100;
/** UTF-8 bytes of the names a notice carries at most: two names at the longest a name may be. */
const NAMES_BYTES = 2 * LIMITS.shortTextBytes;

/** The English `text` cut to the protocol's bound (a 1,000-byte name plus the sentence would pass it). */
function fitText(text: string): string {
  if (utf8Length(text) <= LIMITS.shortTextBytes) return text;
  let cut = '';
  let n = utf8Length('…');
  for (const ch of text) {
    n += utf8Length(ch);
    if (n > LIMITS.shortTextBytes) break;
    cut += ch;
  }
  return `${cut}…`;
}

/** How many of `names` fit the names' budget, from the first on. */
function namesThatFit(names: readonly string[]): number {
  let bytes = 0;
  let kept = 0;
  while (kept < names.length && kept < NAMED_MAX && (bytes += utf8Length(names[kept]!)) <= NAMES_BYTES) kept++;
  return kept;
}

/**
 * The notice cut to fit a frame, as clients drop a frame whose elem breaks its schema: its
 * English `text`, and its `targets` with their `targetNames`, of which a change by the site may
 * name thousands. The users left out are counted in `moreTargets` ("and 2,998 others"); never
 * just one (one name more is dropped then), so that count is always a plural.
 */
function fit(e: SystemElem): SystemElem {
  const total = e.targets?.length ?? 0;
  let kept = Math.min(total, e.targetNames ? namesThatFit(e.targetNames) : NAMED_MAX);
  if (total - kept === 1) kept--;
  const text = fitText(e.text);
  if (kept === total && text === e.text) return e;
  const out: SystemElem = { ...e, text };
  if (kept < total) {
    out.targets = e.targets!.slice(0, kept);
    if (e.targetNames) out.targetNames = e.targetNames.slice(0, kept);
    out.moreTargets = total - kept;
  }
  return out;
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
    type: 'system', event: 'group-renamed', text: 'admin' in actor ? `The group was renamed to "${name}".` : `${actor.name} renamed the group to "${name}".`, groupName: name, ...operator(actor),
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
