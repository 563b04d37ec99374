/**
 * Loads the group dialogs once per page (`./group-elements.ts`), when a person first asks for
 * one. They travel in the panel's module (`../widget/panel.ts`), which a page showing the list or
 * a thread has already loaded: in the script-tag build a lazy chunk of their own would have to
 * share the core's modules through extra chunks, which the core may not import.
 */
let loading: Promise<void> | undefined;

/** Registers `<group-panel>` and `<group-create-dialog>`, loading them first if needed; a failed load is tried again next time. */
export function loadGroupElements(): Promise<void> {
  if (customElements.get('group-panel') && customElements.get('group-create-dialog')) return Promise.resolve();
  loading ??= import('../widget/panel.js').then(
    (m) => m.defineGroupElements(),
    (error: unknown) => {
      loading = undefined;
      throw error;
    },
  );
  return loading;
}
