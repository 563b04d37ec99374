import type { Bus } from '../../../src/server/core/bus.js';
import { createMemoryBus } from '../../../src/server/bus/memory-bus.js';
import { busContract } from './bus-contract.js';

// One in-process bus is one "channel": both simulated nodes share the same instance, with a
// close that only detaches that node (closing the shared bus would end the other node too).
busContract('in-process', async () => {
  const shared = createMemoryBus();
  return async (): Promise<Bus> => {
    const offs: (() => Promise<void>)[] = [];
    return {
      publish: (e) => shared.publish(e),
      async subscribe(h) {
        const off = await shared.subscribe(h);
        offs.push(off);
        return off;
      },
      async close() {
        for (const off of offs) await off();
      },
    };
  };
});
