import type { ChatClient, ChatMessage } from '../../../client/types.js';

/** How long after a recall "Edit again" is offered (the text is kept on this device that long). */
export const EDIT_AGAIN_MS = 10 * 60_000;

type Saved = Record<string, { text: string; at: number }>;

/** Texts of own messages recalled from this page, by client and message id. */
const inPage = new WeakMap<ChatClient, Map<string, string>>();

/** This device's recalled texts of the user (localStorage `natter:recalled:<userId>`): they outlive a reload. */
function keyOf(client: ChatClient): string | undefined {
  const me = client.$me?.get()?.id;
  return me ? `natter:recalled:${me}` : undefined;
}

function load(key: string, now: number): Saved {
  try {
    const saved = JSON.parse(localStorage.getItem(key) ?? '{}') as Saved;
    for (const [id, s] of Object.entries(saved)) if (typeof s?.text !== 'string' || !(now - s.at < EDIT_AGAIN_MS)) delete saved[id];
    return saved;
  } catch {
    // No storage (private mode, a sandboxed frame) or a damaged entry: only this page remembers.
    return {};
  }
}

/**
 * Keeps the text of an own text message being recalled, so its recalled row offers "Edit again":
 * in this page, and on this device for EDIT_AGAIN_MS (a reload keeps it; other devices never had it).
 */
export function rememberRecalled(client: ChatClient, m: ChatMessage, now = Date.now()): void {
  if (m.elem.type !== 'text') return;
  let texts = inPage.get(client);
  if (!texts) inPage.set(client, (texts = new Map()));
  texts.set(m.id, m.elem.text);
  const key = keyOf(client);
  if (!key) return;
  const saved = load(key, now);
  saved[m.id] = { text: m.elem.text, at: now };
  try {
    localStorage.setItem(key, JSON.stringify(saved));
  } catch {
    // Full or unavailable: this page still has it.
  }
}

/** The text of an own message recalled from this device (this page, or within EDIT_AGAIN_MS), if any. */
export function recalledText(client: ChatClient | undefined, messageId: string, now = Date.now()): string | undefined {
  if (!client) return undefined;
  const here = inPage.get(client)?.get(messageId);
  if (here !== undefined) return here;
  const key = keyOf(client);
  return key ? load(key, now)[messageId]?.text : undefined;
}
