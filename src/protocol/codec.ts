import { ServerFrameSchema } from './answer-frames.js';
import type { ServerFrame } from './frames.js';
import { byType, decode, type Result, type Schemas } from './frame-decode.js';

// `decodeClientFrame` is in `./client-codec.ts`, with the client frames' schemas (see `./client-frames.ts`);
// a client reads server frames with `./client-wire.ts`, which knows the answers it asked for.
export { encodeFrame } from './client-wire.js';

/** Made on the first decode (the schemas' map by frame type: see `byType`). */
let serverSchemas: Schemas | undefined;

/** Parses and validates a frame a server sent, of any type. Never throws. */
export function decodeServerFrame(raw: string): Result<ServerFrame> {
  return decode((serverSchemas ??= byType(ServerFrameSchema.options)), raw);
}
