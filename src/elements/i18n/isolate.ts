/** Bidi embeddings, overrides and isolates (U+202A–202E, U+2066–2069). */
const BIDI_CONTROLS = /[\u202a-\u202e\u2066-\u2069]/g;

/**
 * A name (or other text a user chose) isolated inside a sentence with FSI … PDI, as `<bdi>` isolates
 * it in markup, for the sentences that are plain text (a group's notices, "Bob is typing…", "Forwarded
 * from Bob", previews, the live region): a right-to-left override in a name cannot reorder the words
 * around it. Its own bidi controls are dropped, so that none closes the isolate early.
 */
export const isolate = (s: string): string => `\u2068${withoutBidiControls(s)}\u2069`;

/** A name as text a person writes with it (an @mention's label): its bidi controls dropped, so none reaches past it. */
export const withoutBidiControls = (s: string): string => s.replace(BIDI_CONTROLS, '');
