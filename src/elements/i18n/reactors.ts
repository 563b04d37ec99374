import { msg } from '@lit/localize';
import { changeStrings } from './changes.js';
import { formatNumber } from './localize.js';
import { overStrings } from './ui.js';

/**
 * Labels of the list of who reacted (`../thread/changes/reactors.ts`), over the changes' labels
 * it shares with the thread (`./changes.ts`), in the active locale (read when used). Apart from
 * those: in the script tag they come with the list (the second part of a catalogue, `scripts/locale-parts.ts`).
 */
const reactors = overStrings(changeStrings(), {
  /** One emoji's heading in the list of who reacted: "👍 3". */
  reactorsOf: (emoji: string, count: number) => `${emoji} ${formatNumber(count)}`,
  get showMore() { return msg('Show more', { id: 'changes.showMore' }); },
  get reactorsLoading() { return msg('Loading…', { id: 'changes.reactorsLoading' }); },
  get reactorsFailed() { return msg('Could not load who reacted.', { id: 'changes.reactorsFailed' }); },
});

export type ReactorStrings = typeof reactors;

/** The list of who reacted's labels, in the active locale. */
export function reactorStrings(): ReactorStrings {
  return reactors;
}
