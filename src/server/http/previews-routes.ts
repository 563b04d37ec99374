import type { FastifyInstance } from 'fastify';
import * as v from 'valibot';
import { ChatError } from '../../protocol/index.js';
import type { ChatCore } from '../core/chat-core.js';
import type { RateLimiter } from '../core/rate-limiter.js';
import { PREVIEW_IMAGE_PATH } from '../previews/preview-images.js';
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
  previewImagesRoute(app, core);
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

/**
 * `GET /v1/previews/images/<key>` (no token: an `<img>` asks for it): a link preview's picture,
 * proxied (`images: 'proxy'`). The key is the picture's URL signed by this server, so only
 * pictures it put on previews are served (403 PREVIEW_IMAGE_INVALID for any other key: no open
 * proxy). The picture is fetched again through the guards when it is not in the cache: 422
 * PREVIEW_IMAGE_REFUSED when its address is no longer public, 502 PREVIEW_IMAGE_UNAVAILABLE when
 * it cannot be had or is not a PNG, JPEG, GIF or WebP within the size cap. A wildcard, not a
 * `:key` parameter: a key carries a URL, longer than fastify's `maxParamLength`.
 */
function previewImagesRoute(app: FastifyInstance, core: ChatCore): void {
  app.get(`${PREVIEW_IMAGE_PATH}*`, async (req, reply) => {
    const images = core.linkPreviews?.images;
    if (!images) throw new ChatError('NOT_FOUND', 'Link preview pictures are not proxied on this server.');
    const url = images.urlOf((req.params as { '*'?: string })['*'] ?? '');
    const image = await images.image(url);
    return reply.headers({
      // The type the bytes are, never the remote server's word; nothing in it may run or load.
      'content-type': image.type,
      'content-length': image.body.length,
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'",
      'referrer-policy': 'no-referrer',
      // Pages embedding the widget may isolate themselves (COEP): the picture is meant for them.
      'cross-origin-resource-policy': 'cross-origin',
      'cache-control': 'public, max-age=86400',
    }).send(image.body);
  });
}
