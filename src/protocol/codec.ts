import { byType, decode, type Result, type Schemas } from './frame-decode.js';
import { ServerFrameSchema, type ClientFrame, type ServerFrame } from './frames.js';

// `decodeClientFrame` is in `./client-codec.ts`, with the client frames' schemas (see `./client-frames.ts`).

/** Made on the first decode (the schemas' map by frame type: see `byType`). */
let serverSchemas: Schemas | undefined;

/** Parses and validates a frame a server sent. Never throws. */
export function decodeServerFrame(raw: string): Result<ServerFrame> {
  return decode((serverSchemas ??= byType(ServerFrameSchema as never)), raw);
}

export function encodeFrame(frame: ClientFrame | ServerFrame): string {
  return JSON.stringify(frame);
}
