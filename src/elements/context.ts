import { createContext } from '@lit/context';
import type { ChatClient } from '../client/types.js';

/**
 * The chat client that `<chat-session>` provides to every Natter element inside it.
 * The key is a registered symbol so that two copies of this module (two bundles on one page)
 * still find each other's session.
 */
export const chatClientContext = createContext<ChatClient | undefined>(Symbol.for('natter.chat-client'));

/**
 * Developer-defined stickers (`{ [key]: imageUrl }`) that `<chat-session stickers>` provides:
 * the thread draws a face elem whose `data` is a key as that image, the composer offers them.
 */
export const chatStickersContext = createContext<Readonly<Record<string, string>> | undefined>(Symbol.for('natter.stickers'));
