import * as v from 'valibot';
import { ChatError, storedText } from '../../protocol/index.js';

/**
 * Blank to the eye: white space, format characters (zero-width, bidi controls, soft hyphen) and
 * the letters fonts draw as nothing (Hangul fillers, the blank Braille pattern, Khmer and Mongolian
 * vowel carriers). A group named with these alone lists as an empty row, or as a blank beside
 * another group's. Checked by the server only: the widget's dialogs trim their spaces, and the
 * check would weigh on every page that loads the group frames.
 */
const BLANK = /^[\s\p{Cf}\p{Zs}\u034f\u115f\u1160\u17b4\u17b5\u180e\u2800\u3164\uffa0]*$/u;
const ISSUE = 'a name needs a visible character';

/** A group's name over REST: {@link storedText} holding at least one visible character (else BAD_REQUEST). */
export const visibleName = (max: number) => v.pipe(storedText(max), v.check((s: string) => !BLANK.test(s), ISSUE));

/** Refuses a `group.create` or rename whose name shows nothing: BAD_FRAME, as the frame's other faults. */
export function checkGroupName(name: string | undefined): void {
  if (name !== undefined && BLANK.test(name)) throw new ChatError('BAD_FRAME', `Invalid frame at name: ${ISSUE}.`);
}
