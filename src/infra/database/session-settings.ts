// Settings every txmsg connection to Postgres starts with (sent in the startup packet).
//
// The hot-path statements are named prepared statements (`queryPrepared`), and they are planned
// once per connection: a generic plan, used for every call. Planning them per call costs more
// than running them — on the bench, 1.2 ms to plan the push claim against 0.2 ms to run it, and
// growing as a young storage window collects dead index entries the planner probes. A generic
// plan is as good at any window size only because each of these statements reaches every
// partitioned table through `= ANY (ids)` on its key or an index, never through a join alone (a
// medium spec checks the plans on a full window). Other queries are unnamed and planned per call.
export const SESSION_SETTINGS: Readonly<Record<string, string>> = {
  plan_cache_mode: 'force_generic_plan',
};

/** The settings as libpq's `options` (`-c name=value …`), which node-postgres sends at connect. */
export const sessionOptions = (): string =>
  Object.entries(SESSION_SETTINGS)
    .map(([name, value]) => `-c ${name}=${value}`)
    .join(' ');
