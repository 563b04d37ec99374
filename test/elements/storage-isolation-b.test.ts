// The other half of storage-isolation-a.test.ts: what that file left is gone with its page.
import { expect } from '@open-wc/testing';

describe('storage between test files (b: finds none)', () => {
  it("sees neither the localStorage entry nor the IndexedDB database another file left", async () => {
    expect(localStorage.getItem('natter-isolation')).to.equal(null);
    expect((await indexedDB.databases()).map((d) => d.name)).to.not.include('natter-isolation');
  });

  it('has its page shown and focused, as it had in a context of its own (keyboard and smooth-scroll tests need both)', () => {
    expect(document.visibilityState).to.equal('visible');
    expect(document.hasFocus()).to.equal(true);
  });
});
