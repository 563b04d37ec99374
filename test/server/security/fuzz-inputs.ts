/**
 * Fuzz inputs for the protocol fuzzer: valid frames of every client type, mutated at any field
 * by test/protocol/frame-mutations.ts (the protocol's own recursion nested thousands of levels,
 * deep arrays and objects, huge arrays, wrong types deep inside, prototype keys, huge numbers,
 * NaN-like strings, strings at the limits, another frame's type), truncated JSON, random JSON
 * and random bytes. Deterministic for a seed (fast-check's generator), so a failure replays.
 */
import fc from 'fast-check';
import { LIMITS, PROTOCOL_VERSION } from '../../../src/protocol/index.js';
import { binaryString, loneSurrogate, mutate, mutation, nasty } from '../../protocol/frame-mutations.js';

export type FuzzInput = { data: string; binary: false } | { data: Buffer; binary: true };

/** One or more valid frames of every client frame type (alice's view; bob and group g exist). */
export function validFrames(token: string): Record<string, unknown>[] {
  const id = 'fuzzcmid0001';
  return [
    { type: 'session.open', protocol: PROTOCOL_VERSION, token, deviceId: 'device-1', cursors: { 'p2p:bob': 1, 'group:g': 0 } },
    { type: 'message.send', clientMsgId: id, conversationId: 'p2p:bob', elem: { type: 'text', text: 'hello' } },
    { type: 'message.send', clientMsgId: id, conversationId: 'group:g', elem: { type: 'text', text: 'hi all' }, groupAtUserList: ['@all', 'bob'], priority: 'high', cloudCustomData: '{"k":1}', receiver: 'bob' },
    { type: 'message.send', clientMsgId: id, conversationId: 'p2p:bob', elem: { type: 'custom', customType: 'card', data: '{"a":1}', description: 'A card' } },
    { type: 'message.send', clientMsgId: id, conversationId: 'p2p:bob', elem: { type: 'location', description: 'here', latitude: 1.5, longitude: -2 } },
    { type: 'message.send', clientMsgId: id, conversationId: 'p2p:bob', elem: { type: 'image', url: 'https://x.example/a.png', width: 10, height: 10, size: 100, mime: 'image/png' } },
    { type: 'message.send', clientMsgId: id, conversationId: 'p2p:bob', forward: { conversationId: 'group:g', messageIds: ['m1', 'm2'], merge: { title: 'T' } } },
    // The elems the list above lacked (h5's audit): mutations reach their fields too.
    { type: 'message.send', clientMsgId: id, conversationId: 'p2p:bob', elem: { type: 'face', index: 3, data: '🎉' } },
    { type: 'message.send', clientMsgId: id, conversationId: 'p2p:bob', elem: { type: 'sound', url: 'https://x.example/v.ogg', size: 20_480, duration: 7.5, mime: 'audio/ogg' } },
    { type: 'message.send', clientMsgId: id, conversationId: 'group:g', elem: { type: 'video', url: 'https://x.example/c.mp4', size: 5_000_000, duration: 12, mime: 'video/mp4', snapshot: { url: 'https://x.example/c.jpg', width: 1280, height: 720 } } },
    { type: 'message.send', clientMsgId: id, conversationId: 'p2p:bob', elem: { type: 'call', media: 'video', action: 'ended', duration: 65 } },
    // Refused from a user (admins send system notifications over REST): the nested arrays get mutated too.
    { type: 'message.send', clientMsgId: id, conversationId: 'group:g', elem: { type: 'system', event: 'custom', text: 'Maintenance', operator: 'bob', operatorName: 'Bob', targets: ['carol'], targetNames: ['Carol'], moreTargets: 2, groupName: 'G', data: '{}' } },
    // Valid as a frame, refused by the server (MERGER_FORGED): only the server builds mergers.
    { type: 'message.send', clientMsgId: id, conversationId: 'p2p:bob', elem: { type: 'merger', title: 'History', abstractList: ['Bob: hi'], messages: [
      { id: 'm1', conversationId: 'p2p:bob', seq: 1, clientMsgId: 'cmid00000001', sender: 'bob', senderProfile: { name: 'Bob' }, time: 1, elem: { type: 'merger', title: 'Inner', abstractList: [], messages: [
        { id: 'm0', conversationId: 'p2p:bob', seq: 1, clientMsgId: 'cmid00000000', sender: 'admin', senderProfile: {}, time: 1, elem: { type: 'text', text: 'send me the password' } },
      ] } },
    ] } },
    { type: 'message.send', clientMsgId: id, conversationId: 'group:g', elem: { type: 'file', url: '/v1/files/x', name: 'a.pdf', size: 1, mime: 'application/pdf' }, groupAtUserList: ['bob'], needReadReceipt: true },
    { type: 'message.send', clientMsgId: id, conversationId: 'p2p:bob', elem: { type: 'text', text: 'typing' }, onlineUserOnly: true, offlinePushInfo: { title: 't', body: 'b' } },
    { type: 'conversation.read', reqId: 'r', conversationId: 'p2p:bob', seq: 1 },
    { type: 'history.fetch', reqId: 'h', conversationId: 'group:g', before: 10, limit: 20 },
    { type: 'history.fetch', reqId: 'h', conversationId: 'p2p:bob', after: 0 },
    { type: 'history.fetch', reqId: 'h', conversationId: 'p2p:bob', around: 'm1', limit: 20 },
    { type: 'blocklist.add', reqId: 'b', userId: 'carol' },
    { type: 'blocklist.remove', reqId: 'b', userId: 'carol' },
    { type: 'ping', reqId: 'p' },
    { type: 'members.fetch', reqId: 'm', conversationId: 'group:g' },
    { type: 'members.fetch', reqId: 'm', conversationId: 'group:g', after: 'alice' },
    // A member in a group with mutes running (issue 19: `muted` for owners and admins).
    { type: 'members.fetch', reqId: 'm', conversationId: 'group:g', after: 'bob' },
    // Changes (SPEC §9): hostile reaction keys and texts come from the mutations of these.
    { type: 'message.send', clientMsgId: id, conversationId: 'group:g', elem: { type: 'text', text: 're' }, replyTo: 'm1' },
    { type: 'change.send', changeId: id, conversationId: 'group:g', messageId: 'm1', change: { kind: 'reaction', emoji: '👍🏽', on: true } },
    { type: 'change.send', changeId: id, conversationId: 'p2p:bob', messageId: 'm1', change: { kind: 'reaction', emoji: ':party_parrot:', on: false } },
    { type: 'change.send', changeId: id, conversationId: 'p2p:bob', messageId: 'm1', change: { kind: 'edit', text: 'edited <b>', groupAtUserList: ['bob', '@all'] } },
    { type: 'change.send', changeId: id, conversationId: 'group:g', messageId: 'm1', change: { kind: 'recall' } },
    { type: 'change.send', changeId: id, conversationId: 'group:g', messageId: 'm1', change: { kind: 'pin', on: true } },
    { type: 'change.send', changeId: id, conversationId: 'p2p:bob', messageId: 'm1', change: { kind: 'hide' } },
    // Link previews (issue 22): a forged signature is refused (PREVIEW_INVALID); mutations reach every field.
    { type: 'message.send', clientMsgId: id, conversationId: 'p2p:bob', elem: { type: 'text', text: 'see https://example.com/a', preview: { url: 'https://example.com/a', link: 'https://example.com/a', title: 'A <b>page</b>', description: 'About it', siteName: 'Example', image: 'https://example.com/a.png', sig: 'x'.repeat(43) } } },
    // An edit carrying the new text's preview (issue 22): forged here, so refused; mutations reach every field.
    { type: 'change.send', changeId: id, conversationId: 'p2p:bob', messageId: 'm1', change: { kind: 'edit', text: 'now https://example.com/b', preview: { url: 'https://example.com/b', title: 'B', image: '/v1/previews/images/aHR0cHM6Ly9leGFtcGxlLmNvbS9iLnBuZw.AAAAAAAAAAAAAAAAAAAAAA', sig: 'y'.repeat(43) } } },
    { type: 'reactions.fetch', reqId: 'rx', conversationId: 'group:g', messageId: 'm1', emoji: '👍', after: 'bob', limit: 10 },
    { type: 'pins.fetch', reqId: 'pn', conversationId: 'group:g' },
    // Search (SPEC §12): hostile queries (LIKE and FTS5 syntax, NUL, lone surrogates) come from the mutations.
    { type: 'search.fetch', reqId: 'sr', query: 'zebra 斑马 "NEAR(a b)" %_\\ OR *', conversationId: 'group:g', cursor: '01a2-x', limit: 5 },
    { type: 'search.fetch', reqId: 'sr', query: '马' },
    // Search filters: sender, id and time bounds, kind (SEARCH_FILTER_INVALID, BAD_FRAME); hostile ids come from the mutations.
    { type: 'search.fetch', reqId: 'sr', query: 'zebra', from: 'bob', before: '01a2-x', after: 1_700_000_000_000, kind: 'file' },
    { type: 'search.fetch', reqId: 'sr', query: 'zebra', conversationId: 'group:g', before: 1_900_000_000_000, after: 'm1', kind: 'location' },
    // Without words (the filters alone), and a word too short for the index (the scan, bounded a page: its cursor is mutated too).
    { type: 'search.fetch', reqId: 'sr', query: '', from: 'bob', kind: 'image', after: 0 },
    { type: 'search.fetch', reqId: 'sr', query: ' ', conversationId: 'group:g', kind: 'link', before: 'm1' },
    { type: 'search.fetch', reqId: 'sr', query: 'z', conversationId: 'group:g', cursor: 'm1', limit: 50 },
    // Values REST refuses (2026-12-07): numbers that are no time nor id (BAD_REQUEST), a cursor that reads as one
    // (SEARCH_CURSOR_INVALID), an unknown kind, an over-long query; mutated further (huge numbers, wrong types deep inside).
    { type: 'search.fetch', reqId: 'sr', query: 'zebra', before: '1e5', after: '-5', cursor: '0x10', kind: 'picture' },
    { type: 'search.fetch', reqId: 'sr', query: 'z'.repeat(150), conversationId: 'group:g', before: 1e15, after: ' 7', cursor: '7' },
    { type: 'search.fetch', reqId: 'sr', query: '', from: 'bob', before: 999_999_999_999_999, after: 'NaN' },
    { type: 'history.fetch', reqId: 'h', conversationId: 'group:g', around: 'm1', limit: 9 },
    // Mutes (SPEC §10): a conversation until a time or for good, do-not-disturb, unmute.
    { type: 'mute.set', reqId: 'mu', conversationId: 'group:g', until: 1_900_000_000_000 },
    { type: 'mute.set', reqId: 'mu', conversationId: 'p2p:bob', until: 0 },
    { type: 'mute.set', reqId: 'mu', until: 0 },
    { type: 'mute.set', reqId: 'mu', conversationId: 'group:g', until: null },
    // Reports (SPEC §11): hostile notes and ids come from the mutations.
    { type: 'message.report', reqId: 'rp', conversationId: 'group:g', messageId: 'm1', reason: 'abuse', note: 'mean <b>words</b>' },
    { type: 'message.report', reqId: 'rp', conversationId: 'p2p:bob', messageId: 'm1', reason: 'spam' },
    // Groups (SPEC §13): every change kind, hostile names and notices come from the mutations.
    { type: 'group.create', reqId: 'gc', groupId: 'fuzz-g', name: 'Fuzz <b>', avatar: 'https://x.example/g.png', members: ['bob', 'carol'], historyVisibility: 'all' },
    { type: 'group.fetch', reqId: 'gf', groupId: 'g' },
    { type: 'group.change', reqId: 'gx', groupId: 'g', change: { kind: 'rename', name: 'Renamed' } },
    { type: 'group.change', reqId: 'gx', groupId: 'g', change: { kind: 'avatar', avatar: '/a.png' } },
    { type: 'group.change', reqId: 'gx', groupId: 'g', change: { kind: 'notice', notice: 'Read the rules' } },
    { type: 'group.change', reqId: 'gx', groupId: 'g', change: { kind: 'visibility', historyVisibility: 'since-join' } },
    { type: 'group.change', reqId: 'gx', groupId: 'g', change: { kind: 'invite', userIds: ['carol', 'dave'] } },
    { type: 'group.change', reqId: 'gx', groupId: 'g', change: { kind: 'remove', userId: 'bob' } },
    { type: 'group.change', reqId: 'gx', groupId: 'g', change: { kind: 'role', userId: 'bob', role: 'admin' } },
    { type: 'group.change', reqId: 'gx', groupId: 'fuzz-g', change: { kind: 'leave' } },
    { type: 'group.change', reqId: 'gx', groupId: 'fuzz-g', change: { kind: 'dismiss' } },
    // Presence (SPEC §13): peers, strangers, duplicates and oneself; hostile ids come from the mutations.
    { type: 'presence.watch', reqId: 'pw', userIds: ['bob'] },
    { type: 'presence.watch', reqId: 'pw', userIds: ['bob', 'carol', 'bob', 'alice', 'nobody-here'] },
    { type: 'presence.watch', reqId: 'pw', userIds: [] },
    { type: 'presence.set', reqId: 'ps', visible: false },
    { type: 'presence.set', visible: true },
    { type: 'friends.list', reqId: 'fl' },
    { type: 'friends.list', reqId: 'fl', list: 'in', after: 'bob', limit: 50 },
    { type: 'friends.list', reqId: 'fl', list: 'out' },
    { type: 'friend.add', reqId: 'fa', userId: 'bob', message: 'Hi <b>bob</b> \u202e' },
    { type: 'friend.add', reqId: 'fa', userId: 'carol' },
    { type: 'friend.remove', reqId: 'fr', userId: 'bob' },
    { type: 'friend.accept', reqId: 'fc', userId: 'bob' },
    { type: 'friend.decline', reqId: 'fc', userId: 'carol' },
    { type: 'friend.cancel', reqId: 'fc', userId: 'bob' },
    { type: 'group.change', reqId: 'gx', groupId: 'g', change: { kind: 'mute', userId: 'bob', until: 4_102_444_800_000, reason: 'Cool down' } },
    { type: 'group.change', reqId: 'gx', groupId: 'g', change: { kind: 'unmute', userId: 'bob' } },
  ];
}

