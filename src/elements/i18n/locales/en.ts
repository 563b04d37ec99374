// English is written in the msg() calls, where @lit/localize answers with it when a catalogue has
// no string of that id: this table is empty. The script tag's build takes the English out of the
// calls and writes it here (scripts/english-chunk.ts), so that it is a chunk like the other locales.
export const templates = {};
