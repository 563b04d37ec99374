/**
 * SharedWorker entry of the in-browser Natter server: one `ChatCore` for every tab of this origin
 * that opens the same worker script, so two tabs chat as two users. Each tab connects through
 * the worker's port (see `wire.ts`). It lives while a tab holds it; with it go its messages.
 */
import { createLocalServer } from './local-server.js';

const server = createLocalServer();
const scope = globalThis as unknown as { onconnect: ((event: MessageEvent) => void) | null };
scope.onconnect = (event) => {
  const port = event.ports[0];
  if (port) server.accept(port);
};
