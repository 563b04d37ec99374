import * as v from 'valibot';
import { maxBytes, UrlSchema } from './fields.js';

const PreviewText = v.optional(maxBytes(2400));

/**
 * A link's preview, fetched and signed by the server (`POST /v1/previews`), carried by the text
 * that links it, and by an edit of that text (`change.edit.preview`). A module of its own: both
 * `./elems.ts` and `./changes.ts` (which `./elems.ts` imports) use it.
 */
export const LinkPreviewSchema = v.object({
  /** The page (after redirects). */
  url: UrlSchema,
  /** The link as written in the text, when it differs from `url`. */
  link: v.optional(UrlSchema),
  title: PreviewText,
  description: PreviewText,
  siteName: PreviewText,
  /** The page's picture: its own URL (`images: keep`) or the server's path (`/v1/previews/images/…`, `images: proxy`). */
  image: v.optional(UrlSchema),
  /** The server's signature (checked on send and on edit: PREVIEW_INVALID). */
  sig: v.pipe(v.string(), v.maxLength(64)),
});
export type LinkPreview = v.InferOutput<typeof LinkPreviewSchema>;
