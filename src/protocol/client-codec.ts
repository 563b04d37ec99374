import { ClientFrameSchema, type ClientFrame } from './client-frames.js';
import { byType, decode, type FastPath, type Result, type Schemas } from './frame-decode.js';

/** Made on the first decode (the schemas' map by frame type: see `byType`). */
let clientSchemas: Schemas | undefined;

/** Parses and validates a frame a client sent (`fast`: see `FastPath`). Never throws. */
export function decodeClientFrame(raw: string, fast?: FastPath<ClientFrame>): Result<ClientFrame> {
  return decode((clientSchemas ??= byType(ClientFrameSchema.options)), raw, fast);
}
