import { UNREAD_COUNT_MAX } from '../core/types.js';
import { notHiddenFor } from './postgres-schema.js';

/** A row of the walk (from `messages m`): its seq, whether it is skipped with its run, its run, whether it counts, whether it mentions $2. */
const WALK_ROW = `m.seq, (m.excl_unread OR m.visible_to IS NOT NULL OR m.sender = $2) AS skip, m.run_start,
  NOT (m.excl_unread OR m.visible_to IS NOT NULL OR m.sender = $2) AND ${notHiddenFor('$2')} AS cnt, m.mentions && ARRAY[$2::text, '@all'] AS men`;

/**
 * Unread count and mention of conversation $1 for $2 after seq $3, reading a bounded number of rows
 * (one statement): the walk goes newest first, a row that does not count for $2 skipping its
 * run; it stops at UNREAD_COUNT_MAX counting rows. The messages for $2 alone come from
 * `messages_targeted`; a mention below where either stopped from the mentions table
 * (postgres-unread-mentions.ts): $2's rows and '@all''s, only $2's own '@all' and rows $2 deleted
 * for themselves passed over.
 */
export const UNREAD_STATE_SQL = `WITH RECURSIVE walk AS (
    (SELECT ${WALK_ROW}, (NOT (m.excl_unread OR m.visible_to IS NOT NULL OR m.sender = $2) AND ${notHiddenFor('$2')})::int AS n
     FROM messages m WHERE m.conv_key = $1 AND m.seq > $3 ORDER BY m.seq DESC LIMIT 1)
    UNION ALL
    SELECT r.seq, r.skip, r.run_start, r.cnt, r.men, w.n + r.cnt::int FROM walk w CROSS JOIN LATERAL (
      SELECT ${WALK_ROW} FROM messages m WHERE m.conv_key = $1 AND m.seq > $3
        AND m.seq < CASE WHEN w.skip THEN least(w.seq, coalesce(w.run_start, w.seq)) ELSE w.seq END
      ORDER BY m.seq DESC LIMIT 1) r
    WHERE w.n < ${UNREAD_COUNT_MAX}),
  mine AS (SELECT m.seq, m.mentions && ARRAY[$2::text, '@all'] AS men FROM messages m
    WHERE m.conv_key = $1 AND m.visible_to[2] = $2 AND m.visible_to[2] IS NOT NULL AND NOT m.excl_unread AND m.seq > $3 AND m.sender <> $2
      AND ${notHiddenFor('$2')} ORDER BY m.seq DESC LIMIT ${UNREAD_COUNT_MAX}),
  totals AS (SELECT (SELECT count(*) FROM walk WHERE cnt) AS wn, (SELECT bool_or(cnt AND coalesce(men, false)) FROM walk) AS wm,
    (SELECT min(seq) FROM walk WHERE n >= ${UNREAD_COUNT_MAX}) AS wstop,
    (SELECT count(*) FROM mine) AS tn, (SELECT bool_or(coalesce(men, false)) FROM mine) AS tm, (SELECT min(seq) FROM mine) AS tmin)
  SELECT least(${UNREAD_COUNT_MAX}, wn + tn)::int AS unread,
    coalesce(wm, false) OR coalesce(tm, false) OR CASE WHEN wstop IS NOT NULL OR tn = ${UNREAD_COUNT_MAX} THEN EXISTS (
      SELECT 1 FROM message_mentions x JOIN messages m ON m.conv_key = x.conv_key AND m.seq = x.seq
      WHERE x.conv_key = $1 AND x.who IN ($2::text, '@all') AND x.seq > $3
        AND x.seq < greatest(coalesce(wstop, $3 + 1), CASE WHEN tn = ${UNREAD_COUNT_MAX} THEN tmin ELSE $3 + 1 END)
        AND m.sender <> $2 AND ${notHiddenFor('$2')}) ELSE false END AS mentioned
  FROM totals`;
