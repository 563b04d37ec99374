import type { BusEvent, BusHandler } from '../core/bus.js';

/** The local subscribers of a bus: how every adapter hands an event to this node's handlers. */
export interface Subscribers {
  /** Bus.subscribe: adds a handler, resolves with its unsubscribe. */
  subscribe(handler: BusHandler): Promise<() => Promise<void>>;
  /** Delivers an event to every handler, in subscription order. */
  deliver(event: BusEvent): void;
  clear(): void;
}

export function createSubscribers(): Subscribers {
  const handlers = new Set<BusHandler>();
  return {
    async subscribe(handler) {
      // Wrap so subscribing the same function twice gives two independent subscriptions.
      const h: BusHandler = (e) => handler(e);
      handlers.add(h);
      return async () => {
        handlers.delete(h);
      };
    },
    deliver(event) {
      for (const handler of handlers) {
        try {
          handler(event);
        } catch {
          // One failing subscriber must not keep the event from the others; they log their own.
        }
      }
    },
    clear: () => handlers.clear(),
  };
}
