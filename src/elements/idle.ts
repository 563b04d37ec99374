/**
 * Runs `task` when the page is idle (`requestIdleCallback`), at the latest after `timeout` ms when
 * one is given; where there is no idle callback (Safari), 200 ms later; outside a page (server-side
 * rendering), never. The one idle helper of the elements: `<chat-widget>` fetches its panel with
 * it, `<chat-thread>` builds its formatters and fetches what opens on first use.
 */
export function whenIdle(task: () => void, timeout?: number): void {
  if (typeof document == 'undefined') return;
  // Typed as always there; Safari has none.
  if ((globalThis as Partial<typeof globalThis>).requestIdleCallback) requestIdleCallback(task, { timeout });
  else setTimeout(task, 200);
}
