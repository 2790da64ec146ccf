// Settings every txmsg connection to Postgres starts with (sent in the startup packet).
//
// The hot-path statements are named prepared statements (`queryPrepared`): parsed once per
// connection. Left to itself, Postgres switches such a statement to a generic plan after five
// executions when that plan looks no costlier — and on a storage window that has just started
// (empty, never analyzed) a plan that scans the window looks cheapest. That plan stays cached for
// the connection's life while the window fills, so each call scans more rows: on the bench, the
// dispatch statement went from 1.2 to 6 ms per call within a minute. Planning each execution
// with its parameters prunes to the windows the ids fall in and picks the indexes.
export const SESSION_SETTINGS: Readonly<Record<string, string>> = {
  plan_cache_mode: 'force_custom_plan',
};

/** The settings as libpq's `options` (`-c name=value …`), which node-postgres sends at connect. */
export const sessionOptions = (): string =>
  Object.entries(SESSION_SETTINGS)
    .map(([name, value]) => `-c ${name}=${value}`)
    .join(' ');
