import assert from 'node:assert/strict';
import type { ConversationId, ServerFrameOf } from '../../../src/protocol/index.js';
import type { SearchResult } from '../../../src/protocol/search-schema.js';
import { cmid, createUsers, text, type TestServer } from './test-server.js';
import type { TestSocket } from './ws-client.js';

let n = 0;
/** One `search.fetch` over `s`: its answer, `search.results` or `error`, checked to carry the request's reqId. */
export async function search(s: TestSocket, query: string, extra: Record<string, unknown> = {}) {
  const reqId = `s${++n}`;
  s.send({ type: 'search.fetch', reqId, query, ...extra });
  const f = await s.nextOf(['search.results', 'error']);
  assert.equal(f.reqId, reqId);
  return f;
}

/** The texts of a search's results, in order; a refusal fails the test. */
export const texts = (f: ServerFrameOf<'search.results'> | ServerFrameOf<'error'>): string[] =>
  f.type === 'search.results' ? (f.results as SearchResult[]).map((r) => (r.message.elem as { text: string }).text) : assert.fail(`refused: ${f.name}`);

/** Sends a text message and waits for its ack; a refusal fails the test. */
export async function sendText(s: TestSocket, conversationId: ConversationId, body: string): Promise<ServerFrameOf<'message.ack'>> {
  s.send({ type: 'message.send', clientMsgId: cmid(), conversationId, elem: text(body) });
  const ack = await s.nextOf(['message.ack', 'message.error']);
  return ack.type === 'message.ack' ? ack : assert.fail(`send refused: ${ack.name}`);
}

/** dave and erin in group:fz, logged in, with 'gnu one' (dave), 'gnu two' (erin), 'gnu three' (dave) sent 5 ms apart: the acks a1, a2, a3. */
export async function gnuThree(t: TestServer) {
  await createUsers(t, 'dave', 'erin');
  await t.rest('POST', '/v1/groups', { id: 'fz', name: 'F', members: ['dave', 'erin'] });
  const dave = await t.login('dave');
  const erin = await t.login('erin');
  const a1 = await sendText(dave, 'group:fz', 'gnu one');
  await new Promise((r) => setTimeout(r, 5));
  const a2 = await sendText(erin, 'group:fz', 'gnu two');
  await new Promise((r) => setTimeout(r, 5));
  const a3 = await sendText(dave, 'group:fz', 'gnu three');
  return { dave, erin, a1, a2, a3 };
}
