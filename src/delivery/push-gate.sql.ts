// Whether delivery `d` of push group `g` may be attempted now (SPEC §7 delivery controls): not
// while the group is paused, nor while its endpoint's circuit is open — except the one delivery
// chosen as the probe of a half-open circuit. A delivery held back keeps its state and attempt
// count: nothing is recorded and nothing counts against maxRetries; it goes out when the group
// resumes or the circuit closes (both hand the group's ready deliveries over again).

/** The URL delivery `d` of group `g` goes to: its member in broadcasting, the group's url else. */
export const ENDPOINT_URL = `(CASE WHEN g.mode = 'broadcasting' THEN d.member ELSE g.push_urls[1] END)`;

export const MAY_PUSH = `(g.paused_at IS NULL AND NOT EXISTS (
  SELECT 1 FROM push_endpoints e
   WHERE e.consumer_group = d.consumer_group AND e.url = ${ENDPOINT_URL}
     AND (e.state = 'open' OR (e.state = 'half_open' AND e.probe_delivery_id IS DISTINCT FROM d.id))))`;

/** Whether `d` goes out as the probe of its endpoint's half-open circuit. */
export const IS_PROBE = `EXISTS (
  SELECT 1 FROM push_endpoints e
   WHERE e.consumer_group = d.consumer_group AND e.probe_delivery_id = d.id AND e.state = 'half_open')`;
