import { msg, str } from '@lit/localize';

/**
 * Labels of `<message-composer>` and what its emoji picker shares with it, in the active locale
 * (every property is read when it is used). The picker's own are `./emoji-picker.ts`'s and the
 * @mention list's (with what the composer's status line says of it) `./mention-list.ts`'s: in the
 * script tag they come with the picker and the list (the second part of a catalogue, `scripts/locale-parts.ts`).
 */
const composer = {
  get input() { return msg('Message', { id: 'composer.input' }); },
  /** A word or two: a longer one ("Write a message…") is cut mid-word at a phone's width, without an ellipsis. */
  get placeholder() { return msg('Message', { id: 'composer.placeholder' }); },
  get send() { return msg('Send', { id: 'composer.send' }); },
  tooLong: (bytes: string, limit: string) =>
    msg(str`This message is too long to send: ${bytes} of ${limit} bytes. Shorten it or split it up.`, { id: 'composer.tooLong' }),
  counter: (bytes: string, limit: string) => msg(str`${bytes} / ${limit} bytes`, { id: 'composer.counter' }),
  get attach() { return msg('Attach files', { id: 'composer.attach' }); },
  get dropFiles() { return msg('Drop files to send them', { id: 'composer.dropFiles' }); },
  fileTooLarge: (name: string, size: string, limit: string) =>
    msg(str`“${name}” is too large to send (${size}; the limit for this kind of file is ${limit}).`, { id: 'composer.fileTooLarge' }),
  get emoji() { return msg('Emoji and stickers', { id: 'composer.emoji' }); },
  get mutedInGroup() { return msg('You are muted in this group.', { id: 'composer.mutedInGroup' }); },
  mutedInGroupUntil: (time: string) => msg(str`You are muted in this group until ${time}.`, { id: 'composer.mutedInGroupUntil' }),
  get mutedEverywhere() { return msg("You can't send messages.", { id: 'composer.mutedEverywhere' }); },
  mutedEverywhereUntil: (time: string) => msg(str`You can't send messages until ${time}.`, { id: 'composer.mutedEverywhereUntil' }),
  muteReason: (reason: string) => msg(str`(${reason})`, { id: 'composer.muteReason' }),
};

export type ComposerStrings = typeof composer;

/** The composer's labels, in the active locale. */
export function composerStrings(): ComposerStrings {
  return composer;
}
