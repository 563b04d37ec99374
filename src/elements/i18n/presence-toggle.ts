import { msg } from '@lit/localize';
import type { ErrorName } from '../../protocol/error-codes.js';
import { errorText } from './errors.js';

/** The own "Show when I am online" checkbox's labels (`../people/presence-toggle.ts`), in the active locale. */
const toggle = {
  get show() { return msg('Show when I am online', { id: 'presence.show' }); },
  get hiddenNote() { return msg('Hidden: others see you offline, and you see no one’s last seen.', { id: 'presence.hiddenNote' }); },
};

export function presenceToggleStrings(): typeof toggle {
  return toggle;
}

/** Presence errors, in words a person understands. */
const PRESENCE_ERRORS: Partial<Record<ErrorName, () => string>> = {
  PRESENCE_FORBIDDEN: () => msg('You can only see whether your contacts are online.', { id: 'presence.error.PRESENCE_FORBIDDEN' }),
  PRESENCE_DISABLED: () => msg('This site does not show who is online.', { id: 'presence.error.PRESENCE_DISABLED' }),
};

/** The sentence for a failed presence action. */
export function presenceErrorText(error: { name: ErrorName } | undefined): string {
  const sentence = error ? PRESENCE_ERRORS[error.name] : undefined;
  return sentence ? sentence() : errorText(error);
}
