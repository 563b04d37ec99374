import { createContext } from '@lit/context';
import type { ChatClient } from '../client/types.js';

/**
 * The chat client that `<chat-session>` provides to every Natter element inside it.
 * The key is a registered symbol so that two copies of this module (two bundles on one page)
 * still find each other's session.
 */
export const chatClientContext = createContext<ChatClient | undefined>(Symbol.for('natter.chat-client'));

/**
 * Developer-defined stickers: `{ [key]: imageUrl }`, or a list of `{ key, url, label? }` (the
 * form `<message-composer stickers>` takes). A face elem whose `data` is a key is drawn as its
 * image.
 */
export type StickerSet = Readonly<Record<string, string>> | readonly { key: string; url: string; label?: string }[];

/** The stickers that `<chat-session stickers>` provides to the elements inside it. */
export const chatStickersContext = createContext<StickerSet | undefined>(Symbol.for('natter.stickers'));
