-- The transaction barrier of @txmsg/client, in the producer's own database (see the SDK README).
CREATE TABLE IF NOT EXISTS txmsg_barrier (
  transaction_id uuid PRIMARY KEY,
  outcome text NOT NULL CHECK (outcome IN ('committed', 'rolled_back')),
  created_at timestamptz NOT NULL DEFAULT now()
);
