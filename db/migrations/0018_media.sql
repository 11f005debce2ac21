-- Media library and presentation conversion (docs/media.md). One row per file content: the SHA-256
-- is unique, so the same file uploaded twice is one item. The bytes live under
-- DATA_DIR/media/objects/ (storage_path is relative to DATA_DIR/media); folders are paths ('' = root).
CREATE TABLE event_media (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,                    -- file name shown and used in stream URLs
  folder TEXT NOT NULL DEFAULT '',       -- 'a/b' (no leading or trailing slash); '' = the root
  media_type TEXT NOT NULL CHECK (media_type IN ('video', 'pdf', 'presentation', 'image', 'other')),
  mime_type TEXT NOT NULL,
  size INTEGER NOT NULL,                 -- bytes
  file_hash TEXT NOT NULL UNIQUE,        -- sha256, hex
  storage_path TEXT NOT NULL,
  duration REAL,                         -- seconds (video, ffprobe)
  width INTEGER,
  height INTEGER,
  bitrate INTEGER,                       -- bits per second
  page_count INTEGER,                    -- PDFs
  metadata_error TEXT,                   -- why the metadata could not be read
  academic_period_id INTEGER,            -- optional link to an academic period (issue 21 item 3)
  uploaded_by INTEGER,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX event_media_folder ON event_media (folder, name);

-- Folders that exist without items (an item's folder exists while it holds the item).
CREATE TABLE media_folders (
  path TEXT PRIMARY KEY,
  created_at TEXT NOT NULL
);

-- Presentation → PDF jobs, kept in the database so pending jobs survive a restart. Unique per
-- source, target format and content hash: uploading the same file again converts nothing new.
CREATE TABLE conversions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  source_event_media_id INTEGER NOT NULL REFERENCES event_media (id) ON DELETE CASCADE,
  target_format TEXT NOT NULL,
  target_path TEXT,                      -- storage_path of the result
  target_media_id INTEGER REFERENCES event_media (id) ON DELETE SET NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'processing', 'ready', 'failed')),
  file_hash TEXT NOT NULL,               -- sha256 of the source
  requested_at TEXT NOT NULL,
  started_at TEXT,
  completed_at TEXT,
  error_message TEXT,
  UNIQUE (source_event_media_id, target_format, file_hash)
);
CREATE INDEX conversions_source ON conversions (source_event_media_id, target_format);
CREATE INDEX conversions_status ON conversions (status, target_format);
