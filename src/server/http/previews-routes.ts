import type { FastifyInstance } from 'fastify';
import * as v from 'valibot';
import { ChatError } from '../../protocol/index.js';
import type { ChatCore } from '../core/chat-core.js';
import type { RateLimiter } from '../core/rate-limiter.js';
import { requestUser } from '../uploads/uploads.js';
import { parse } from './validate.js';

const PreviewBody = v.object({ url: v.pipe(v.string(), v.minLength(1), v.maxLength(2048)) });

/**
 * `POST /v1/previews` `{url}` with `Authorization: Bearer <user token>`: the signed preview of a
 * public web page (`{preview: {url, link?, title?, description?, siteName?, image?, sig}}`) for
 * the sender to put on the text message that links it. 422 PREVIEW_REFUSED for a target that is
 * not public http(s) on an allowed port (checked again on every redirect and on the address
 * connected to), 422 PREVIEW_UNAVAILABLE when the page cannot be had, 429 RATE_LIMITED past the
 * user's rate (the uploads' limiter, its own bucket), 404 when previews are off.
 */
export function previewsRoutes(app: FastifyInstance, core: ChatCore, limiter: RateLimiter | undefined): void {
  app.post('/v1/previews', async (req) => {
    const userId = await requestUser(core, req);
    const previews = core.linkPreviews;
    if (!previews) throw new ChatError('NOT_FOUND', 'Link previews are turned off on this server.');
    const { url } = parse(PreviewBody, req.body);
    if (limiter) {
      const decision = await limiter.consume(`preview:${userId}`, core.clock());
      if (!decision.ok) throw new ChatError('RATE_LIMITED', 'Too many previews. Try again shortly.', { retryAfterMs: decision.retryAfterMs });
    }
    return { preview: await previews.preview(url) };
  });
}
