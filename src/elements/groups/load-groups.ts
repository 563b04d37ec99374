/** Loads the group dialogs once per page (`./group-elements.ts`), when a person first asks for one. */
let loading: Promise<void> | undefined;

/** Registers `<group-panel>` and `<group-create-dialog>`, loading them first if needed; a failed load is tried again next time. */
export function loadGroupElements(): Promise<void> {
  if (customElements.get('group-panel') && customElements.get('group-create-dialog')) return Promise.resolve();
  loading ??= import('./group-elements.js').then(
    (m) => m.defineGroupElements(),
    (error: unknown) => {
      loading = undefined;
      throw error;
    },
  );
  return loading;
}
