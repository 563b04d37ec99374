import { expect, waitUntil } from '@open-wc/testing';
import { WAIT_UNTIL_TIMEOUT_MS } from './open-wc.js';

// The element tests' `waitUntil` (test/elements/open-wc.ts, by the runner's resolution of
// `@open-wc/testing`) gives a condition that holds only after 1.5 s the time to hold: a server's
// answer on a loaded machine can take that long. open-wc's own gives up after 1 s.
describe('waitUntil in the element tests', () => {
  it('waits past a second for a condition when the call names no timeout', async () => {
    const started = Date.now();
    await waitUntil(() => Date.now() - started >= 1500, 'the condition should hold after 1.5 s');
    expect(Date.now() - started).to.be.within(1500, WAIT_UNTIL_TIMEOUT_MS);
  });

  it('still fails when the condition never holds, and keeps a timeout the call names', async () => {
    const started = Date.now();
    const error = await waitUntil(() => false, 'never', { timeout: 200 }).then(() => undefined, (e: unknown) => e);
    expect(String(error)).to.contain('never');
    expect(Date.now() - started).to.be.below(1000);
  });
});
