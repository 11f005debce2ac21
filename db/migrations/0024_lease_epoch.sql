-- Fencing for the instance lease (docs/high-availability.md): every takeover raises `epoch`, and
-- every write batch of the holder starts by touching `lease_fence` with the epoch it holds; the
-- trigger fails that statement (and so the whole batch) once the lease has passed to another
-- server, so a stale holder cannot write even between two renewals. A released lease keeps its
-- row (holder '') so the epoch never goes back.
ALTER TABLE instance_lease ADD COLUMN epoch INTEGER NOT NULL DEFAULT 0;
CREATE TABLE lease_fence (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  epoch INTEGER NOT NULL
);
INSERT INTO lease_fence (id, epoch) VALUES (1, 0);
CREATE TRIGGER lease_fence_check BEFORE UPDATE ON lease_fence
BEGIN
  SELECT RAISE(ABORT, 'fenced: the instance lease passed to another server')
  WHERE NEW.epoch IS NOT (SELECT epoch FROM instance_lease WHERE id = 1 AND holder <> '');
END;
