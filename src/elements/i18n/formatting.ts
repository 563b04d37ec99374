import { msg } from '@lit/localize';

/** Labels of formatted text (code blocks), in the active locale. */
const formatting = {
  get copy() { return msg('Copy', { id: 'formatting.copy' }); },
  get copied() { return msg('Copied', { id: 'formatting.copied' }); },
  get copyCode() { return msg('Copy code', { id: 'formatting.copyCode' }); },
};

export type FormattingStrings = typeof formatting;

export function formattingStrings(): FormattingStrings {
  return formatting;
}
