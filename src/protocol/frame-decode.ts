/**
 * How a frame is read, for both directions (`./codec.ts` reads server frames, `./client-codec.ts`
 * client frames): bounds, JSON, the frame type's schema, and errors with stable names.
 */
import * as v from 'valibot';
import { ChatError } from './error-codes.js';
import { jsonBoundsError } from './json-bounds.js';
import { LIMITS } from './limits.js';

export type Result<T> = { ok: true; frame: T } | { ok: false; error: ChatError };

export type Schemas = ReadonlyMap<string, v.GenericSchema>;

/**
 * A cheaper check a decoder's caller may put in front of the schemas, for a shape it sees by the
 * thousand: the frame, when the parsed JSON has that shape and the schema would accept it as it
 * is (its output is then the input), else undefined and the schema decides (errors included).
 * It runs before the depth and width bounds are checked: it must read only a bounded part of what
 * it is given, and accept only values within LIMITS' frame bounds.
 */
export type FastPath<T> = (json: object) => T | undefined;

/**
 * The schema of each frame type of a list of frame schemas (a `v.variant('type', …)`'s `options`).
 * Decoding looks the frame's type up and runs that one schema: the variant itself would first try
 * the type against every option (for each frame a server reads, under load that was a tenth of
 * what it allocated).
 */
export function byType(options: readonly v.GenericSchema[]): Schemas {
  const map = new Map<string, v.GenericSchema>();
  for (const option of options) {
    const type = (option as v.ObjectSchema<v.ObjectEntries, undefined>).entries.type;
    if (type?.type === 'literal') map.set((type as v.LiteralSchema<string, undefined>).literal, option);
    else if (type?.type === 'picklist') for (const t of (type as v.PicklistSchema<string[], undefined>).options) map.set(t, option);
    else throw new Error('frame schemas have a literal or picklist type');
  }
  return map;
}

/**
 * Parses and validates one frame. Never throws: whatever goes wrong (input no bound foresaw, a
 * bug in a schema) is a BAD_FRAME for that frame, so a decoder's caller never has to guard it.
 */
export function decode<T>(schemas: Schemas, raw: string, fast?: FastPath<T>): Result<T> {
  try {
    return decodeUnguarded<T>(schemas, raw, fast);
  } catch {
    return { ok: false, error: new ChatError('BAD_FRAME', 'The frame could not be read.') };
  }
}

function decodeUnguarded<T>(schemas: Schemas, raw: string, fast: FastPath<T> | undefined): Result<T> {
  // Size is checked on the string before JSON.parse so a huge frame costs nothing to refuse.
  if (raw.length > LIMITS.frameBytes) return { ok: false, error: new ChatError('FRAME_TOO_LARGE') };
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { ok: false, error: new ChatError('BAD_FRAME', 'The frame is not valid JSON.') };
  }
  const type = typeof json === 'object' && json !== null ? (json as { type?: unknown }).type : undefined;
  const schema = typeof type === 'string' ? schemas.get(type) : undefined;
  if (!schema) {
    return { ok: false, error: new ChatError('BAD_FRAME', typeof type === 'string' ? `Unknown frame type ${JSON.stringify(type.slice(0, 64))}.` : 'A frame is an object with a string type.') };
  }
  // Before the bounds' walk: what a fast path accepts is a fixed shape within them (a plain text
  // send: two levels, six keys), and a fast path reads a bounded part of whatever it is given.
  const known = fast?.(json as object);
  if (known) return { ok: true, frame: known };
  // Depth and width are bounded before the validator walks the frame (it recurses with the data).
  const tooBig = jsonBoundsError(json);
  if (tooBig !== undefined) return { ok: false, error: new ChatError('BAD_FRAME', tooBig) };
  const result = v.safeParse(schema, json);
  if (result.success) return { ok: true, frame: result.output as T };
  const name = errorNameFor(result.issues);
  // Content limits get the table's human sentence; shape errors say where the frame is wrong.
  return { ok: false, error: new ChatError(name, name === 'BAD_FRAME' ? describeIssues(result.issues) : undefined) };
}

/** Oversize content is a content error (MESSAGE_TOO_LARGE / FILE_TOO_LARGE), not a malformed frame. */
function errorNameFor(issues: readonly v.BaseIssue<unknown>[]): 'BAD_FRAME' | 'MESSAGE_TOO_LARGE' | 'FILE_TOO_LARGE' | 'TEXT_NUL' {
  // A control character in a stored text (stored-text.ts `storedText`: its TEXT_CONTROL_ISSUE, as a literal so that
  // module stays with the frames that use it), the frame being otherwise valid.
  if (issues.every((i) => i.message === 'TEXT_NUL')) return 'TEXT_NUL';
  for (const issue of flatten(issues)) {
    if (issue.message === 'FILE_TOO_LARGE') return 'FILE_TOO_LARGE';
    if (issue.message.startsWith('longer than')) return 'MESSAGE_TOO_LARGE';
  }
  return 'BAD_FRAME';
}

function* flatten(issues: readonly v.BaseIssue<unknown>[]): Generator<v.BaseIssue<unknown>> {
  for (const issue of issues) {
    yield issue;
    if (issue.issues) yield* flatten(issue.issues);
  }
}

function describeIssues(issues: readonly v.BaseIssue<unknown>[]): string {
  const first = issues[0];
  if (!first) return 'The frame does not match the protocol.';
  const path = first.path?.map((p) => String(p.key)).join('.') ?? '';
  const what = first.message === 'FILE_TOO_LARGE' ? 'file is too large' : first.message;
  return `Invalid frame${path ? ` at ${path}` : ''}: ${what}.`;
}

