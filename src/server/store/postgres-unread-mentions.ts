/**
 * The mentions table on PostgreSQL (as sqlite-unread-count.ts's): a row a user (or '@all') a
 * message's @mentions count for (mention-targets.ts), so an unread count past its cap finds "a
 * mention of me after my read mark" with one probe of its key. Migration 37 makes it, fills it
 * from every row that mentions someone (the same rule, in SQL) and drops `messages_mentions`
 * (migration 36), which made the count read every row mentioning anyone: 100,000 messages
 * mentioning someone else were all read.
 */
export const MENTIONS_MIGRATION = `
CREATE TABLE message_mentions (
  conv_key text COLLATE "C" NOT NULL, who text COLLATE "C" NOT NULL, seq bigint NOT NULL, PRIMARY KEY (conv_key, who, seq)
);
INSERT INTO message_mentions (conv_key, who, seq)
  SELECT m.conv_key, u, m.seq FROM messages m, unnest(m.mentions) u
    WHERE m.mentions IS NOT NULL AND NOT m.excl_unread AND m.visible_to IS NULL AND u <> m.sender
  UNION
  SELECT m.conv_key, v, m.seq FROM messages m, unnest(m.mentions) u, unnest(m.visible_to) v
    WHERE m.mentions IS NOT NULL AND NOT m.excl_unread AND m.visible_to IS NOT NULL AND (u = v OR u = '@all') AND v <> m.sender;
DROP INDEX messages_mentions;`;

/**
 * A commit's rows of the mentions table: parameters $p (each one's draft, its ordinal in the
 * batch) and $p+1 (whom), joined to `source` (the batch's rows: ord, k, s). Empty arrays for a
 * batch without @mentions: nothing written.
 */
export const insertMentions = (source: string, p: number) => `
  mentioned AS (INSERT INTO message_mentions (conv_key, who, seq)
    SELECT n.k, x.who, n.s FROM unnest($${p}::bigint[], $${p + 1}::text[]) AS x(ord, who) JOIN ${source} n ON n.ord = x.ord)`;
