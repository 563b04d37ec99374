/**
 * A CDP session over a Node process's V8 inspector WebSocket (the process runs with
 * `--inspect=127.0.0.1:<port>`): full GCs and memory readings for the soak run, allocation
 * sampling for the server benchmark.
 */
import { WebSocket } from 'ws';

export interface Inspector {
  call(method: string, params?: object): Promise<unknown>;
  /** Full GC, then `process.memoryUsage()` of the process. */
  memory(): Promise<{ heapUsed: number; external: number }>;
  close(): void;
}

export async function connectInspector(port: number): Promise<Inspector> {
  const [target] = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as { webSocketDebuggerUrl: string }[];
  const ws = new WebSocket(target!.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  let id = 0;
  const pending = new Map<number, (result: unknown) => void>();
  ws.on('message', (data) => {
    const m = JSON.parse(String(data)) as { id?: number; result?: unknown };
    if (m.id !== undefined) pending.get(m.id)?.(m.result);
  });
  const call = (method: string, params: object = {}) =>
    new Promise<unknown>((resolve) => {
      pending.set(++id, resolve);
      ws.send(JSON.stringify({ id, method, params }));
    });
  return {
    call,
    async memory() {
      await call('HeapProfiler.collectGarbage');
      const r = (await call('Runtime.evaluate', { expression: 'JSON.stringify(process.memoryUsage())', returnByValue: true })) as { result: { value: string } };
      return JSON.parse(r.result.value) as { heapUsed: number; external: number };
    },
    close: () => ws.close(),
  };
}
