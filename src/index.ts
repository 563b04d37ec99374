/**
 * The `natter` package entry: the headless client and the element classes, with no side
 * effects (nothing is registered). Import `natter/define` to register the tags.
 */
export * from './client/index.js';
export * from './elements/index.js';
export { ChatError, ERRORS, LIMITS, PROTOCOL_VERSION } from './protocol/index.js';
export type * from './protocol/index.js';
