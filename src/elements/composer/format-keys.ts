/** The composer's formatting shortcuts: Ctrl/Cmd+B bold, +I italic, +E code, +Shift+X strikethrough. */
const MARKERS: Record<string, string> = { b: '**', i: '_', e: '`', x: '~~' };

/**
 * The marker a key press asks for, or undefined: Ctrl (Cmd on Apple) with B, I or E, or
 * Ctrl/Cmd+Shift+X; never with Alt (AltGr types characters on some layouts).
 */
export function formatKey(e: KeyboardEvent): string | undefined {
  if (!(e.ctrlKey || e.metaKey) || e.altKey || e.isComposing) return undefined;
  const key = e.key.toLowerCase();
  if (key === 'x' ? !e.shiftKey : e.shiftKey) return undefined;
  return MARKERS[key];
}

/**
 * Wraps the selection of `input` in `marker` (or unwraps it when the markers are already around
 * it); without a selection, puts a pair of markers with the caret between. Code over several
 * lines becomes a fenced block. Returns the new value.
 */
export function applyMarker(input: HTMLTextAreaElement, marker: string): string {
  const { selectionStart: start, selectionEnd: end, value } = input;
  const selected = value.slice(start, end);
  const open = marker === '`' && selected.includes('\n') ? '```\n' : marker;
  const close = open === marker ? marker : '\n```';
  if (value.slice(start - open.length, start) === open && value.slice(end, end + close.length) === close) {
    input.setRangeText(selected, start - open.length, end + close.length, 'select');
  } else {
    input.setRangeText(open + selected + close, start, end, 'select');
    input.setSelectionRange(start + open.length, start + open.length + selected.length);
  }
  return input.value;
}
