import type { ChatError } from '../protocol/error-codes.js';
import type { ServerFrame } from '../protocol/frames.js';

/** What can still be read of a server frame that failed to decode (too large, malformed). */
export interface InvalidFrame {
  /** Its `type`, when readable. */
  type?: string;
  /** The `reqId` of the request it answers, when readable. */
  reqId?: string;
}

/** Raw frames longer than this are not parsed to find their type and reqId (the socket's own cap is larger). */
const PEEK_LIMIT = 16 * 1024 * 1024;

/**
 * Reads the top-level `type` and `reqId` of a frame the decoder refused, so a refused answer can
 * still fail its request and a refused replay batch can be fetched again. Never throws.
 */
export function peekFrame(raw: string): InvalidFrame {
  if (raw.length > PEEK_LIMIT) return {};
  try {
    const json: unknown = JSON.parse(raw);
    if (typeof json !== 'object' || json === null) return {};
    const { type, reqId } = json as { type?: unknown; reqId?: unknown };
    const peek: InvalidFrame = {};
    if (typeof type === 'string') peek.type = type.slice(0, 64);
    if (typeof reqId === 'string' && reqId.length <= 64) peek.reqId = reqId;
    return peek;
  } catch {
    return {};
  }
}

/** A frame of the replay (`sync.*`): losing one leaves a hole the client must fetch again. */
export const isReplayFrame = (frame: InvalidFrame): boolean => frame.type?.startsWith('sync.') === true;

/** The error a waiting request gets instead of an answer the client could not read. */
export function unreadableAnswer(reqId: string, error: ChatError): ServerFrame {
  return { type: 'error', reqId, code: error.code, name: error.name, message: error.message };
}
