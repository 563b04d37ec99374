import { html, type TemplateResult } from 'lit';
import { cssVars } from '../css-vars.js';
import type { UploadProgress } from '../../client/types.js';
import { uploadStrings } from '../i18n/upload-progress.js';
import type { ElemContext } from './elems/context.js';
import { uploadProgressStyles } from './upload-progress.styles.js';

/**
 * The progress bar and cancel button of an own file message while it uploads. Loaded by the
 * thread's rows the first time an upload shows (`message-row.ts`): only the upload code
 * (`client/upload.ts`), itself loaded on first use, makes progress to show, so in the script tag
 * it comes with it.
 */
export function renderUploadProgress(ctx: ElemContext, progress: UploadProgress, onCancel: () => void): TemplateResult {
  ctx.adopt(uploadProgressStyles);
  const t = uploadStrings();
  const percent = progress.total > 0 ? Math.min(100, Math.max(0, Math.floor((progress.loaded / progress.total) * 100))) : 0;
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
