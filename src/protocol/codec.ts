import * as v from 'valibot';
import { FriendsPageSchema, MembersSchema, PinsSchema, ReactionsSchema } from './answer-frames.js';
import { CoreServerFrames, type ServerFrame } from './frames.js';
import { GroupInfoSchema, SearchResultsSchema } from './feature-answers.js';
import { byType, decode, type Result, type Schemas } from './frame-decode.js';

// `decodeClientFrame` is in `./client-codec.ts`, with the client frames' schemas (see `./client-frames.ts`);
// a client reads server frames with `./client-wire.ts`, which knows the answers it asked for.
export { encodeFrame } from './client-wire.js';

/**
 * Answers to requests that only code a client loads later makes: that code registers the schema
 * of its answer with the client's decoder before it asks (`acceptAnswers`); an answer that
 * arrives unasked is an unknown frame there.
 */
export const LaterAnswerFrames = [MembersSchema, ReactionsSchema, PinsSchema, SearchResultsSchema, GroupInfoSchema, FriendsPageSchema] as const;
export type LaterAnswerFrame = (typeof LaterAnswerFrames)[number];

/** Every server frame: those a client reads from its start (`CoreServerFrames`) and the later answers. */
export const ServerFrameSchema = v.variant('type', [...CoreServerFrames, ...LaterAnswerFrames]);

/** Made on the first decode (the schemas' map by frame type: see `byType`). */
let serverSchemas: Schemas | undefined;

/** Parses and validates a frame a server sent, of any type. Never throws. */
export function decodeServerFrame(raw: string): Result<ServerFrame> {
  return decode((serverSchemas ??= byType(ServerFrameSchema.options)), raw);
}
