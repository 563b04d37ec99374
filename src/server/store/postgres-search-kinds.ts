import type { PoolClient } from 'pg';

/**
 * A message's search kind (migration 33), as sqlite-search.ts's KIND_EXPR: the elem type of a
 * picture, video, sound, file or location, `link` for a text holding a web address (`hasLink`: the
 * same three strings), NULL otherwise. An immutable function of the body, so `messages_kind`, a
 * partial index over (kind, id), holds only those rows and PostgreSQL keeps it in step with the body
 * in the commit's and the change's own statement; a search by kind without words walks it newest first.
 * Both functions read the body's elem as JSON with the escapes of NUL and of surrogates made spaces
 * first: PostgreSQL fails to unescape those (its text holds no NUL, nor lone surrogates), and a
 * failing index expression fails the commit of the message that holds one. The kind and the three
 * strings are ASCII: the spaces change nothing they are found by. A body without any `\u` escape
 * (JSON.stringify writes them for controls and lone surrogates only: nearly every body) skips the regex. Built-ins only inside (no call
 * to another function of ours, which a restore's search_path would not find).
 */
const SAFE_ELEM = `(CASE WHEN strpos(body, '\\u') = 0 THEN body ELSE regexp_replace(body, '\\\\u(0000|[dD][89a-fA-F][0-9a-fA-F]{2})', '\\\\u0020', 'g') END)::json -> 'elem'`;
export const KIND_FUNCTION_SQL = `
CREATE FUNCTION natter_elem_type(body text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT (${SAFE_ELEM}) ->> 'type'
$$;
CREATE FUNCTION natter_search_kind(body text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN t IN ('image', 'video', 'sound', 'file', 'location') THEN t
    WHEN t = 'text' AND (strpos(x, 'http://') > 0 OR strpos(x, 'https://') > 0 OR strpos(x, 'www.') > 0) THEN 'link' END
  FROM (SELECT e ->> 'type' AS t, lower(e ->> 'text') AS x FROM (SELECT ${SAFE_ELEM} AS e) a) b
$$;
CREATE INDEX messages_kind ON messages (natter_search_kind(body), id) WHERE natter_search_kind(body) IS NOT NULL;
`;

/**
 * natter_search_kind again (migration 34), the same kind of every body in one expression
 * (`CASE type WHEN …`, the text's lowercase matched by one regex for the three strings) where the
 * first was a query over a subquery: PostgreSQL inlines a function whose body is one expression
 * (not one with FROM), so the index no longer runs an SQL function's executor a row. Measured on
 * 100,000 bodies (one in 20 a picture, one a link; 3 rounds, old and new alternating): evaluating
 * it 21.0 µs a row before [21.1, 18.9, 21.0], 5.4 after [4.5, 5.4, 7.5]; an INSERT of the rows
 * into a table with the index 39.7 µs a row [47.4, 39.7, 34.7], 16.4 [23.0, 16.4, 14.5], without
 * it 3.2 [4.3, 3.2, 3.2]. Same kind for every one of them: the index is not rebuilt.
 */
export const KIND_FUNCTION_INLINED_SQL = `
CREATE OR REPLACE FUNCTION natter_search_kind(body text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE (${SAFE_ELEM}) ->> 'type'
    WHEN 'image' THEN 'image' WHEN 'video' THEN 'video' WHEN 'sound' THEN 'sound' WHEN 'file' THEN 'file' WHEN 'location' THEN 'location'
    WHEN 'text' THEN CASE WHEN lower((${SAFE_ELEM}) ->> 'text') ~ '(https?://|www\\.)' THEN 'link' END END
$$;
`;

/** Kinds `messages_kind` holds. */
export const INDEXED_KINDS: ReadonlySet<string> = new Set(['image', 'video', 'sound', 'file', 'location', 'link']);

/** The rows the kind index holds once built (what migration 33 logs). */
export async function countKinds(client: PoolClient): Promise<Record<string, unknown>> {
  const { rows } = await client.query<{ n: string }>('SELECT count(*) AS n FROM messages WHERE natter_search_kind(body) IS NOT NULL');
  return { rows: Number(rows[0]!.n) };
}
