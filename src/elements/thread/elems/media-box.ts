import { cssVars } from '../../css-vars.js';

/**
 * Custom properties giving a picture's aspect ratio to the stylesheet, which sizes it within
 * `--chat-thread-media-max-width`/`-height` before it loads (no jump, a stable row height).
 * `fallback` is the size of a picture whose own is unknown (sent unprobed, e.g. queued offline):
 * large, so it fills the box in its ratio (its width caps the box: [4, 3] drew 4 × 3 px).
 */
export function mediaBox(width: number | undefined, height: number | undefined, fallback: [number, number]) {
  const known = (width ?? 0) > 0 && (height ?? 0) > 0;
  const [w, h] = known ? [width!, height!] : fallback;
  return { known, w, h, style: cssVars({ '--_w': w, '--_h': h }) };
}
