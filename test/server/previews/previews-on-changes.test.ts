/**
 * Link previews on replies and edits, over WebSocket through the real server and a local web
 * server on 127.0.0.1 (the loopback test switch): a reply carries a signed preview like any text;
 * an edit carries the new text's preview (or none, which drops it), checked like a send's
 * (PREVIEW_INVALID), delivered in the edit event once, folded into history, and replayed to a
 * device that was away.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { Change, ConversationId, LinkPreview, Message, ServerFrame } from '../../../src/protocol/index.js';
import { PROTOCOL_VERSION } from '../../../src/protocol/index.js';
import { cmid, createUsers, startServer, type TestServer } from '../helpers/test-server.js';
import type { TestSocket } from '../helpers/ws-client.js';

let site: http.Server;
let base = '';
let port = 0;

before(async () => {
  site = http.createServer((req, res) => {
    const name = /^\/(\w+)$/.exec(req.url ?? '')?.[1];
    if (!name) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'text/html' }).end(`<html><head><meta property="og:title" content="Page ${name}"><meta property="og:site_name" content="Local"></head></html>`);
  });
  await new Promise<void>((r) => site.listen(0, '127.0.0.1', r));
  port = (site.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
});
after(() => new Promise<void>((r) => site.close(() => r())));

describe('link previews on replies and edits', () => {
  let t: TestServer;
  before(async () => {
    t = await startServer({ linkPreviews: { allowLoopback: true, ports: [port] } });
    await createUsers(t, 'alice', 'bob');
  });
  after(() => t.stop());

  const previewOf = async (url: string): Promise<LinkPreview> => {
    const res = await t.rest('POST', '/v1/previews', { url }, await t.token('alice'));
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body.preview as LinkPreview;
  };

  async function send(s: TestSocket, fields: Record<string, unknown>) {
    const clientMsgId = cmid();
    s.send({ type: 'message.send', clientMsgId, conversationId: 'p2p:bob', ...fields });
    return s.nextOf(['message.ack', 'message.error']);
  }

  async function edit(s: TestSocket, messageId: string, c: Change) {
    s.send({ type: 'change.send', changeId: cmid(), conversationId: 'p2p:bob', messageId, change: c });
    return s.nextOf(['change.ack', 'change.error']);
  }

  const history = async (): Promise<Map<string, Message>> => {
    const page = await t.rest('GET', '/v1/users/bob/conversations/p2p:alice/messages');
    return new Map(page.body.messages.map((m: Message) => [m.id, m]));
  };

  it('commits a reply carrying a signed preview, and refuses a reply with a forged one', async () => {
    const alice = await t.login('alice');
    const bob = await t.login('bob');
    const first = await send(alice, { elem: { type: 'text', text: 'plans?' } });
    assert.equal(first.type, 'message.ack');
    const preview = await previewOf(`${base}/menu`);
    const text = `this one: ${base}/menu`;
    const reply = await send(alice, { elem: { type: 'text', text, preview }, replyTo: (first as { id: string }).id });
    assert.equal(reply.type, 'message.ack');
    const got = await bob.next('message.new', (f) => f.message.id === (reply as { id: string }).id);
    assert.equal(got.message.replyTo?.messageId, (first as { id: string }).id);
    assert.deepEqual((got.message.elem as { preview?: LinkPreview }).preview, preview);
    assert.deepEqual((await history()).get((reply as { id: string }).id)!.elem, { type: 'text', text, preview });

    const forged = await send(alice, { elem: { type: 'text', text, preview: { ...preview, title: 'Free money' } }, replyTo: (first as { id: string }).id });
    assert.deepEqual([forged.type, (forged as { name?: string }).name], ['message.error', 'PREVIEW_INVALID']);
    alice.close();
    bob.close();
  });

  it('an edit changing the link carries the new signed preview: delivered once in the edit event, folded into history, replayed to a device that was away', async () => {
    const alice = await t.login('alice');
    const bob = await t.login('bob');
    const a = await previewOf(`${base}/first`);
    const sent = await send(alice, { elem: { type: 'text', text: `see ${base}/first`, preview: a } });
    assert.equal(sent.type, 'message.ack');
    const { id, seq } = sent as { id: string; seq: number };
    await bob.next('message.new', (f) => f.message.id === id);

    const b = await previewOf(`${base}/second`);
    const newText = `sorry, I meant ${base}/second`;
    const ack = await edit(alice, id, { kind: 'edit', text: newText, preview: b });
    assert.equal(ack.type, 'change.ack');
    const event = await bob.next('message.new', (f) => f.message.elem.type === 'change' && f.message.elem.target === id);
    assert.deepEqual(event.message.elem, { type: 'change', target: id, change: { kind: 'edit', text: newText, preview: b } });
    await bob.roundTrip();
    assert.equal(bob.pending('message.new').filter((f) => f.message.elem.type === 'change' && f.message.elem.target === id).length, 0, 'exactly once');
    const edited = (await history()).get(id)!;
    assert.deepEqual(edited.elem, { type: 'text', text: newText, preview: b });
    assert.ok(edited.edited);

    // bob's phone was away since the message: it gets the edit, with its preview, once.
    const phone = await t.connect();
    phone.send({ type: 'session.open', protocol: PROTOCOL_VERSION, token: await t.token('bob'), cursors: { 'p2p:alice': seq } });
    const frames: ServerFrame[] = await phone.until('sync.done');
    const replayed = frames.flatMap((f) => (f.type === 'sync.messages' && f.conversationId === 'p2p:alice' ? f.messages : []));
    const edits = replayed.filter((m) => m.elem.type === 'change' && m.elem.target === id);
    assert.equal(edits.length, 1);
    assert.deepEqual((edits[0]!.elem as { change: unknown }).change, { kind: 'edit', text: newText, preview: b });
    phone.close();
    alice.close();
    bob.close();
  });

  it('an edit without a preview drops it; an edit keeping the link may keep the same preview', async () => {
    const alice = await t.login('alice');
    const a = await previewOf(`${base}/kept`);
    const sent = (await send(alice, { elem: { type: 'text', text: `${base}/kept`, preview: a } })) as { id: string };
    assert.equal((await edit(alice, sent.id, { kind: 'edit', text: `${base}/kept (still)`, preview: a })).type, 'change.ack');
    assert.deepEqual((await history()).get(sent.id)!.elem, { type: 'text', text: `${base}/kept (still)`, preview: a });
    assert.equal((await edit(alice, sent.id, { kind: 'edit', text: 'no link any more' })).type, 'change.ack');
    assert.deepEqual((await history()).get(sent.id)!.elem, { type: 'text', text: 'no link any more' });
    alice.close();
  });

  it('refuses an edit whose preview is forged, or for a link not in the new text (PREVIEW_INVALID), and leaves the message as it was', async () => {
    const alice = await t.login('alice');
    const a = await previewOf(`${base}/stays`);
    const text = `${base}/stays`;
    const sent = (await send(alice, { elem: { type: 'text', text, preview: a } })) as { id: string };
    for (const [label, c] of [
      ['link not in the new text', { kind: 'edit', text: 'something else', preview: a }],
      ['forged title', { kind: 'edit', text, preview: { ...a, title: 'Forged' } }],
      ['forged picture', { kind: 'edit', text, preview: { ...a, image: 'https://evil.example/track.png' } }],
      ['made up', { kind: 'edit', text: 'https://example.com/', preview: { url: 'https://example.com/', sig: 'x'.repeat(43) } }],
    ] as const) {
      const answer = await edit(alice, sent.id, c as Change);
      assert.deepEqual([answer.type, (answer as { name?: string }).name, (answer as { code?: number }).code], ['change.error', 'PREVIEW_INVALID', 4022], label);
    }
    assert.deepEqual((await history()).get(sent.id)!.elem, { type: 'text', text, preview: a });
    alice.close();
  });
});
