import { ChatError, type ConversationId, type Elem } from '../../protocol/index.js';
import { enterConversation } from '../core/conversation-access.js';
import type { Store } from '../core/store.js';
import type { ConversationKey, MessageDraft } from '../core/types.js';
import type { FileIndex, FileRecord } from './file-index.js';
import { fileLimit } from '../../protocol/index.js';
import { FILE_ELEM_KINDS } from './file-kinds.js';

/** References of one file looked at per access check (a file forwarded more often than this is still readable through its newest). */
const REFS_CHECKED = 1000;

/** The path of a served file: `/v1/files/<id>/<name>`. */
const FILE_PATH = /\/v1\/files\/([A-Za-z0-9-]{8,64})\/[^/]*$/;

/** The file id in one of our file URLs, else undefined (any other URL). */
export function fileIdOf(url: string): string | undefined {
  try {
    return FILE_PATH.exec(new URL(url, 'http://natter.invalid').pathname)?.[1];
  } catch {
    return undefined;
  }
}

/** Every URL an elem carries (merged forwards included), with the elem type that carries it. */
function urlsOf(elem: Elem, out: { url: string; type: Elem['type'] }[] = []): { url: string; type: Elem['type'] }[] {
  switch (elem.type) {
    case 'image':
      out.push({ url: elem.url, type: 'image' });
      if (elem.thumbnail) out.push({ url: elem.thumbnail.url, type: 'image' });
      break;
    case 'video':
      out.push({ url: elem.url, type: 'video' });
      if (elem.snapshot) out.push({ url: elem.snapshot.url, type: 'image' });
      break;
    case 'sound':
    case 'file':
      out.push({ url: elem.url, type: elem.type });
      break;
    case 'merger':
      for (const m of elem.messages) urlsOf(m.elem, out);
      break;
    default:
      break;
  }
  return out;
}

/** What the chat core asks before a commit (ChatCoreDeps.files). */
export interface FileReferences {
  /**
   * Checks the files a draft references and records the references, before the commit (a
   * reference whose message never commits grants nothing: access needs the message). A user
   * may reference a file they uploaded or can already fetch; an admin any. Throws
   * FILE_FORBIDDEN, or FILE_TOO_LARGE when the file is larger than its elem type allows.
   */
  reference(draft: MessageDraft, sender: string, options: { admin: boolean; record: boolean }): Promise<void>;
  /** Whether `elem` carries any URL that `reference` must look at (text, the usual send, does not). */
  carriesUrls(elem: Elem): boolean;
}

/**
 * Who may upload into a conversation, fetch a file, and reference one in a message. A file is
 * readable by its uploader and by every member of a conversation holding a message, visible to
 * that member, that carries it (forwards and merged forwards record their own references).
 */
export class FileAccess implements FileReferences {
  readonly #store: Store;
  readonly #index: FileIndex;

  constructor(store: Store, index: FileIndex) {
    this.#store = store;
    this.#index = index;
  }

  /** The conversation's key if `userId` may upload into it: NOT_MEMBER, USER_UNKNOWN, GROUP_UNKNOWN otherwise. */
  async uploadTarget(userId: string, conversationId: ConversationId): Promise<ConversationKey> {
    return (await enterConversation(this.#store, userId, conversationId)).key;
  }

  /** The file if `userId` may fetch it: FILE_NOT_FOUND or FILE_FORBIDDEN otherwise. */
  async readable(userId: string, fileId: string): Promise<FileRecord> {
    const file = await this.#index.getFile(fileId);
    if (!file) throw new ChatError('FILE_NOT_FOUND');
    if (!(await this.#canRead(userId, file))) throw new ChatError('FILE_FORBIDDEN');
    return file;
  }

  /** Of `fileIds`, those `userId` may fetch (unknown and forbidden ones are left out). */
  async readableAmong(userId: string, fileIds: string[]): Promise<Set<string>> {
    const out = new Set<string>();
    const files = await this.#index.getFiles([...new Set(fileIds)]);
    for (const [id, file] of files) if (await this.#canRead(userId, file)) out.add(id);
    return out;
  }

  async #canRead(userId: string, file: FileRecord): Promise<boolean> {
    if (file.uploader === userId) return true;
    const refs = await this.#index.listRefs(file.id, REFS_CHECKED);
    /** Per conversation: not a member (undefined), else the seq their history starts after. */
    const floors = new Map<ConversationKey, number | undefined>();
    for (const ref of refs) {
      if (!floors.has(ref.key)) {
        const state = await this.#store.getConversation(userId, ref.key);
        floors.set(ref.key, state ? (state.historyFloor ?? 0) : undefined);
      }
      const floor = floors.get(ref.key);
      if (floor === undefined) continue;
      const found = await this.#store.findMessage(ref.key, ref.messageId);
      // A member of a since-join group does not see (nor fetch the files of) what came before they joined.
      // A recalled message carries nothing any more: its files are the uploader's alone.
      if (found && !found.message.recalled && found.message.seq > floor && (!found.visibleTo || found.visibleTo.includes(userId))) return true;
    }
    return false;
  }

  carriesUrls(elem: Elem): boolean {
    return urlsOf(elem).length > 0;
  }

  async reference(draft: MessageDraft, sender: string, options: { admin: boolean; record: boolean }): Promise<void> {
    const urls = urlsOf(draft.message.elem);
    if (urls.length === 0) return;
    const ids = new Map<string, Elem['type']>();
    for (const { url, type } of urls) {
      const id = fileIdOf(url);
      if (id && !ids.has(id)) ids.set(id, type);
    }
    if (ids.size === 0) return;
    // Ids we never issued are someone else's URLs that happen to look like ours: not our concern.
    const files = await this.#index.getFiles([...ids.keys()]);
    for (const [id, file] of files) {
      const kind = FILE_ELEM_KINDS[ids.get(id)!];
      if (kind && file.size > fileLimit(kind)) throw new ChatError('FILE_TOO_LARGE');
      if (!options.admin && !(await this.#canRead(sender, file))) throw new ChatError('FILE_FORBIDDEN');
    }
    if (options.record) {
      await this.#index.addRefs([...files.keys()].map((fileId) => ({ fileId, key: draft.key, messageId: draft.message.id })));
    }
  }
}
