import { cssVars } from '../../css-vars.js';

/**
 * Custom properties giving a picture's aspect ratio to the stylesheet, which sizes it within
 * `--chat-thread-media-max-width`/`-height` before it loads (no jump, a stable row height).
 */
export function mediaBox(width: number | undefined, height: number | undefined, fallback: [number, number]) {
  const known = (width ?? 0) > 0 && (height ?? 0) > 0;
  const [w, h] = known ? [width!, height!] : fallback;
  return { known, w, h, style: cssVars({ '--_w': w, '--_h': h }) };
}
