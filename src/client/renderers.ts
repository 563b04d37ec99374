import type { CustomRenderer } from './types.js';

/** A custom element name (HTML spec: lowercase ASCII start, a hyphen, no uppercase). */
const CUSTOM_ELEMENT_NAME = /^[a-z][a-z0-9._-]*-[a-z0-9._-]*$/;

/** The renderers of one client: `registerRenderer` and `renderer` of {@link ChatClient}. */
export interface RendererRegistry {
  registerRenderer(customType: string, renderer: CustomRenderer): () => void;
  renderer(customType: string): CustomRenderer | undefined;
}

/**
 * Custom-elem renderers registered by the host page, per client (no globals). Registering a type
 * again replaces the previous renderer; the returned function unregisters only what it registered.
 * Every change dispatches a `renderer` event (`detail`: the custom type) on `events`, so elements
 * that already drew a message of that type draw it again.
 */
export function createRenderers(events: EventTarget): RendererRegistry {
  const renderers = new Map<string, CustomRenderer>();
  const changed = (customType: string) => events.dispatchEvent(new CustomEvent('renderer', { detail: customType }));
  return {
    registerRenderer(customType: string, renderer: CustomRenderer): () => void {
      // One sentence for the three mistakes: the page's developer reads it, never a visitor.
      if (typeof customType !== 'string' || !customType || (typeof renderer === 'string' ? !CUSTOM_ELEMENT_NAME.test(renderer) : typeof renderer !== 'function')) {
        throw new TypeError('registerRenderer(type, function or element-name)');
      }
      renderers.set(customType, renderer);
      changed(customType);
      return () => {
        if (renderers.get(customType) !== renderer) return;
        renderers.delete(customType);
        changed(customType);
      };
    },
    renderer(customType: string): CustomRenderer | undefined {
      return renderers.get(customType);
    },
  };
}
