import type { TemplateResult } from 'lit';
import type { FileElem, ImageElem, LocationElem, SoundElem, VideoElem } from '../../../protocol/elems.js';
import type { ElemContext } from './context.js';
import { renderFile } from './file.js';
import { renderImage } from './image.js';
import { renderLocation } from './location.js';
import { renderSound, renderVideo } from './media.js';
// What they draw is styled by this sheet, fetched with them.
export { mediaElemsStyles } from './media-elems.styles.js';

/** The elems a bubble draws as a picture, a player or a card. */
export type MediaElem = ImageElem | SoundElem | VideoElem | FileElem | LocationElem;

/**
 * The renderer of each picture, player and card, by elem type: what most text conversations never
 * need, fetched with the first such message (`elem-content.ts`; in the script tag, with the
 * features loaded on first use). A renderer returns undefined when the elem cannot be drawn
 * safely (a media URL that is not http(s)).
 */
export const mediaRenderers: { [T in MediaElem['type']]: (elem: Extract<MediaElem, { type: T }>, ctx: ElemContext) => TemplateResult | undefined } = {
  image: renderImage,
  sound: renderSound,
  video: renderVideo,
  file: renderFile,
  location: renderLocation,
};
