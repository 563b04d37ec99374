/**
 * custom-elements.json describes the elements. The analyzer also lists helper modules that
 * declare none, but not every time (runs on one tree differ in which of those it includes), so
 * they are left out: the manifest is the same on every run and `check:manifest` stays honest.
 */
export default {
  plugins: [
    {
      name: 'natter:elements-only',
      packageLinkPhase({ customElementsManifest }) {
        customElementsManifest.modules = customElementsManifest.modules.filter((m) => m.declarations?.some((d) => d.customElement));
      },
    },
  ],
};
