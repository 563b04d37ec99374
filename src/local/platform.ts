/**
 * The one Node timer the core uses that browsers lack: `setImmediate` (the commit batcher and the
 * group-member memo run "after this turn"). A MessageChannel task runs after the current task
 * and its microtasks, which is what the core relies on. Installed only where it is missing, so
 * in Node nothing changes.
 */
const g = globalThis as { setImmediate?: (fn: () => void) => unknown };
if (typeof g.setImmediate !== 'function') {
  const queue: (() => void)[] = [];
  const channel = new MessageChannel();
  channel.port1.onmessage = () => {
    const due = queue.splice(0);
    for (const fn of due) fn();
  };
  g.setImmediate = (fn: () => void) => {
    if (queue.push(fn) === 1) channel.port2.postMessage(null);
    return undefined;
  };
}
