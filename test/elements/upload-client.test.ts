import { expect, waitUntil } from '@open-wc/testing';
import { createChatClient } from '../../src/client/index.js';
import { createIdbStorage } from '../../src/client/storage-idb.js';
import type { ChatClient, ChatMessage } from '../../src/client/types.js';
import { ChatError, LIMITS, type ConversationId, type ImageElem } from '../../src/protocol/index.js';
import { closeClients, connect, tokenFor, uniqueUser } from './helpers.js';
import { apiBaseOf } from '../../src/client/files.js';
import { uploadFile } from '../../src/client/upload.js';

/** A real PNG of the given size, drawn in a canvas. */
async function png(width: number, height: number): Promise<Blob> {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = '#c33';
  ctx.fillRect(0, 0, width, height);
  return new Promise((resolve) => canvas.toBlob((b) => resolve(b!), 'image/png'));
}

/** A file big enough that an upload is still running when a test acts on it. */
const bulky = () => new Blob([new Uint8Array(8 * 1024 * 1024).fill(7)], { type: 'application/zip' });

const mine = (client: ChatClient, conversationId: ConversationId, clientMsgId: string) =>
  client.messages(conversationId).get().filter((m) => m.clientMsgId === clientMsgId);

/** Resolves with the clientMsgId of the first upload `client` reports, right when it starts. */
function firstUpload(client: ChatClient): Promise<string> {
  return new Promise((resolve) => {
    const off = client.$uploads.subscribe((uploads) => {
      const id = Object.keys(uploads)[0];
      if (id) {
        queueMicrotask(() => off());
        resolve(id);
      }
    });
  });
}

/** A short real WebM of 64 × 48, recorded from a canvas. */
async function webm(): Promise<Blob> {
  const canvas = document.createElement('canvas');
  canvas.width = 64;
  canvas.height = 48;
  const ctx = canvas.getContext('2d')!;
  const stream = canvas.captureStream(25);
  const recorder = new MediaRecorder(stream, { mimeType: 'video/webm' });
  const chunks: Blob[] = [];
  recorder.ondataavailable = (e) => chunks.push(e.data);
  const stopped = new Promise((resolve) => (recorder.onstop = resolve));
  recorder.start();
  for (let i = 0; i < 12; i++) {
    ctx.fillStyle = i % 2 ? '#c33' : '#33c';
    ctx.fillRect(0, 0, 64, 48);
    await new Promise((r) => setTimeout(r, 40));
  }
  recorder.stop();
  await stopped;
  return new Blob(chunks, { type: 'video/webm' });
}

