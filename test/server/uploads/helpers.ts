import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { cmid, type TestServer } from '../helpers/test-server.js';
import type { TestSocket } from '../helpers/ws-client.js';

export interface Uploaded {
  url: string;
  id: string;
  size: number;
  mime: string;
}

/** `POST /v1/uploads` as `user`; the body's length is declared unless `chunked`. */
export async function upload(
  t: TestServer,
  user: string,
  body: Uint8Array,
  opts: { conversationId?: string; mime?: string; chunked?: boolean } = {},
): Promise<{ status: number; body: any }> {
  const q = new URLSearchParams({ conversationId: opts.conversationId ?? 'group:g', name: 'a.png' });
  const headers = { 'content-type': opts.mime ?? 'image/png', authorization: `Bearer ${await t.token(user)}` };
  const payload = opts.chunked
    ? new ReadableStream<Uint8Array>({ start(c) { c.enqueue(body); c.close(); } })
    : (body as Uint8Array<ArrayBuffer>);
  const res = await fetch(`${t.url}/v1/uploads?${q}`, { method: 'POST', headers, body: payload, ...(opts.chunked && { duplex: 'half' }) } as RequestInit);
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** Sends an image message carrying `f`: `ack`, `duplicate` (an ack of an earlier message) or the error's name. */
export async function sendImage(s: TestSocket, conversationId: string, f: Uploaded, clientMsgId = cmid()): Promise<string> {
  s.send({ type: 'message.send', clientMsgId, conversationId, elem: { type: 'image', url: f.url, width: 1, height: 1, size: f.size, mime: f.mime } });
  const answer = await s.nextOf(['message.ack', 'message.error']);
  assert.equal(answer.clientMsgId, clientMsgId);
  if (answer.type === 'message.ack') return answer.duplicate ? 'duplicate' : 'ack';
  return String(answer.name);
}

/** Names of the files under the upload directory (temporaries included). */
export function storedFiles(t: TestServer): string[] {
  try {
    return readdirSync(join(t.dataDir, 'uploads'), { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).map((d) => d.name);
  } catch {
    return [];
  }
}

/** Polls `check` until it holds, failing with `what` after `ms`. */
export async function eventually(what: string, check: () => boolean | Promise<boolean>, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    assert.ok(Date.now() < deadline, what);
    await new Promise((r) => setTimeout(r, 25));
  }
}
