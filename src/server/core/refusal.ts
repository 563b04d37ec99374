import * as v from 'valibot';
import { ChatError, ClientMsgIdSchema, ConversationIdSchema, LIMITS, type ClientFrame, type ErrorBody, type ServerFrame } from '../../protocol/index.js';
import { topLevelOnly } from './raw-nesting.js';
import { knownFailure } from './store-busy.js';

const SendAddress = v.object({ type: v.literal('message.send'), clientMsgId: ClientMsgIdSchema, conversationId: ConversationIdSchema });
const ChangeAddress = v.object({ type: v.literal('change.send'), changeId: ClientMsgIdSchema, conversationId: ConversationIdSchema });
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
      // Only the top-level scalars are read: however deep the rest nests, it is never parsed.
      json = JSON.parse(topLevelOnly(raw));
    } catch {
      json = undefined;
    }
  }
  const send = v.safeParse(SendAddress, json);
  if (send.success) return JSON.stringify(answerTo(send.output as ClientFrame, error.toJSON()));
  const change = v.safeParse(ChangeAddress, json);
  if (change.success) return JSON.stringify(answerTo(change.output as ClientFrame, error.toJSON()));
  const req = v.safeParse(ReqAddress, json);
  return JSON.stringify(answerTo({ reqId: req.success ? req.output.reqId : undefined }, error.toJSON()));
}

/**
 * The answer to a valid frame whose handler threw or rejected (a bug, or a store that failed in a way
 * the core did not map; a saturated store is UNAVAILABLE with a retry hint, as everywhere):
 * correlated like a refusal, so the client fails that request and goes on.
 */
export function failureAnswer(frame: ClientFrame, err: unknown): string {
  return JSON.stringify(answerTo(frame, (knownFailure(err) ?? new ChatError('INTERNAL')).toJSON()));
}

/**
 * The error answer to a frame, correlated the way its sender waits for it: a send by its
 * clientMsgId (`message.error`), a change by its changeId (`change.error`), anything else by its
 * reqId (`error`; without one when the frame has none).
 */
export function answerTo(frame: ClientFrame | { type?: undefined; reqId?: string | undefined }, body: ErrorBody): ServerFrame {
  if (frame.type === 'message.send') return { type: 'message.error', clientMsgId: frame.clientMsgId, conversationId: frame.conversationId, ...body };
  if (frame.type === 'change.send') return { type: 'change.error', changeId: frame.changeId, conversationId: frame.conversationId, ...body };
  const reqId = 'reqId' in frame ? frame.reqId : undefined;
  return reqId === undefined ? { type: 'error', ...body } : { type: 'error', reqId, ...body };
}
