-- One server instance per database: the running instance holds this row and renews it; a second
-- instance that finds a fresh lease held by another refuses to start (docs/operations.md).
CREATE TABLE instance_lease (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  holder TEXT NOT NULL,        -- random id of the holding process
  host TEXT NOT NULL,
  pid INTEGER NOT NULL,
  started_at TEXT NOT NULL,
  renewed_at TEXT NOT NULL
);
