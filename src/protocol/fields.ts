import * as v from 'valibot';
import { utf8Length } from './limits.js';

/** A per-conversation sequence number, or a count: an integer ≥ 0. */
export const SeqSchema = v.pipe(v.number(), v.integer(), v.minValue(0));

/** The id a client gives a request, which its answer (or error) echoes. */
export const ReqIdSchema = v.pipe(v.string(), v.maxLength(64));

/** A string of at most `max` UTF-8 bytes. */
export const maxBytes = (max: number) =>
  v.pipe(
    v.string(),
    v.check((s) => utf8Length(s) <= max, `longer than ${max} bytes`),
  );

/**
 * URLs of media and avatars: http(s) or a same-origin path. Never `javascript:` or `data:`, and
 * never a path a browser reads as another host (`//host`, `/\host`): no backslash anywhere.
 */
export const UrlSchema = v.pipe(v.string(), v.maxLength(2048), v.regex(/^(https?:\/\/|\/(?![/\\]))[^\s\\\u0000-\u001f\u007f]*$/i, 'invalid url'));
