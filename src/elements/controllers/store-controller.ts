import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ReadableAtom } from 'nanostores';

/**
 * Reads a nanostores atom for a Lit element while it is connected, re-rendering it on change.
 *
 * Unlike `@nanostores/lit`'s `StoreController` the store is chosen by a function that is asked
 * again before every render, so an element can switch stores when a property changes
 * (`client.messages(this.conversation)`) or when its client arrives through context.
 */
export class StoreController<T> implements ReactiveController {
  /** The store's current value, or the fallback while there is no store. */
  value: T;

  readonly #host: ReactiveControllerHost;
  readonly #select: () => ReadableAtom<T> | undefined;
  readonly #fallback: T;
  #store: ReadableAtom<T> | undefined;
  #unlisten: (() => void) | undefined;

  constructor(host: ReactiveControllerHost, select: () => ReadableAtom<T> | undefined, fallback: T) {
    this.#host = host;
    this.#select = select;
    this.#fallback = fallback;
    this.value = fallback;
    host.addController(this);
  }

  hostConnected(): void {
    this.#follow();
  }

  hostUpdate(): void {
    // Runs before render: picks up a new conversation or client without an extra update.
    this.#follow();
  }

  hostDisconnected(): void {
    this.#unlisten?.();
    this.#unlisten = undefined;
    this.#store = undefined;
  }

  #follow(): void {
    if (!this.#host) return;
    const store = this.#select();
    if (store === this.#store) return;
    this.#unlisten?.();
    this.#store = store;
    if (!store) {
      this.#unlisten = undefined;
      this.value = this.#fallback;
      return;
    }
    // listen() first mounts the store (lazy stores start their work), then read it.
    this.#unlisten = store.listen((value) => {
      this.value = value;
      this.#host.requestUpdate();
    });
    this.value = store.get();
  }
}
