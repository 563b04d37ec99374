import { html, nothing, type TemplateResult } from 'lit';
import type { ChatMessage } from '../../client/types.js';
import { isResendable } from '../../client/resendable.js';
import type { ErrorBody, ErrorName } from '../../protocol/error-codes.js';
import { changeStrings } from '../i18n/changes.js';
import { formattingStrings } from '../i18n/formatting.js';
import type { UiStrings } from '../i18n/ui.js';
import { lazyModule } from '../load-once.js';

/** Refusals of what a text says (or quotes): rewritten, it can go. The others are about who or where. */
const TEXT_AT_FAULT: ReadonlySet<ErrorName> = new Set<ErrorName>([
  'MESSAGE_REJECTED', 'MESSAGE_TOO_LARGE', 'FRAME_TOO_LARGE', 'BAD_REQUEST', 'BAD_FRAME', 'REPLY_INVALID', 'MESSAGE_UNKNOWN',
  'MESSAGE_RECALLED', 'PREVIEW_INVALID', 'CLIENT_MSG_ID_REUSED',
]);

/**
 * The failure sentences (`../i18n/errors.ts`), fetched the first time a row shows a failure: in the
 * script tag they are in the chunk of the features loaded on first use (fetched on idle), with
 * their strings, not in the panel's.
 */
const sentences = lazyModule(() => import('../i18n/errors.js'));

/**
 * Why a message or a change failed (`text` picks the sentence), once the sentences are in; until
 * then a no-break space: the line is there from the first render (`[part~='error']` takes a line
 * of its own over the buttons), so a restored failed message does not move when its sentence comes.
 */
export function errorLine(refresh: () => void, text: (s: typeof import('../i18n/errors.js')) => string): string {
  const s = sentences(refresh);
  return s ? text(s) : '\u00a0';
}

/** Whether a refused text can be mended by rewriting it ("Edit"). */
export const textAtFault = (error: Pick<ErrorBody, 'name'> | undefined): boolean => !!error && TEXT_AT_FAULT.has(error.name);

/** What a failed row can do: resend it, put its text back in the composer, delete it. */
export interface FailureActions {
  resend(m: ChatMessage): void;
  /** The text goes to the composer as a new draft and the failed message goes (it stays when no composer shows the conversation). */
  editText(m: ChatMessage, text: string): void;
  discard(m: ChatMessage): void;
}

/**
 * Under a failed own message: why, and what can help. A failure a resend can get past (the
 * connection, a rate limit, the server, an upload: `isResendable`) offers Resend; a refusal that
 * would only come back does not (it is no trap): a text offers Copy, and Edit when the text
 * itself was refused (too long, rejected by the site, a quote gone), and any Discard.
 */
export function renderFailure(t: UiStrings, actions: FailureActions, m: ChatMessage, refresh: () => void): TemplateResult {
  const text = m.elem.type === 'text' ? m.elem.text : undefined;
  const resendable = isResendable(m.error);
  const f = formattingStrings();
  return html`<div part="failure" role="group" aria-label=${t.notSent} data-code=${m.error?.name ?? ''}>
    <span part="error" dir=${m.error?.reason ? 'auto' : nothing}>${errorLine(refresh, (s) => s.errorText(m.error, m.retryAt))}</span>
    ${resendable
      ? html`<button part="resend-button" @click=${() => actions.resend(m)}>${t.resend}</button>`
      : text === undefined
        ? nothing
        : html`${textAtFault(m.error) ? html`<button part="edit-text-button" type="button" @click=${() => actions.editText(m, text)}>${changeStrings().edit}</button>` : nothing}<button
              part="copy-text-button"
              type="button"
              @click=${(e: Event) => void copyText(e.currentTarget as HTMLElement, text)}
            ><span class="copy">${f.copy}</span><span class="copied" role="status">${f.copied}</span></button>`}
    <button part="discard-button" @click=${() => actions.discard(m)}>${t.discard}</button>
  </div>`;
}

/** Puts `text` on the clipboard and says "Copied" on the button for a moment. */
export async function copyText(button: HTMLElement, text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    return; // Refused (no permission, not focused): the button stays as it was.
  }
  button.toggleAttribute('data-copied', true);
  setTimeout(() => button.removeAttribute('data-copied'), 1500);
}
