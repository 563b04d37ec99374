/**
 * What the thread's scroll tests read of a `<chat-thread>` showing `#i` messages (seeded by
 * `seed()` in helpers.ts): where the log stands, which messages are on screen, and when the
 * scrolling and the list's corrections are over.
 */
import { executeServerCommand } from '@web/test-runner-commands';
import type { ChatThread } from '../../src/elements/chat-thread.js';
import { part, parts } from './helpers.js';

/** The thread's scrolling log. */
export const log = (el: ChatThread) => part(el, 'log')!;

/** How far (px) the log's viewport is from the bottom of its content. */
export const fromBottom = (el: ChatThread) => log(el).scrollHeight - log(el).scrollTop - log(el).clientHeight;

/** The bubbles inside the log's viewport, top to bottom. */
function bubblesInView(el: ChatThread): HTMLElement[] {
  const v = log(el).getBoundingClientRect();
  return parts(el, 'bubble').filter((b) => {
    const r = b.getBoundingClientRect();
    return r.bottom > v.top && r.top < v.bottom;
  });
}

/** Numbers of the `#i` messages inside the log's viewport, ascending. */
export function visible(el: ChatThread): number[] {
  return bubblesInView(el)
    .map((b) => Number(b.textContent!.trim().slice(1)))
    .filter((n) => Number.isInteger(n))
    .sort((a, b) => a - b);
}

/** The first message inside the log's viewport: its text and how far (px) its bubble's top is from the viewport's top. */
export function topMessage(el: ChatThread): { text: string; top: number } {
  const bubble = bubblesInView(el)[0];
  if (!bubble) throw new Error('no message is on screen');
  return { text: bubble.textContent!.trim(), top: bubble.getBoundingClientRect().top - log(el).getBoundingClientRect().top };
}

export const frame = () => new Promise((r) => requestAnimationFrame(r));

/** Waits until the scroll position and the rendered rows stay put for 10 frames (a smooth scroll ended, corrections done). */
export async function settled(el: ChatThread, timeout = 15_000): Promise<void> {
  const deadline = performance.now() + timeout;
  let last = '';
  let still = 0;
  while (still < 10) {
    if (performance.now() > deadline) throw new Error('the thread did not settle');
    await frame();
    const now = `${log(el).scrollTop}|${visible(el).join(',')}`;
    still = now === last && !el.isUpdatePending ? still + 1 : 0;
    last = now;
  }
}

/** Height of one `#i` row (they are all one line). */
export function rowHeight(el: ChatThread): number {
  const rows = parts(el, 'message');
  return rows[rows.length - 1]!.getBoundingClientRect().height;
}

/** Wheels the log by `dy` px (negative: up) `times` times in one go with the real mouse, then waits until the thread settles. */
export async function wheel(el: ChatThread, dy: number, times = 1): Promise<void> {
  const v = log(el).getBoundingClientRect();
  await executeServerCommand('wheel', { x: v.left + v.width / 2, y: v.top + v.height / 2, dy, times });
  await settled(el);
}
