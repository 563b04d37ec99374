import * as v from 'valibot';
import { ChatError, ClientMsgIdSchema, ConversationIdSchema, LIMITS, type ClientFrame } from '../../protocol/index.js';
import { errorFrame } from './chat-core.js';

const SendAddress = v.object({ type: v.literal('message.send'), clientMsgId: ClientMsgIdSchema, conversationId: ConversationIdSchema });
const ReqAddress = v.object({ reqId: v.pipe(v.string(), v.maxLength(64)) });

/**
 * The answer to a frame that failed validation, the same from every gateway (WebSocket and the
 * in-browser MessagePort one). A send the client can still identify (by clientMsgId) gets
 * `message.error`, so the client marks that message failed; anything else gets `error`, with
 * the reqId when one can be read.
 */
export function refusal(raw: string, error: ChatError): string {
  let json: unknown;
  // Only frames the transport's size cap let through reach here, so parsing an oversize one is bounded.
  if (raw.length <= LIMITS.frameBytes * 4) {
    try {
      json = JSON.parse(raw);
    } catch {
      json = undefined;
    }
  }
  const send = v.safeParse(SendAddress, json);
  if (send.success) {
    const { clientMsgId, conversationId } = send.output;
    return JSON.stringify({ type: 'message.error', clientMsgId, conversationId, ...error.toJSON() });
  }
  const req = v.safeParse(ReqAddress, json);
  return JSON.stringify(errorFrame(error.toJSON(), req.success ? req.output.reqId : undefined));
}

/**
 * The answer to a valid frame whose handler threw or rejected (a bug, or a store that failed in a way
 * the core did not map): correlated like a refusal, so the client fails that request and goes on.
 */
export function failureAnswer(frame: ClientFrame, err: unknown): string {
  const body = (err instanceof ChatError ? err : new ChatError('INTERNAL')).toJSON();
  if (frame.type === 'message.send') {
    return JSON.stringify({ type: 'message.error', clientMsgId: frame.clientMsgId, conversationId: frame.conversationId, ...body });
  }
  return JSON.stringify(errorFrame(body, 'reqId' in frame ? frame.reqId : undefined));
}
