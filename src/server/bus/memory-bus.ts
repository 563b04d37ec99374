import { PUBLISHED, type Bus, type BusEvent } from '../core/bus.js';
import { createSubscribers } from './subscribers.js';

/**
 * The in-process bus of a single node. Events are delivered synchronously, in publish order,
 * to every subscriber; they are not copied, so subscribers must treat them as read-only
 * (a networked bus would hand each node its own parsed copy).
 */
export function createMemoryBus(): Bus {
  const subscribers = createSubscribers();
  let closed = false;
  return {
    publish(event: BusEvent) {
      if (closed) return Promise.reject(new Error('bus closed'));
      subscribers.deliver(event);
      return PUBLISHED;
    },
    subscribe: subscribers.subscribe,
    async close() {
      closed = true;
      subscribers.clear();
    },
  };
}
