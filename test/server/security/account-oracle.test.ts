/**
 * `members.fetch p2p:<id>` must not tell whether an account exists: for someone who is not a
 * contact yet (no conversation, not friends) an existing, a deleted and an unknown id get the
 * same answer. Once they are contacts (a message either way, or friends) the peer's profile shows.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { MemberInfo } from '../../../src/protocol/index.js';
import { cmid, createUsers, startServer, type TestServer } from '../helpers/test-server.js';
import type { TestSocket } from '../helpers/ws-client.js';

async function fetchMembers(s: TestSocket, conversationId: string): Promise<unknown> {
  const reqId = cmid();
  s.send({ type: 'members.fetch', reqId, conversationId });
  const answer = await s.nextOf(['members', 'error']);
  assert.equal(answer.reqId, reqId);
  return answer.type === 'members' ? { members: answer.members } : { error: answer.name };
}

/** The answer with the asked-for id written as `<peer>`, so answers for different ids compare. */
const masked = (answer: unknown, peer: string) => JSON.parse(JSON.stringify(answer).replaceAll(`"${peer}"`, '"<peer>"')) as unknown;

describe('members.fetch as an account oracle', () => {
  let t: TestServer;
  before(async () => {
    t = await startServer();
    await createUsers(t, 'mallory', 'victim', 'wiped', 'friend');
    await t.rest('PUT', '/v1/users/victim', { avatar: 'https://cdn.example/v.png' });
    await t.rest('DELETE', '/v1/users/wiped');
    await t.rest('PUT', '/v1/users/mallory/friends/friend');
  });
  after(() => t.stop());

  it('answers an existing non-contact, a deleted and an unknown id identically', async () => {
    const mallory = await t.login('mallory');
    const answers: unknown[] = [];
    // All sort after 'mallory', so the sides come in the same order (sorted by id) in each answer.
    for (const id of ['victim', 'wiped', 'zed-nobody']) answers.push(masked(await fetchMembers(mallory, `p2p:${id}`), id));
    assert.deepEqual(answers[0], answers[2], 'existing vs unknown');
    assert.deepEqual(answers[1], answers[2], 'deleted vs unknown');
    mallory.close();
  });

  it('shows the peer profile once they are contacts: friends, or a message sent either way', async () => {
    const mallory = await t.login('mallory');
    const friends = (await fetchMembers(mallory, 'p2p:friend')) as { members: MemberInfo[] };
    assert.equal(friends.members.find((m) => m.id === 'friend')?.name, 'Friend');
    const victim = await t.login('victim');
    victim.send({ type: 'message.send', clientMsgId: cmid(), conversationId: 'p2p:mallory', elem: { type: 'text', text: 'hi' } });
    await victim.next('message.ack');
    const after = (await fetchMembers(mallory, 'p2p:victim')) as { members: MemberInfo[] };
    assert.deepEqual(after.members.find((m) => m.id === 'victim'), { id: 'victim', name: 'Victim', avatar: 'https://cdn.example/v.png', readSeq: 0 });
    mallory.close();
    victim.close();
  });
});
