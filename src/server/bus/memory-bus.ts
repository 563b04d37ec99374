import type { Bus, BusEvent, BusHandler } from '../core/bus.js';

/**
 * The in-process bus of a single node. Events are delivered synchronously, in publish order,
 * to every subscriber; they are not copied, so subscribers must treat them as read-only
 * (a networked bus would hand each node its own parsed copy).
 */
export function createMemoryBus(): Bus {
  const handlers = new Set<BusHandler>();
  let closed = false;
  return {
    async publish(event: BusEvent) {
      if (closed) throw new Error('bus closed');
      for (const handler of handlers) {
        try {
          handler(event);
        } catch {
          // One failing subscriber must not keep the event from the others; they log their own.
        }
      }
    },
    async subscribe(handler) {
      // Wrap so subscribing the same function twice gives two independent subscriptions.
      const h: BusHandler = (e) => handler(e);
      handlers.add(h);
      return async () => {
        handlers.delete(h);
      };
    },
    async close() {
      closed = true;
      handlers.clear();
    },
  };
}
