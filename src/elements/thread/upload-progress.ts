import { html, nothing, type TemplateResult } from 'lit';
import { cssVars } from '../css-vars.js';
import type { UploadProgress } from '../../client/types.js';
import type { UiStrings } from '../i18n/ui.js';

/** Whole percent of an upload, 0–100. */
export function uploadPercent(p: UploadProgress): number {
  return p.total > 0 ? Math.min(100, Math.max(0, Math.floor((p.loaded / p.total) * 100))) : 0;
}

/** The progress bar and cancel button of an own file message while it uploads. */
export function renderUploadProgress(t: UiStrings, progress: UploadProgress | undefined, onCancel: () => void): TemplateResult | typeof nothing {
  if (!progress) return nothing;
  const percent = uploadPercent(progress);
  return html`<div part="upload" class="upload">
    <div
      part="progress"
      class="progress"
      role="progressbar"
      aria-valuemin="0"
      aria-valuemax="100"
      aria-valuenow=${percent}
      aria-label=${t.uploading(percent)}
    >
      <div part="progress-bar" class="progress-bar" style=${cssVars({ '--_progress-value': percent / 100 })}></div>
    </div>
    <button part="cancel-upload-button" type="button" aria-label=${t.cancelUpload} title=${t.cancelUpload} @click=${onCancel}>✕</button>
  </div>`;
}
