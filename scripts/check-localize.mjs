// Fails when the translations are not in step with the sources: a msg() without a stable id, an
// XLIFF file that `npm run localize:extract` would change (a string added, changed or removed),
// a string with no translation in any target locale, a translation whose placeholders are not its
// English string's (see `placeholderProblem`), or a generated locale module that
// `npm run localize:build` would change. Runs lit-localize into a scratch directory; the committed
// files are only read. `npm run localize:todo` lists what is left to translate.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { placeholderProblem, unitsOf } from './lib/xliff.mjs';

const CONFIG = 'lit-localize.json';
const config = JSON.parse(readFileSync(CONFIG, 'utf8'));
const xliffDir = config.interchange.xliffDir;
const outputDir = config.output.outputDir;
const codesModule = config.output.localeCodesModule;
const cli = join('node_modules', '@lit', 'localize-tools', 'bin', 'lit-localize.js');

const problems = [];
// lit-localize resolves paths against its config file's directory: keep the scratch copy in the project.
const scratch = mkdtempSync('.localize-check-');
const scratchConfig = join(scratch, 'lit-localize.json');
const up = (path) => relative(scratch, path) || '.';
try {
  mkdirSync(join(scratch, 'xliff'));
  for (const file of readdirSync(xliffDir)) copyFileSync(join(xliffDir, file), join(scratch, 'xliff', file));
  writeFileSync(
    scratchConfig,
    JSON.stringify({
      ...config,
      tsConfig: up(config.tsConfig),
      inputFiles: config.inputFiles.map(up),
      // (lit-localize writes the locale codes module relative to the working directory, not the config.)
      output: { ...config.output, outputDir: './locales', localeCodesModule: join(scratch, 'locale-codes.ts') },
      interchange: { ...config.interchange, xliffDir: './xliff/' },
    }),
  );
  const run = (command) => execFileSync(process.execPath, [cli, `--config=${scratchConfig}`, command], { stdio: ['ignore', 'ignore', 'inherit'] });

  run('extract');
  for (const locale of config.targetLocales) {
    const file = `${locale}.xlf`;
    const fresh = readFileSync(join(scratch, 'xliff', file), 'utf8');
    const units = unitsOf(fresh);
    // An id lit-localize made up from a hash changes with the English text: every msg() names its own.
    const hashed = units.map((u) => u.id).filter((id) => /^[sh][0-9a-f]{16}$/.test(id));
    if (hashed.length > 0 && locale === config.targetLocales[0]) problems.push(`${hashed.length} msg() call(s) without an id (give each a stable \`{ id: 'area.name' }\`): ${hashed.join(', ')}`);
    const untranslated = units.filter((u) => u.target === undefined).map((u) => u.id);
    if (untranslated.length > 0) problems.push(`${join(xliffDir, file)}: ${untranslated.length} string(s) without a ${locale} translation (\`npm run localize:todo\`): ${untranslated.join(', ')}`);
    for (const u of units) {
      const problem = u.target === undefined ? undefined : placeholderProblem(u.source, u.target);
      if (problem) problems.push(`${join(xliffDir, file)}: the ${locale} translation of ${u.id} ${problem}`);
    }
    if (!existsSync(join(xliffDir, file)) || fresh !== readFileSync(join(xliffDir, file), 'utf8')) {
      problems.push(`${join(xliffDir, file)} is stale: run \`npm run localize:extract\`, translate the new strings, then \`npm run localize:build\``);
    }
  }

  try {
    run('build');
  } catch {
    // lit-localize refuses to build a locale whose placeholders differ (said above, and by the checks).
    problems.push('`lit-localize build` failed (see above)');
  }
  const generated = [
    ...config.targetLocales.map((locale) => [join(scratch, 'locales', `${locale}.ts`), join(outputDir, `${locale}.ts`)]),
    [join(scratch, 'locale-codes.ts'), codesModule],
  ];
  for (const [fresh, committed] of generated) {
    if (!existsSync(fresh)) continue; // the build failed: reported above
    if (!existsSync(committed) || readFileSync(fresh, 'utf8') !== readFileSync(committed, 'utf8')) {
      problems.push(`${committed} is stale: run \`npm run localize:build\` and commit the result`);
    }
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

if (problems.length === 0) console.log(`Translations are complete and up to date (${config.targetLocales.join(', ')}).`);
else {
  for (const problem of problems) console.error(problem);
  process.exitCode = 1;
}
