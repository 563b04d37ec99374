import * as v from 'valibot';
import { ChatError, TEXT_CONTROL_ISSUE } from '../../protocol/index.js';

/** Validates a request part; a mismatch is BAD_REQUEST naming the first bad field. */
export function parse<T>(schema: v.GenericSchema<unknown, T>, value: unknown): T {
  const result = v.safeParse(schema, value);
  if (result.success) return result.output;
  const issue = result.issues[0];
  // A control character in a stored text, the body being otherwise valid: the code PostgreSQL's refusal maps to.
  if (result.issues.every((i) => i.message === TEXT_CONTROL_ISSUE)) throw new ChatError('TEXT_NUL');
  const path = issue.path?.map((p) => String(p.key)).join('.') ?? '';
  const tooLarge = issue.message.startsWith('longer than') || issue.message === 'FILE_TOO_LARGE';
  return thrower(tooLarge ? 'MESSAGE_TOO_LARGE' : 'BAD_REQUEST', `Invalid request${path ? ` at ${path}` : ''}: ${issue.message}.`);
}

function thrower(name: 'MESSAGE_TOO_LARGE' | 'BAD_REQUEST', message: string): never {
  throw new ChatError(name, message);
}

/** `?n=` query numbers: absent, or a non-negative integer. */
export const QueryInt = v.optional(v.pipe(v.string(), v.regex(/^\d{1,15}$/), v.transform(Number)));

/** `?limit=`: absent, or a page size from 1 to `max` (0 or more is BAD_REQUEST, as a frame's `limit` is BAD_FRAME). */
export const queryLimit = (max: number) => v.optional(v.pipe(v.string(), v.regex(/^\d{1,15}$/), v.transform(Number), v.minValue(1), v.maxValue(max)));
