import { html, type TemplateResult } from 'lit';
import type { FaceElem } from '../../../protocol/elems.js';
import type { StickerSet } from '../../context.js';
import type { ElemContext } from './context.js';
import { safeMediaUrl } from './safe-url.js';

const EMOJI = /^(?:\p{Extended_Pictographic}|\p{Regional_Indicator}|[\u200d\ufe0f\u20e3#*0-9\p{Emoji_Modifier}\u{E0020}-\u{E007F}])+$/u;

/** The sticker of `key` in either form of a sticker set (own keys only: `__proto__` is no sticker). */
export function findSticker(set: StickerSet | undefined, key: string): { url: string; label?: string } | undefined {
  if (!set || !key) return undefined;
  if (Array.isArray(set)) return (set as Extract<StickerSet, readonly unknown[]>).find((s) => s.key === key);
  const record = set as Readonly<Record<string, string>>;
  return Object.hasOwn(record, key) && typeof record[key] === 'string' ? { url: record[key] } : undefined;
}

/** A sticker the host page defined (`stickers`), else the emoji itself shown large. */
export function renderFace(elem: FaceElem, ctx: ElemContext): TemplateResult {
  const { t } = ctx;
  const sticker = findSticker(ctx.stickers, elem.data);
  const url = sticker ? safeMediaUrl(ctx.fileUrl(sticker.url)) : undefined;
  if (url) {
    const alt = sticker!.label || `${t.sticker} ${elem.data}`;
    return html`<img part="sticker" class="sticker" src=${url} alt=${alt} loading="lazy" decoding="async" referrerpolicy="no-referrer" />`;
  }
  if (EMOJI.test(elem.data)) return html`<span part="emoji" class="emoji">${elem.data}</span>`;
  // The key is the sender's text: isolated, so a bidi control in it cannot reorder the label.
  return html`<span part="sticker-fallback" class="fallback">[${t.sticker}]${elem.data ? html` <bdi>${elem.data}</bdi>` : ''}</span>`;
}
