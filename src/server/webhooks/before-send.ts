import * as v from 'valibot';
import { ChatError, ElemSchema, LIMITS, USER_ELEM_TYPES, type Elem, type ErrorBody } from '../../protocol/index.js';
import type { Logger } from '../core/logger.js';
import { postSigned } from './signature.js';
import { stripUndefined } from '../options.js';

/** `beforeSend` of ChatServerOptions (env: NATTER_BEFORE_SEND_*). */
export interface BeforeSendOptions {
  /** Called before each user send or edit is committed (NATTER_BEFORE_SEND_URL). */
  url: string;
  /** Its signing secret (NATTER_BEFORE_SEND_SECRET, else NATTER_WEBHOOK_SECRET; at least 16 characters). */
  secret: string;
  /** How long a send waits for the answer (NATTER_BEFORE_SEND_TIMEOUT_MS). Default 1000. */
  timeoutMs?: number;
  /** What happens when it does not answer in time or answers nonsense (NATTER_BEFORE_SEND_FALLBACK). Default `allow`. */
  fallback?: 'allow' | 'reject';
}

/** The hook's verdict, and how it was reached (for /metrics). */
export type BeforeSendOutcome = 'allow' | 'reject' | 'rewrite' | 'timeout' | 'error';

const Answer = v.variant('action', [
  v.object({ action: v.literal('allow') }),
  v.object({ action: v.literal('reject'), reason: v.optional(v.string()) }),
  v.object({ action: v.literal('rewrite'), text: v.optional(v.string()), elem: v.optional(v.unknown()) }),
]);

/**
 * The site's policy point (SPEC §11): POSTs each draft, signed as webhooks are, and applies the
 * answer — allow, reject (MESSAGE_REJECTED with the site's reason) or rewrite (a new text or
 * elem). On a timeout, an error status or an answer it cannot read, `fallback` decides. Each call
 * runs on its own send's path only: sends of other connections call it at the same time, and
 * the commit pipeline never waits for it.
 */
export class BeforeSendHook {
  readonly #o: Required<BeforeSendOptions>;
  readonly #log: Logger;
  readonly #observe: (outcome: BeforeSendOutcome, seconds: number) => void;

  constructor(o: BeforeSendOptions, logger: Logger, observe: (outcome: BeforeSendOutcome, seconds: number) => void = () => {}) {
    // stripUndefined: natter-server passes `timeoutMs: undefined` when NATTER_BEFORE_SEND_TIMEOUT_MS
    // is unset, which spread over the default timed every call out at once (the fallback applied).
    this.#o = { timeoutMs: 1000, fallback: 'allow', ...stripUndefined(o) } as Required<BeforeSendOptions>;
    this.#log = logger;
    this.#observe = observe;
  }

  /**
   * Resolves when the draft may be committed (its elem possibly rewritten); throws MESSAGE_REJECTED.
   * `edit`: the draft is the new text of that message (its id), which a rewrite must keep a text.
   */
  async check(draft: HookDraft, now: number, edit?: string): Promise<void> {
    const started = performance.now();
    let outcome: BeforeSendOutcome;
    let answer: v.InferOutput<typeof Answer> | undefined;
    try {
      const body = `{"type":"message.before_send","time":${now},"data":{"conversation":${JSON.stringify(draft.key)},${edit ? `"edit":{"messageId":${JSON.stringify(edit)}},` : ''}"message":${JSON.stringify(draft.message)}}}`;
      const res = await postSigned(this.#o.url, this.#o.secret, body, { timeoutMs: this.#o.timeoutMs, now, maxBody: 256 * 1024 });
      const parsed = res.status >= 200 && res.status < 300 ? v.safeParse(Answer, JSON.parse(res.text)) : undefined;
      answer = parsed?.success ? parsed.output : undefined;
      outcome = answer ? answer.action : 'error';
      if (!answer) this.#log.warn({ status: res.status }, 'before-send hook: unusable answer, fallback applies');
    } catch (err) {
      outcome = (err as Error).name === 'TimeoutError' ? 'timeout' : 'error';
      if (outcome === 'error') this.#log.warn({ err }, 'before-send hook failed, fallback applies');
    }
    let elem: Elem | undefined;
    if (answer?.action === 'rewrite') {
      elem = rewritten(answer, !!edit);
      if (!elem) {
        this.#log.warn({}, 'before-send hook: rewrite without a valid text or elem, fallback applies');
        outcome = 'error';
        answer = undefined;
      }
    }
    this.#observe(outcome, (performance.now() - started) / 1000);
    if (!answer) {
      if (this.#o.fallback === 'reject') throw new ChatError('MESSAGE_REJECTED');
      return;
    }
    if (answer.action === 'reject') {
      const reason = answer.reason?.trim().slice(0, LIMITS.rejectReasonChars);
      throw reason ? new RejectedError(reason) : new ChatError('MESSAGE_REJECTED');
    }
    if (elem) draft.message.elem = elem;
  }
}

/** What the hook is asked about: a send's draft, or an edit's new text as a message (its id, sender, elem). */
export interface HookDraft {
  key: string;
  message: { elem: Elem };
}

/** MESSAGE_REJECTED with the site's reason, which its body carries to the sender. */
class RejectedError extends ChatError {
  readonly reason: string;
  constructor(reason: string) {
    super('MESSAGE_REJECTED', reason);
    this.reason = reason;
  }
  override toJSON(): ErrorBody {
    return { ...super.toJSON(), reason: this.reason };
  }
}

/** The elem of a rewrite: `text` (a text elem) or an `elem` users may send, within the protocol's bounds (an edit's: a text). */
function rewritten(answer: { text?: string | undefined; elem?: unknown }, edit: boolean): Elem | undefined {
  const candidate = answer.text !== undefined ? { type: 'text', text: answer.text } : answer.elem;
  const parsed = v.safeParse(ElemSchema, candidate);
  if (!parsed.success || !USER_ELEM_TYPES.has(parsed.output.type) || (edit && parsed.output.type !== 'text')) return undefined;
  if (parsed.output.type === 'text' && parsed.output.text.length === 0) return undefined;
  return parsed.output;
}
