import { html, nothing } from 'lit';
import type { SearchOptions } from '../../client/search.js';
import type { ChatClient } from '../../client/types.js';
import { isConversationId, parseConversationId, type ConversationId } from '../../protocol/ids.js';
import { searchStrings } from '../i18n/search.js';

/**
 * The filters of `<chat-search>` as its fields hold them: a sender's id, a kind, and a day range
 * as `<input type="date">` writes it (`yyyy-mm-dd`, in the reader's time zone); '' is "any".
 */
export interface SearchFilters {
  from: string;
  kind: '' | NonNullable<SearchOptions['kind']>;
  since: string;
  until: string;
}

export const NO_FILTERS: SearchFilters = { from: '', kind: '', since: '', until: '' };

/** What "Type" offers, in its order ('': everything). */
const KINDS = ['', 'text', 'image', 'video', 'sound', 'file', 'link', 'location'] as const;

/** How many filters are set (shown on the filters button). */
export const filtersOn = (f: SearchFilters): number => [f.from, f.kind, f.since, f.until].filter(Boolean).length;

/** Midnight starting the local day `yyyy-mm-dd`, `days` later, in ms; undefined when `day` is not a date. */
function localDay(day: string, days = 0): number | undefined {
  const [y, m, d] = day.split('-').map(Number);
  if (!y || !m || !d) return undefined;
  return new Date(y, m - 1, d + days).getTime();
}

/**
 * The client's search options for the filters. The bounds are exclusive, so "since" is a moment
 * before its day's midnight and "until" the midnight after its day: both days are in the range.
 */
export function filterOptions(f: SearchFilters): Pick<SearchOptions, 'from' | 'kind' | 'after' | 'before'> {
  const start = localDay(f.since);
  const end = localDay(f.until, 1);
  return {
    ...(f.from && { from: f.from }),
    ...(f.kind && { kind: f.kind }),
    ...(start !== undefined && { after: start - 1 }),
    ...(end !== undefined && { before: end }),
  };
}

/**
 * The people "From" offers, the user first: in a 1:1 chat its peer, in a group its members (once
 * loaded: `loadMembers`), across all conversations the peers of the user's 1:1 chats.
 */
export function searchPeople(client: ChatClient, conversation: string): { id: string; name: string }[] {
  const me = client.$me.get()?.id;
  const out = new Map<string, string>();
  if (me) out.set(me, searchStrings().you);
  if (isConversationId(conversation)) {
    const { type, target } = parseConversationId(conversation as ConversationId);
    if (type === 'group') for (const m of client.members(conversation as ConversationId).get() ?? []) out.set(m.id, out.get(m.id) ?? (m.name || m.id));
    else out.set(target, client.$conversations.get().find((c) => c.id === conversation)?.name || target);
  } else {
    for (const c of client.$conversations.get()) {
      const { type, target } = parseConversationId(c.id);
      if (type === 'p2p' && !out.has(target)) out.set(target, c.name || target);
    }
  }
  return [...out].map(([id, name]) => ({ id, name }));
}

/** The filter fields (a labelled group); `onChange` gets what each change set (merged into the latest filters, not these). */
export function renderFilters(
  f: SearchFilters,
  people: { id: string; name: string }[],
  open: boolean,
  onChange: (change: Partial<SearchFilters>) => void,
  onKeyDown: (e: KeyboardEvent) => void,
) {
  const t = searchStrings();
  const set = (key: keyof SearchFilters) => (e: Event) => onChange({ [key]: (e.target as HTMLInputElement | HTMLSelectElement).value });
  // A sender picked earlier whom the list no longer holds (members not loaded yet) stays picked.
  const all = f.from && !people.some((p) => p.id === f.from) ? [...people, { id: f.from, name: f.from }] : people;
  return html`
    <div part="filters" id="filters" role="group" aria-label=${t.filters} ?hidden=${!open} @keydown=${onKeyDown}>
      <label part="filter">
        <span>${t.from}</span>
        <select part="filter-from" @change=${set('from')}>
          <option value="" ?selected=${!f.from}>${t.anyone}</option>
          ${all.map((p) => html`<option value=${p.id} ?selected=${p.id === f.from}>${p.name}</option>`)}
        </select>
      </label>
      <label part="filter">
        <span>${t.kind}</span>
        <select part="filter-kind" @change=${set('kind')}>
          ${KINDS.map((k) => html`<option value=${k} ?selected=${k === f.kind}>${t.kinds[k || 'any']}</option>`)}
        </select>
      </label>
      <label part="filter">
        <span>${t.since}</span>
        <input part="filter-since" type="date" .value=${f.since} max=${f.until || nothing} @change=${set('since')} />
      </label>
      <label part="filter">
        <span>${t.until}</span>
        <input part="filter-until" type="date" .value=${f.until} min=${f.since || nothing} @change=${set('until')} />
      </label>
      ${filtersOn(f) > 0 ? html`<button part="clear-filters-button" type="button" @click=${() => onChange(NO_FILTERS)}>${t.clear}</button>` : nothing}
    </div>
  `;
}
