import type { FastifyInstance } from 'fastify';
import * as v from 'valibot';
import { noControls } from '../../protocol/index.js';
import { WORD_LIST_LIMITS, type WordList } from '../moderation/word-list.js';
import { parse } from './validate.js';

const Entry = v.strictObject({
  word: v.pipe(v.string(), v.minLength(1), v.maxLength(WORD_LIST_LIMITS.wordChars), noControls()),
  mode: v.optional(v.picklist(['reject', 'mask'])),
});
const Entries = v.strictObject({ items: v.pipe(v.array(Entry), v.maxLength(WORD_LIST_LIMITS.entries)) });
const WordQuery = v.object({ word: v.pipe(v.string(), v.minLength(1), v.maxLength(WORD_LIST_LIMITS.wordChars)) });

/**
 * The moderation word list (admin key): `GET` shows it (stored items, configured ones, the default
 * mode), `PUT` replaces the stored items, `POST` adds some, `DELETE ?word=` removes one. Every
 * answer is the list as it now is; every node applies a change at once (the bus tells them).
 */
export function wordListRoutes(app: FastifyInstance, wordList: WordList): void {
  app.get('/v1/wordlist', () => wordList.view());
  app.put('/v1/wordlist', async (req) => wordList.replace(parse(Entries, req.body ?? {}).items));
  app.post('/v1/wordlist', async (req) => wordList.add(parse(Entries, req.body ?? {}).items));
  app.delete('/v1/wordlist', async (req) => wordList.remove(parse(WordQuery, req.query ?? {}).word));
}
