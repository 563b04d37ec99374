// The test runner's Mocha provides these as globals in the browser.
/** What Mocha binds `this` to in `describe` and `it` bodies written as `function`s. */
interface MochaContext {
  timeout(ms: number): void;
}
declare function describe(title: string, body: (this: MochaContext) => void): void;
declare function it(title: string, body: (this: MochaContext) => void | Promise<void>): void;
declare function before(body: () => void | Promise<void>): void;
declare function after(body: () => void | Promise<void>): void;
declare function beforeEach(body: () => void | Promise<void>): void;
declare function afterEach(body: () => void | Promise<void>): void;
