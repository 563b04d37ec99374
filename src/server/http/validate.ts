import * as v from 'valibot';
import { ChatError } from '../../protocol/index.js';

/** Validates a request part; a mismatch is BAD_REQUEST naming the first bad field. */
export function parse<T>(schema: v.GenericSchema<unknown, T>, value: unknown): T {
  const result = v.safeParse(schema, value);
  if (result.success) return result.output;
  const issue = result.issues[0];
  const path = issue.path?.map((p) => String(p.key)).join('.') ?? '';
  const tooLarge = issue.message.startsWith('longer than') || issue.message === 'FILE_TOO_LARGE';
  return thrower(tooLarge ? 'MESSAGE_TOO_LARGE' : 'BAD_REQUEST', `Invalid request${path ? ` at ${path}` : ''}: ${issue.message}.`);
}

function thrower(name: 'MESSAGE_TOO_LARGE' | 'BAD_REQUEST', message: string): never {
  throw new ChatError(name, message);
}

/** `?n=` query numbers: absent, or a non-negative integer. */
export const QueryInt = v.optional(v.pipe(v.string(), v.regex(/^\d{1,15}$/), v.transform(Number)));
