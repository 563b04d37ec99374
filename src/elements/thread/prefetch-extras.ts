/**
 * What the elements open only on first use (search, who reacted, the report dialog, the media
 * viewer, the forward dialog, the group and people views, the emoji and reaction pickers with
 * their list, a message's action menu, the composer's reply, edit and link preview bars, an upload's progress bar, who read a message, the @mention list, the voice recording bar, formatted text's renderer, the
 * pictures, players and cards of messages) is fetched
 * once per page when it is idle after `<chat-thread>` is defined, so that a page that goes
 * offline after loading still opens each of them. Fetched only: each registers itself when
 * first used, from the module map, with no request. Not on a connection that asks to save data;
 * tried again at the next definition if the network failed it.
 */
let fetched = false;

/** Whether the connection asks to save data (`navigator.connection.saveData`, Chromium's): then nothing is fetched ahead of use. */
export const savesData = (): boolean => !!(navigator as Navigator & { connection?: { saveData?: boolean } }).connection?.saveData;

export function prefetchExtras(): void {
  if (fetched) return;
  if (savesData()) return;
  fetched = true;
  Promise.all([
    import('../composer/emoji-picker.js'),
    import('../composer/emoji-data.js'),
    import('../composer/mention-list.js'),
    import('../composer/voice-bar.js'),
    import('../search/chat-search.js'),
    import('./changes/reactors.js'),
    import('./report-dialog.js'),
    import('../media-viewer.js'),
    import('./media-items.js'),
    import('../forward-dialog.js'),
    import('../groups/group-elements.js'),
    import('../markdown/render.js'),
    import('./elems/media-elems.js'),
    import('./message-menu.js'),
    import('../composer/compose-bars.js'),
    import('./upload-progress.js'),
    import('./reader-list.js'),
  ]).catch(() => (fetched = false));
}
