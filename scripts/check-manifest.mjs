// Fails when custom-elements.json is not what `npm run analyze` generates from the sources.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Runs the analyzer into a scratch directory and returns what it wrote. */
function generate() {
  // The analyzer resolves --outdir against the working directory, so stay inside the project.
  const out = mkdtempSync('.cem-check-');
  // It also points package.json's "customElements" at its output; put that back afterwards.
  const pkg = readFileSync('package.json', 'utf8');
  try {
    execFileSync('npm', ['run', '--silent', 'analyze', '--', '--outdir', out], { stdio: ['ignore', 'ignore', 'inherit'] });
    return readFileSync(join(out, 'custom-elements.json'), 'utf8');
  } finally {
    writeFileSync('package.json', pkg);
    rmSync(out, { recursive: true, force: true });
  }
}

const committed = readFileSync('custom-elements.json', 'utf8');
// One CI run saw the analyzer leave out a module that has no element (it passed on every rerun),
// so a mismatch is confirmed by a second run before it fails: a real stale manifest fails both.
const fresh = generate() === committed || generate() === committed;
if (fresh) console.log('custom-elements.json is up to date.');
else {
  console.error('custom-elements.json is stale: run `npm run analyze` and commit the result.');
  process.exitCode = 1;
}
