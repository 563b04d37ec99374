import { msg, str } from '@lit/localize';

/**
 * The labels of the composer's bars over its text area (`../composer/compose-bars.ts`): the reply
 * quote, "Editing" and the link preview, each with its ×. The bars are loaded the first time one
 * shows, so in the script tag these come with them (the second part of a catalogue,
 * `scripts/locale-parts.ts`), not with the panel.
 */
const bars = {
  /** "Replying to Alice". */
  replyingTo: (name: string) => msg(str`Replying to ${name}`, { id: 'changes.replyingTo' }),
  get cancelReply() { return msg('Cancel reply', { id: 'changes.cancelReply' }); },
  get editing() { return msg('Editing', { id: 'changes.editing' }); },
  get cancelEdit() { return msg('Cancel editing', { id: 'changes.cancelEdit' }); },
  get previewLabel() { return msg('Link preview', { id: 'preview.label' }); },
  get removePreview() { return msg('Remove the link preview', { id: 'preview.remove' }); },
};

/** The composer bars' labels, in the active locale (read when used). */
export function composeBarStrings(): typeof bars {
  return bars;
}
