/**
 * Loads the elements of `<chat-widget>`'s panel once per page (see `./panel.ts`).
 */
let panel: Promise<void> | undefined;

/** What `<chat-widget>` renders in its open panel (`./panel-view.ts`), once `./panel.ts` installed it. */
export type PanelView = Pick<typeof import('./panel-view.js'), 'consumeSessionClient' | 'panelStyles' | 'renderPanel'>
  & Pick<typeof import('../notify/page-notifier.js'), 'attachNotifier'>
  & Pick<typeof import('./panel.js'), 'defineOnDemand'>;
let view: PanelView | undefined;

export const panelView = (): PanelView | undefined => view;

/** Called by `./panel.ts` when it loads. */
export function installPanelView(installed: PanelView): void {
  view = installed;
}

/**
 * The tags `./panel.ts` registers, here so that asking costs no download; `panelElements` there
 * must have exactly these keys (the compiler checks it).
 */
export const PANEL_TAGS = ['chat-session', 'conversation-list', 'chat-thread', 'message-composer'] as const;

/** Whether every element of the panel is registered already (by `natter/define`, or a load before), and its view installed. */
export function panelDefined(): boolean {
  return view !== undefined && PANEL_TAGS.every((tag) => customElements.get(tag));
}

/** Registers the panel's elements, loading them (and the page's strings) first if needed; a failed load is tried again next time. */
export function loadPanel(): Promise<void> {
  panel ??= import('./panel.js')
    // What the panel opens on first use is fetched on idle once `<chat-thread>` is defined (thread/prefetch-extras.ts).
    .then((m) => m.definePanel())
    .catch((error: unknown) => {
      panel = undefined;
      throw error;
    });
  return panel;
}
