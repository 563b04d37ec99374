// What a user can do after a send or a change fails: resend only where a resend can succeed; a
// refusal that would only come back is never retried by itself, not even across a reconnect.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ChatError, ERRORS, type ErrorName } from '../../src/protocol/index.js';
import { type ChatClient, type ChatMessage } from '../../src/client/index.js';
import { isResendable } from '../../src/client/resendable.js';
import { collect, connectClient, createNetwork, synced, until, useTestServer } from './real-server.js';

const ctx = useTestServer();
const { uid, connect, track, group } = ctx;

const body = (name: ErrorName, retryAfterMs?: number) => ({ code: ERRORS[name].code, name, message: ERRORS[name].message, ...(retryAfterMs !== undefined && { retryAfterMs }) });
const failedIn = (c: ChatClient, id: `group:${string}` | `p2p:${string}`) => c.messages(id).get().filter((m) => m.status === 'failed');

describe('isResendable', () => {
  test('the connection, the server, a rate limit and an upload can be resent; refusals cannot', () => {
    for (const name of ['TIMEOUT', 'UNAVAILABLE', 'SHUTTING_DOWN', 'INTERNAL', 'RATE_LIMITED', 'UPLOAD_FAILED', 'UPLOAD_CANCELLED', 'UPLOAD_QUOTA_EXCEEDED'] as const) {
      assert.equal(isResendable(body(name)), true, name);
    }
    for (const name of [
      'NOT_MEMBER', 'BLOCKED', 'NOT_FRIENDS', 'USER_UNKNOWN', 'GROUP_UNKNOWN', 'GROUP_DISMISSED', 'SELF_CONVERSATION', 'MESSAGE_TOO_LARGE',
      'FILE_TOO_LARGE', 'MESSAGE_REJECTED', 'BAD_REQUEST', 'USER_BANNED', 'NOT_FORWARDABLE', 'CHANGE_WINDOW_EXPIRED', 'NOT_MESSAGE_SENDER',
    ] as const) {
      assert.equal(isResendable(body(name)), false, name);
    }
  });

  test('a mute with an end can be resent once it is over; one for good cannot', () => {
    assert.equal(isResendable(body('MUTED', 60_000)), true);
    assert.equal(isResendable(body('MUTED')), false);
  });
});

describe('a send refused for good', () => {
  test('after leaving a group: failed with NOT_MEMBER, not resendable, and not sent again when the connection returns', async () => {
    const [a, b] = [uid('alice'), uid('bob')];
    const team = await group([a, b], 'Team');
    const net = createNetwork();
    const bob = track(connectClient(ctx.srv, await ctx.srv.token(b), { network: net }));
    await synced(bob);
    await (await bob.groups()).changeGroup(team.slice(6), { kind: 'leave' });
    const failures = collect<ChatMessage>(bob, 'send-failed');

    const refused = await bob.send(team, 'still there?').catch((e: unknown) => e);
    assert.ok(refused instanceof ChatError);
    assert.equal(refused.name, 'NOT_MEMBER');
    const [failed] = failedIn(bob, team);
    assert.equal(failed?.error?.name, 'NOT_MEMBER');
    assert.equal(isResendable(failed!.error), false);

    // A new session: the outbox sends what is pending, never what was refused.
    net.cut();
    await until(() => bob.$connection.get() !== 'online', 'bob dropped');
    await until(() => bob.$connection.get() === 'online', 'bob back');
    await synced(bob);
    // One round trip more than any resend would need.
    await bob.send(`p2p:${a}`, 'a send that goes');
    assert.equal(failures.length, 1, 'refused once, never sent again');
    assert.deepEqual(failedIn(bob, team).map((m) => [m.clientMsgId, m.error?.name]), [[failed!.clientMsgId, 'NOT_MEMBER']]);
  });

  test('a timed mute leaves a resendable failure; a mute for good does not', async () => {
    const [a, b] = [uid('alice'), uid('bob')];
    const alice = await connect(a);
    await ctx.srv.token(b); // bob exists
    await synced(alice);
    await ctx.srv.admin('PUT', `/v1/users/${a}/mute`, { until: Date.now() + 60_000 });
    await until(() => alice.$sanctions.get().length === 1, 'muted');
    await alice.send(`p2p:${b}`, 'one').catch(() => undefined);
    await ctx.srv.admin('DELETE', `/v1/users/${a}/mute`);
    await until(() => alice.$sanctions.get().length === 0, 'lifted');
    await ctx.srv.admin('PUT', `/v1/users/${a}/mute`, {});
    await until(() => alice.$sanctions.get().length === 1, 'muted for good');
    await alice.send(`p2p:${b}`, 'two').catch(() => undefined);
    const failed = failedIn(alice, `p2p:${b}`);
    assert.deepEqual(failed.map((m) => [m.elem.type === 'text' && m.elem.text, m.error?.name, isResendable(m.error)]), [
      ['one', 'MUTED', true],
      ['two', 'MUTED', false],
    ]);
  });
});
