/**
 * `client.linkPreview(url)`: asks the server (`POST /v1/previews`) for the signed preview of a
 * page, to put on the text message that links it (`{type: 'text', text, preview}`). Imported the
 * first time a preview is asked for, so the first paint does not carry it.
 */
import type { LinkPreview } from '../protocol/elems.js';
import { ChatError, type ErrorBody } from '../protocol/error-codes.js';

export async function fetchLinkPreview(apiBase: string, token: () => Promise<string>, url: string): Promise<LinkPreview> {
  let res: Response;
  try {
    res = await fetch(`${apiBase}/v1/previews`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await token()}`, 'content-type': 'application/json' },
      body: JSON.stringify({ url }),
    });
  } catch {
    throw new ChatError('PREVIEW_UNAVAILABLE');
  }
  const body = (await res.json().catch(() => undefined)) as { preview?: LinkPreview } | ErrorBody | undefined;
  if (res.ok && body && 'preview' in body && body.preview) return body.preview;
  if (body && typeof (body as ErrorBody).code === 'number') throw ChatError.from(body as ErrorBody);
  throw new ChatError('PREVIEW_UNAVAILABLE', `The server answered ${res.status}.`);
}
