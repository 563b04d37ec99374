import { ChatError } from '../protocol/error-codes.js';
import type { ClientFrame, ServerFrame } from '../protocol/frames.js';

/** Frames that answer a request by echoing its `reqId`. */
export type ReplyFrame = Extract<ServerFrame, { type: 'ok' | 'error' | 'history.page' | 'members' | 'reactions' | 'pins' | 'search.results' | 'group.info' | 'presence.updated' | 'friends' }>;

type WithoutReqId<T> = T extends unknown ? Omit<T, 'reqId'> : never;
/** Client frames that carry a reqId, without it (the requests module assigns it). */
export type RequestFrame = WithoutReqId<Extract<ClientFrame, { reqId?: string }>>;

export interface Requests {
  /** Sends `frame` with a fresh reqId; resolves with the reply, rejects with a ChatError. */
  request<R extends ReplyFrame = ReplyFrame>(frame: RequestFrame): Promise<R>;
  /** Routes a reply; false when no request waits for it. */
  resolve(frame: ReplyFrame): boolean;
  /** The session ended: every waiting request fails (replies cannot come on a new socket). */
  rejectAll(error: ChatError): void;
}

/** Correlates requests and replies by reqId, with a timeout. */
export function createRequests(send: (frame: ClientFrame) => boolean, timeoutMs: number): Requests {
  const waiting = new Map<string, { resolve(f: ReplyFrame): void; reject(e: ChatError): void; timer: ReturnType<typeof setTimeout> }>();
  let next = 0;
  return {
    request<R extends ReplyFrame>(frame: RequestFrame): Promise<R> {
      const reqId = `r${++next}`;
      return new Promise<R>((resolve, reject) => {
        if (!send({ ...frame, reqId } as ClientFrame)) {
          reject(new ChatError('TIMEOUT', 'Not connected.'));
          return;
        }
        const timer = setTimeout(() => {
          waiting.delete(reqId);
          reject(new ChatError('TIMEOUT'));
        }, timeoutMs);
        waiting.set(reqId, { resolve: resolve as (f: ReplyFrame) => void, reject, timer });
      });
    },
    resolve(frame) {
      const w = waiting.get(frame.reqId ?? '');
      if (!w) return false;
      waiting.delete(frame.reqId!);
      clearTimeout(w.timer);
      if (frame.type === 'error') w.reject(ChatError.from(frame));
      else w.resolve(frame);
      return true;
    },
    rejectAll(error) {
      for (const w of waiting.values()) {
        clearTimeout(w.timer);
        w.reject(error);
      }
      waiting.clear();
    },
  };
}
