// Durability per topic (SPEC §4) inside the writers' statements. A statement that stores or
// resolves messages, or records their deliveries, carries this CTE: when every topic it touches
// is `async`, it sets `synchronous_commit = off` for its own transaction alone (set_config's
// local form), so the commit is answered before the WAL reaches disk; one `sync` topic among them
// keeps the whole batch synchronous. Deciding in the statement costs no round trip and reads the
// topics as they are now.
//
// What keeps G1 with async commits: claims (push) and receives (pull) never carry it. A claim is a
// synchronous commit made after the message's commit, and Postgres flushes WAL in order, so by the
// time a claim is durable the commit it read is too — no consumer ever gets a message that a crash
// could take back.

/**
 * The CTE `async_commit`, given a FROM item `topics` with a `topic` column (the topics the
 * statement touches). Postgres runs a CTE only when the query reads it: join `ASYNC_COMMIT_JOIN`.
 */
export const asyncCommitCte = (topics: string) => `async_commit AS (
         SELECT set_config('synchronous_commit', 'off', true) AS synchronous_commit
           FROM ${topics} JOIN topics tp ON tp.name = q.topic
         HAVING bool_and(tp.durability = 'async')
       )`;

/** Joins the CTE into a statement's final SELECT without changing its rows (it has at most one). */
export const ASYNC_COMMIT_JOIN = 'LEFT JOIN async_commit ON true';