describe('client uploads (sendFile) against the real server', () => {
  let alice: string;
  let bob: string;
  let bobClient: ChatClient;
  beforeEach(async () => {
    alice = uniqueUser('alice');
    bob = uniqueUser('bob');
    bobClient = await connect(bob, 'Bob');
  });
  afterEach(() => closeClients());

  /** Uploads `blob` as prepareFile queues a file when the upload code cannot load (offline): unprobed. */
  async function uploadUnprobed(blob: Blob, name: string, kind: 'image' | 'video') {
    const { token, url } = await tokenFor(alice);
    const upload = { blob, name, mime: blob.type, kind, unprobed: {} };
    const entry = { clientMsgId: `c-${alice}`, conversationId: `p2p:${bob}` as ConversationId, options: {}, createdAt: Date.now(), state: 'pending' as const, upload };
    return uploadFile(entry, upload, { apiBase: apiBaseOf(url), token: async () => token, signal: new AbortController().signal, onProgress: () => {} });
  }

  it('refuses an image of 28 MB + 1 byte before uploading or queuing anything (FILE_TOO_LARGE)', async () => {
    const client = await connect(alice);
    const big = new Blob([new Uint8Array(LIMITS.imageBytes + 1)], { type: 'image/png' });
    let error: unknown;
    await client.sendFile(`p2p:${bob}`, big).catch((e: unknown) => (error = e));
    expect(error).to.be.instanceOf(ChatError);
    expect((error as ChatError).name).to.equal('FILE_TOO_LARGE');
    expect(client.messages(`p2p:${bob}`).get()).to.deep.equal([]);
    expect(client.$uploads.get()).to.deep.equal({});
  });

  it('measures a picture queued unmeasured (sent offline before the upload code could load) when it uploads it: the elem has its size, not 0 × 0', async () => {
    const { token, url } = await tokenFor(alice);
    const elem = await uploadUnprobed(await png(640, 360), 'offline.png', 'image');
    expect([elem.type, (elem as ImageElem).width, (elem as ImageElem).height]).to.deep.equal(['image', 640, 360]);
  });

  it('sends a "picture" queued unprobed that the browser cannot decode as a file when it uploads it, as it would have online (not an image of 0 × 0)', async () => {
    const elem = await uploadUnprobed(new File([new Uint8Array(2048).fill(9)], 'broken.png', { type: 'image/png' }), 'broken.png', 'image');
    expect([elem.type, elem.type === 'file' && elem.name]).to.deep.equal(['file', 'broken.png']);
  });

  it('gives a video queued unprobed its first frame as poster when it uploads it (was sent without one)', async () => {
    const elem = await uploadUnprobed(await webm(), 'clip.webm', 'video');
    expect(elem.type).to.equal('video');
    const snapshot = elem.type === 'video' ? elem.snapshot : undefined;
    expect(snapshot?.url).to.match(/^http:\/\/127\.0\.0\.1:\d+\/v1\/files\//);
    expect([snapshot?.width, snapshot?.height]).to.deep.equal([64, 48]);
  });

  it('shows an image at once from its Blob with its probed size, reports progress, then delivers it with a URL the peer can fetch', async () => {
    const client = await connect(alice);
    const progress: number[] = [];
    client.$uploads.listen((u) => Object.values(u).forEach((p) => progress.push(p.loaded)));
    const image = await png(40, 30);
    // The message as it is first shown (a poll could come after the upload already replaced the preview).
    const shown = new Promise<ChatMessage>((resolve) => {
      const off = client.messages(`p2p:${bob}`).listen((list) => {
        if (list.length === 0) return;
        queueMicrotask(() => off());
        resolve(list[0]!);
      });
    });
    const sending = client.sendFile(`p2p:${bob}`, image);
    const local = await shown;
    expect(local.status).to.equal('sending');
    const preview = local.elem as ImageElem;
    expect([preview.type, preview.width, preview.height, preview.size, preview.mime]).to.deep.equal(['image', 40, 30, image.size, 'image/png']);
    expect(preview.url.startsWith('blob:')).to.equal(true);

    const sent = await sending;
    expect(sent.status).to.equal('sent');
    const elem = sent.elem as ImageElem;
    expect(elem.url).to.match(/^http:\/\/127\.0\.0\.1:\d+\/v1\/files\/[0-9a-f-]{36}\/image\.png$/);
    expect([elem.width, elem.height]).to.deep.equal([40, 30]);
    expect(progress.length).to.be.greaterThan(0);
    expect(client.$uploads.get()).to.deep.equal({});

    await waitUntil(() => bobClient.messages(`p2p:${alice}`).get().some((m) => m.clientMsgId === sent.clientMsgId), 'bob receives it');
    const received = bobClient.messages(`p2p:${alice}`).get().find((m) => m.clientMsgId === sent.clientMsgId)! as ChatMessage;
    const url = (received.elem as ImageElem).url;
    // The file's own ticket, once its batch has arrived ('' until then).
    await waitUntil(() => bobClient.fileUrl(url) !== '', 'the file ticket arrives');
    const res = await fetch(bobClient.fileUrl(url));
    expect([res.status, res.headers.get('content-type')]).to.deep.equal([200, 'image/png']);
    expect((await res.blob()).size).to.equal(image.size);
    expect((await fetch(url)).status).to.equal(401);
    // Other URLs pass through untouched.
    expect(bobClient.fileUrl('https://cdn.example.com/cat.png')).to.equal('https://cdn.example.com/cat.png');
  });

  it('cancels an upload: the message fails with UPLOAD_CANCELLED, and resend uploads again and delivers it once', async () => {
    const client = await connect(alice);
    const started = firstUpload(client);
    const sending = client.sendFile(`p2p:${bob}`, bulky(), { name: 'data.zip' });
    const id = await started;
    client.cancelUpload(id);
    let error: unknown;
    await sending.catch((e: unknown) => (error = e));
    expect((error as ChatError).name).to.equal('UPLOAD_CANCELLED');
    const [failed] = mine(client, `p2p:${bob}`, id);
    expect([failed!.status, failed!.error?.name, failed!.elem.type]).to.deep.equal(['failed', 'UPLOAD_CANCELLED', 'file']);

    const sent = await client.resend(id);
    expect([sent.status, sent.elem.type === 'file' && sent.elem.name]).to.deep.equal(['sent', 'data.zip']);
    await waitUntil(() => mine(bobClient, `p2p:${alice}`, id).length === 1, 'bob receives it');
    expect(mine(client, `p2p:${bob}`, id).length).to.equal(1);
  });

  it('keeps a message whose upload a reload interrupted, with its Blob, and the reloaded page uploads and delivers it exactly once', async () => {
    const { token, url } = await tokenFor(alice);
    const dbName = `natter-upload-test-${alice}`;
    const first = createChatClient({ url, token, storage: createIdbStorage(dbName) });
    await waitUntil(() => first.$sync.get() === 'synced', 'first page syncs');
    const started = firstUpload(first);
    const file = bulky();
    void first.sendFile(`p2p:${bob}`, file, { name: 'reload.zip' }).catch(() => undefined);
    const id = await started;
    await first.close(); // the page goes away mid-upload

    const second = createChatClient({ url, token, storage: createIdbStorage(dbName) });
    try {
      // Shown from the outbox at once, from the Blob it kept, before any network.
      await waitUntil(() => mine(second, `p2p:${bob}`, id).length === 1, 'the message is back after the reload');
      const [back] = mine(second, `p2p:${bob}`, id);
      expect(back!.elem.type === 'file' && back!.elem.size).to.equal(file.size);
      await waitUntil(() => mine(second, `p2p:${bob}`, id)[0]?.status === 'sent', 'the reloaded page uploads and sends it');
      await waitUntil(() => mine(bobClient, `p2p:${alice}`, id).length === 1, 'bob receives it');
      const [delivered] = mine(bobClient, `p2p:${alice}`, id);
      const deliveredUrl = (delivered!.elem as { url: string }).url;
      await waitUntil(() => bobClient.fileUrl(deliveredUrl) !== '', 'the file ticket arrives');
      const res = await fetch(bobClient.fileUrl(deliveredUrl));
      expect((await res.blob()).size).to.equal(file.size);
      expect(mine(second, `p2p:${bob}`, id).length).to.equal(1);
    } finally {
      await second.close();
    }
  });

  it('keeps a cancelled upload failed across a reload, previewed from its Blob; resend re-uploads and delivers it once', async () => {
    const { token, url } = await tokenFor(alice);
    const dbName = `natter-upload-test-${alice}-failed`;
    const first = createChatClient({ url, token, storage: createIdbStorage(dbName) });
    await waitUntil(() => first.$sync.get() === 'synced', 'first page syncs');
    const image = await png(20, 10);
    const started = firstUpload(first);
    const sending = first.sendFile(`p2p:${bob}`, image).catch((e: ChatError) => e);
    const id = await started;
    first.cancelUpload(id);
    expect((await sending as ChatError).name).to.equal('UPLOAD_CANCELLED');
    await first.close();

    const second = createChatClient({ url, token, storage: createIdbStorage(dbName) });
    try {
      await waitUntil(() => second.$sync.get() === 'synced', 'second page syncs');
      const [back] = mine(second, `p2p:${bob}`, id);
      expect([back!.status, back!.error?.name]).to.deep.equal(['failed', 'UPLOAD_CANCELLED']);
      const preview = back!.elem as ImageElem;
      expect([preview.url.startsWith('blob:'), preview.width, preview.height]).to.deep.equal([true, 20, 10]);
      expect((await fetch(preview.url)).ok).to.equal(true);
      const sent = await second.resend(id);
      expect(sent.status).to.equal('sent');
      await waitUntil(() => mine(bobClient, `p2p:${alice}`, id).length === 1, 'bob receives it');
      expect(mine(second, `p2p:${bob}`, id).length).to.equal(1);
    } finally {
      await second.close();
    }
  });
});
