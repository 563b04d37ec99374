/**
 * What a client reads and writes on the wire (`src/client/connection.ts`): frames encoded as JSON,
 * and server frames decoded with the schemas of `CoreServerFrames` plus the answers that the code
 * asking for them registered (`acceptAnswers`). Nothing here imports `./answer-frames.ts`, so the
 * script tag's first paint does not carry the schemas of answers only its panel asks for.
 */
import type * as v from 'valibot';
import type { LaterAnswerFrame } from './codec.js';
import { byType, decode, type Result } from './frame-decode.js';
import { CoreServerFrames, type ClientFrame, type ServerFrame } from './frames.js';

/** Made on the first decode and grown by `acceptAnswers`; the same schemas serve every client of a page. */
let known: Map<string, v.GenericSchema> | undefined;
const schemas = () => (known ??= new Map(byType(CoreServerFrames)));

/**
 * Parses and validates a frame a server sent, as a client reads it: a core frame, or an answer
 * registered before (`acceptAnswers`); any other type is a BAD_FRAME. Never throws.
 */
export function decodeServerFrameInClient(raw: string): Result<ServerFrame> {
  return decode(schemas(), raw);
}

/**
 * Lets clients read these answers from now on: called by the code that asks for them, before it
 * asks (member pages, reactions and pins, search, group info: `LaterAnswerFrames`).
 */
export function acceptAnswers(...answers: LaterAnswerFrame[]): void {
  for (const [type, schema] of byType(answers)) schemas().set(type, schema);
}

export function encodeFrame(frame: ClientFrame | ServerFrame): string {
  return JSON.stringify(frame);
}
