import type { ServerFrameOf } from '../../../src/protocol/index.js';
import type { TestSocket } from '../helpers/ws-client.js';
import { GUARD_MS } from '../../guard.js';

let n = 0;

/** Sends one friend frame and answers `ok` or the refusal's name. */
export async function ask(s: TestSocket, frame: Record<string, unknown>): Promise<string> {
  const reqId = `f${++n}`;
  s.send({ ...frame, reqId });
  const deadline = Date.now() + GUARD_MS;
  for (;;) {
    const i = s.received.findIndex((f) => (f.type === 'ok' || f.type === 'error') && f.reqId === reqId);
    if (i >= 0) {
      const [answer] = s.received.splice(i, 1);
      return answer!.type === 'error' ? answer!.name : 'ok';
    }
    if (Date.now() > deadline) throw new Error(`no answer to ${JSON.stringify(frame)}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** One `friends.list` page. */
export async function list(s: TestSocket, over: Record<string, unknown> = {}): Promise<ServerFrameOf<'friends'>> {
  const reqId = `l${++n}`;
  s.send({ type: 'friends.list', reqId, ...over });
  return s.next('friends', (f) => f.reqId === reqId);
}

/** Ids of a list (`friends`, `in`, `out`). */
export const ids = async (s: TestSocket, which: 'friends' | 'in' | 'out' = 'friends') => (await list(s, { list: which })).items.map((i) => i.id);

/** The next `friends.updated` about `userId` (with `state`, when given; earlier other states are skipped). */
export async function updated(s: TestSocket, userId: string, state?: ServerFrameOf<'friends.updated'>['state']): Promise<ServerFrameOf<'friends.updated'>> {
  return s.next('friends.updated', (f) => f.user.id === userId && (state === undefined || f.state === state));
}
