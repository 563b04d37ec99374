/**
 * custom-elements.json describes the elements. The analyzer also lists helper modules that
 * declare none, but not every time (runs on one tree differ in which of those it includes), so
 * they are left out: the manifest is the same on every run and `check:manifest` stays honest.
 */
export default {
  plugins: [
    {
      // The analyzer's JSDoc parser gives a tag every line up to the next tag, blank lines
      // included: prose after `@cssproperty … - Stacking level.` became that property's
      // description (and the class had none). The class's prose goes before its first tag.
      name: 'natter:prose-before-tags',
      analyzePhase({ ts, node, moduleDoc }) {
        if (!ts.isClassDeclaration(node)) return;
        for (const doc of node.jsDoc ?? []) {
          const lines = doc.getText().split('\n').map((l) => l.replace(/^\s*\/?\*+\/?\s?/, ''));
          const first = lines.findIndex((l) => l.startsWith('@'));
          if (first < 0) continue;
          const stray = lines.findIndex((l, i) => i > first && l.trim() !== '' && !l.startsWith('@') && lines[i - 1].trim() === '');
          if (stray >= 0) {
            throw new Error(`${moduleDoc.path}: JSDoc of ${node.name?.text}: the paragraph "${lines[stray].slice(0, 40)}…" follows a tag, so the analyzer would give it to that tag; move it above the first tag`);
          }
        }
      },
    },
    {
      name: 'natter:elements-only',
      packageLinkPhase({ customElementsManifest }) {
        customElementsManifest.modules = customElementsManifest.modules.filter((m) => m.declarations?.some((d) => d.customElement));
      },
    },
  ],
};
