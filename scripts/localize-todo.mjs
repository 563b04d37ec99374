// The translation workflow's two steps after `npm run localize:extract`:
//
//   npm run localize:todo                      # per locale, the strings without a translation
//   npm run localize:todo -- --json > todo.json # the same as JSON: { locale: { id: English } }
//   npm run localize:todo -- --locale ja        # one locale only (with either form)
//   npm run localize:apply -- todo.json         # writes the translations a JSON file holds
//
// Strings are plain text with each placeholder written as its expression (`${count}`): a
// translation keeps every one of its English string's exactly once, anywhere (word order is the
// translator's). Apply checks that, writes the `<target>`s into `xliff/<locale>.xlf`, then runs
// `lit-localize extract` (normalises the files) and `build` (regenerates the locale modules).
// Plural forms are ids of their own (`….zero`, `….one`, `….two`, `….few`, `….many`, `….other`):
// a language translates those its `Intl.PluralRules` uses and repeats `other` in the rest.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fromText, toText, unitsOf, withTargets } from './lib/xliff.mjs';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { json: { type: 'boolean', default: false }, locale: { type: 'string' }, apply: { type: 'boolean', default: false } },
});

const config = JSON.parse(readFileSync('lit-localize.json', 'utf8'));
const fileOf = (locale) => join(config.interchange.xliffDir, `${locale}.xlf`);
const locales = values.locale ? [values.locale] : config.targetLocales;
for (const locale of locales) if (!config.targetLocales.includes(locale)) throw new Error(`${locale} is not a target locale of lit-localize.json`);

if (values.apply) {
  const [file] = positionals;
  if (!file) throw new Error('usage: npm run localize:apply -- <translations.json>');
  const translations = JSON.parse(readFileSync(file, 'utf8'));
  const errors = [];
  let written = 0;
  for (const [locale, strings] of Object.entries(translations)) {
    if (!locales.includes(locale)) continue;
    const xml = readFileSync(fileOf(locale), 'utf8');
    const sources = new Map(unitsOf(xml).map((u) => [u.id, u.source]));
    const targets = new Map();
    for (const [id, text] of Object.entries(strings)) {
      if (!sources.has(id)) errors.push(`${locale} ${id}: no such string (run \`npm run localize:extract\` first?)`);
      else if (typeof text !== 'string' || !text.trim()) errors.push(`${locale} ${id}: empty translation`);
      else {
        try {
          targets.set(id, fromText(text, sources.get(id)));
        } catch (error) {
          errors.push(`${locale} ${id}: ${error.message}`);
        }
      }
    }
    writeFileSync(fileOf(locale), withTargets(xml, targets));
    written += targets.size;
  }
  const cli = join('node_modules', '@lit', 'localize-tools', 'bin', 'lit-localize.js');
  execFileSync(process.execPath, [cli, 'extract'], { stdio: ['ignore', 'ignore', 'inherit'] });
  // `build` warns once per string a locale lacks: `npm run localize:todo` lists them instead.
  execFileSync(process.execPath, [cli, 'build'], { stdio: ['ignore', 'ignore', 'pipe'] });
  console.log(`${written} translation(s) written; XLIFF files and locale modules regenerated. What is left: \`npm run localize:todo\`.`);
  for (const error of errors) console.error(error);
  if (errors.length) process.exitCode = 1;
} else {
  const todo = {};
  for (const locale of locales) {
    const missing = unitsOf(readFileSync(fileOf(locale), 'utf8')).filter((u) => u.target === undefined);
    if (missing.length) todo[locale] = Object.fromEntries(missing.map((u) => [u.id, toText(u.source)]));
  }
  if (values.json) console.log(JSON.stringify(todo, null, 2));
  else if (Object.keys(todo).length === 0) console.log(`Every string is translated (${locales.join(', ')}).`);
  else {
    for (const [locale, strings] of Object.entries(todo)) {
      console.log(`${locale}: ${Object.keys(strings).length} untranslated`);
      for (const [id, text] of Object.entries(strings)) console.log(`  ${id}\t${text}`);
    }
  }
}
