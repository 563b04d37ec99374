import { html, nothing, type TemplateResult } from 'lit';
import type { SoundElem, VideoElem } from '../../../protocol/elems.js';
import { formatDuration } from '../../format.js';
import type { ElemContext } from './context.js';
import { mediaBox } from './media-box.js';
import { safeMediaUrl } from './safe-url.js';

/** A voice message or audio file: the browser's own player (metadata only until played; it shows the length). */
export function renderSound(elem: SoundElem, ctx: ElemContext): TemplateResult | undefined {
  const src = safeMediaUrl(ctx.fileUrl(elem.url));
  if (!src) return undefined;
  const duration = formatDuration(elem.duration);
  return html`<div class="audio-player">
    <audio part="audio" controls preload="metadata" src=${src} aria-label=${ctx.t.voiceMessage(duration)}></audio>
  </div>`;
}

/** A short video: the browser's own player with the snapshot as poster, sized before it loads. */
export function renderVideo(elem: VideoElem, ctx: ElemContext): TemplateResult | undefined {
  const src = safeMediaUrl(ctx.fileUrl(elem.url));
  if (!src) return undefined;
  const poster = elem.snapshot ? safeMediaUrl(ctx.fileUrl(elem.snapshot.url)) : undefined;
  const box = mediaBox(elem.snapshot?.width, elem.snapshot?.height, [640, 360]);
  const duration = formatDuration(elem.duration);
  return html`<div class="video-player">
    <video
      part="video"
      class="media"
      controls
      playsinline
      preload="metadata"
      src=${src}
      poster=${poster ?? nothing}
      width=${box.known ? box.w : nothing}
      height=${box.known ? box.h : nothing}
      style=${box.style}
      aria-label=${ctx.t.videoMessage(duration)}
    ></video>
    <span part="duration">${duration}</span>
    <button part="expand-button" type="button" aria-label=${ctx.t.expandVideo} title=${ctx.t.expandVideo}>⤢</button>
  </div>`;
}
