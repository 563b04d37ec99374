import type { GroupChange } from '../../../src/protocol/index.js';
import type { TestSocket } from '../helpers/ws-client.js';

let n = 0;

/**
 * Sends one group frame and answers its own `ok`, `group.info` or error's name, matched by
 * reqId: answers to other requests (sent at once on the same socket, or left unread) stay queued.
 */
export async function ask(s: TestSocket, frame: Record<string, unknown>, ms?: number): Promise<string> {
  const reqId = `g${++n}`;
  s.send({ ...frame, reqId });
  const answer = await s.nextOf(['ok', 'error', 'group.info'], ms, (f) => f.reqId === reqId);
  return answer.type === 'error' ? answer.name : answer.type;
}

/** `group.change` by `s`: `ok` or the refusal's name. */
export const change = (s: TestSocket, groupId: string, c: GroupChange) => ask(s, { type: 'group.change', groupId, change: c });

/** `group.create` by `s`. */
export const create = (s: TestSocket, groupId: string, members: string[], over: Record<string, unknown> = {}) =>
  ask(s, { type: 'group.create', groupId, name: `Group ${groupId}`, members, ...over });
