// Fails when custom-elements.json is not what `npm run analyze` generates from the sources.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

// The analyzer resolves --outdir against the working directory, so stay inside the project.
const out = mkdtempSync('.cem-check-');
// The analyzer also points package.json's "customElements" at its output; put it back after.
const pkg = readFileSync('package.json', 'utf8');
try {
  execFileSync('npm', ['run', '--silent', 'analyze', '--', '--outdir', out], { stdio: ['ignore', 'ignore', 'inherit'] });
  const fresh = readFileSync(join(out, 'custom-elements.json'), 'utf8');
  const committed = readFileSync('custom-elements.json', 'utf8');
  if (fresh !== committed) {
    console.error('custom-elements.json is stale: run `npm run analyze` and commit the result.');
    process.exit(1);
  }
  console.log('custom-elements.json is up to date.');
} finally {
  writeFileSync('package.json', pkg);
  rmSync(out, { recursive: true, force: true });
}
