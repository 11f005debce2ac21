-- Idempotent log rows (docs/reliability.md "Redelivery"): a QoS 1 log message the broker delivers
-- again (after a server restart or failover with a persistent session) has the same key and is
-- ignored (INSERT OR IGNORE). The key is a digest of the device's uuid, level, own timestamp,
-- message and context; NULL (never deduplicated) when the device sent no timestamp, so repeated
-- identical lines without a timestamp are all kept. Older rows keep NULL.
ALTER TABLE client_logs ADD COLUMN dedup_key TEXT;
CREATE UNIQUE INDEX idx_client_logs_dedup ON client_logs(dedup_key);
