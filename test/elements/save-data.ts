/**
 * Imported first by a test file: the page's connection asks to save data, so `<chat-thread>`
 * fetches nothing ahead on idle (`src/elements/thread/prefetch-extras.ts`) and what it loads on
 * first use is fetched at that use, as on such a connection.
 */
Object.defineProperty(navigator, 'connection', { configurable: true, value: { saveData: true } });
