/**
 * The `natter` package entry: the headless client and the element classes, with no side
 * effects (nothing is registered). Import `natter/define` to register the tags.
 *
 * Protocol values one module at a time, never `./protocol/index.js`: that one loads
 * `./protocol/errors.js`, the server's English sentences, which would then ride along in every
 * app that imports anything from here and become the message of the client's own ChatErrors.
 * They stay at `natter/protocol` (`ERRORS`, `ERROR_MESSAGES`).
 */
export * from './client/index.js';
// Not in the client's index: the script tag's first chunk holds that index, and only the panel asks this.
export { isResendable } from './client/resendable.js';
export * from './elements/index.js';
export { ChatError, ERROR_CODES, errorNameOf, isTransient } from './protocol/error-codes.js';
export { LIMITS } from './protocol/limits.js';
export { PROTOCOL_VERSION } from './protocol/version.js';
export type * from './protocol/index.js';
