/**
 * Registers elements under their tags, leaving alone a tag that is already registered (another
 * copy of Natter on the page, or the host's own element): registering twice is harmless.
 */
export function defineElements(elements: Readonly<Record<string, CustomElementConstructor>>): void {
  for (const [tag, element] of Object.entries(elements)) {
    if (!customElements.get(tag)) customElements.define(tag, element);
  }
}
