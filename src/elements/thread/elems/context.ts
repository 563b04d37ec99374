import type { CSSResult } from 'lit';
import type { ChatMessage, CustomRenderer } from '../../../client/types.js';
import type { StickerSet } from '../../context.js';
import type { UiStrings } from '../../i18n/ui.js';

/** What drawing one elem needs from its thread (all elem renderers share it). */
export interface ElemContext {
  t: UiStrings;
  /** A stored file URL made fetchable by this user (`client.fileUrl`). */
  fileUrl(url: string): string;
  /** The host page's renderer for a custom type (`client.renderer`). */
  renderer(customType: string): CustomRenderer | undefined;
  /** Developer-defined stickers: face elem `data` key → image URL. */
  stickers: StickerSet | undefined;
  /** The `@name` tokens a message's text may hold for the users it @mentions. */
  mentionNames(m: ChatMessage): readonly string[];
  /** Whether text messages show their formatting (bold, lists, code …) rather than its markers. */
  formatting: boolean;
  /** Renders the thread again (code that was being fetched has arrived). */
  refresh(): void;
  /** Gives the thread the styles of what a renderer fetched after it draws (once; after the thread's own). */
  adopt(styles: CSSResult): void;
}
