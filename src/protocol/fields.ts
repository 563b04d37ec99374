import * as v from 'valibot';
import { utf8Length } from './limits.js';

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
export const UrlSchema = v.pipe(v.string(), v.maxLength(2048), v.regex(/^(https?:\/\/|\/(?![/\\]))[^\s\\]*$/i, 'invalid url'));
