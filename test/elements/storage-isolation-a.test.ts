// Test files share one browser context (web-test-runner.config.mjs, for its cache) but never each
// other's storage: this file leaves some behind, storage-isolation-b.test.ts (run after it) finds none.
import { expect } from '@open-wc/testing';

describe('storage between test files (a: leaves some)', () => {
  it('writes localStorage and an IndexedDB database and leaves them', async () => {
    localStorage.setItem('natter-isolation', 'left by a');
    await new Promise<void>((resolve, reject) => {
      const open = indexedDB.open('natter-isolation', 1);
      open.onupgradeneeded = () => open.result.createObjectStore('left');
      open.onsuccess = () => (open.result.close(), resolve());
      open.onerror = () => reject(open.error);
    });
    expect(localStorage.getItem('natter-isolation')).to.equal('left by a');
    expect((await indexedDB.databases()).map((d) => d.name)).to.include('natter-isolation');
  });
});
