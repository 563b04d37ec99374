/**
 * Short texts kept in a text column: no C0 control character. A module of its own, apart from
 * `./fields.ts`: only the frames of features loaded on first use (groups, friends, reports) and the
 * server use it, so in the script tag it comes with those, not in the first paint's chunk.
 */
import * as v from 'valibot';
import { maxBytes } from './fields.js';

/**
 * The issue a C0 control character in a short text draws (see {@link storedText}); decoders answer
 * it `TEXT_NUL` (4041, 422) when it is the frame's or body's only fault, the code PostgreSQL's
 * refusal of U+0000 maps to, so both stores and both transports answer alike (`./frame-decode.ts`
 * compares with it as a literal, so the script tag's first paint does not import this module).
 */
export const TEXT_CONTROL_ISSUE = 'TEXT_NUL';

const CONTROL = /[\u0000-\u001f]/;
const CONTROL_BUT_LINES = /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/;

/**
 * A string of at most `max` UTF-8 bytes (`maxBytes`) kept in a text column (a name, a reason, a word, a
 * notice, a broadcast): no C0 control character (U+0000–U+001F); with `lines`, tab, line feed and
 * carriage return pass (notices, reasons, notes, broadcasts). PostgreSQL cannot store U+0000 and
 * SQLite can: refused at decode, both stores hold the same texts. Message text (stored as JSON)
 * is not held to it.
 */
/* @__NO_SIDE_EFFECTS__ */
export function storedText(max: number, lines = false) {
  return v.pipe(maxBytes(max), noControls(lines));
}

/** {@link storedText}'s check alone, for a string bounded otherwise (in characters). */
/* @__NO_SIDE_EFFECTS__ */
export function noControls(lines = false) {
  return v.check((s: string) => !(lines ? CONTROL_BUT_LINES : CONTROL).test(s), TEXT_CONTROL_ISSUE);
}