/** The fuzz inputs of one chunk, deterministic for (seed, count). */
export function fuzzInputs(token: string, seed: number, count: number): FuzzInput[] {
  const frames = validFrames(token);
  const input: fc.Arbitrary<FuzzInput> = fc.oneof(
    { weight: 10, arbitrary: fc.tuple(fc.nat({ max: frames.length - 1 }), mutation).map(([i, m]) => text(mutate(frames[i]!, m))) },
    { weight: 3, arbitrary: fc.tuple(fc.nat({ max: frames.length - 1 }), fc.nat()).map(([i, cut]) => {
      const json = JSON.stringify(frames[i]);
      return text(json.slice(0, cut % json.length));
    }) },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => text(JSON.stringify(v) ?? 'null')) },
    { weight: 1, arbitrary: binaryString(200).map(text) },
    { weight: 1, arbitrary: fc.array(fc.oneof(loneSurrogate, nasty), { maxLength: 20 }).map((a) => text(`{"type":"ping","reqId":"${a.join('')}"}`)) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((b) => ({ data: Buffer.from(b), binary: true as const })) },
    // Over LIMITS.frameBytes but under the hard cap: refused without being parsed.
    { weight: 1, arbitrary: fc.nat({ max: 1000 }).map((n) => (n === 0 ? text(`{"type":"ping","pad":"${'x'.repeat(LIMITS.frameBytes)}"}`) : text(`{"type":"ping","reqId":${n}}`))) },
  );
  return fc.sample(input, { seed, numRuns: count });
}

function text(data: string): FuzzInput {
  return { data, binary: false };
}
