package sqlstore

import (
	"strings"
	"text/template"
)

// Types are the column types that differ between the backends; every
// other word of the schema is the same SQL in both.
type Types struct {
	Serial string // an auto-incrementing 64-bit primary key
	Int    string // a 64-bit integer column (times are Unix microseconds)
	Blob   string // image bytes
	Probe  string // statements only this backend needs in migration 1
}

// SQLiteTypes and PostgresTypes are the two backends' column types. SQLite's
// INTEGER is already 64-bit; its probe table is what Ready writes to (a
// PostgreSQL replica proves a commit with a plain transaction instead).
var (
	SQLiteTypes = Types{
		Serial: "INTEGER PRIMARY KEY AUTOINCREMENT", Int: "INTEGER", Blob: "BLOB",
		Probe: "\n\tCREATE TABLE probe (id INTEGER PRIMARY KEY, at INTEGER NOT NULL);",
	}
	PostgresTypes = Types{Serial: "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY", Int: "BIGINT", Blob: "BYTEA"}
)

// Migrations returns the schema versions, in order, in one backend's types.
// The schema is written once here so that the backends cannot drift; each
// migration is applied once per store (schema_migrations), so never edit
// one that has shipped: append a new one.
func Migrations(t Types) []string {
	out := make([]string, len(migrationTemplates))
	for i, src := range migrationTemplates {
		var b strings.Builder
		// The templates are constants of this file: a parse or execute
		// error is a bug that every test of either backend shows at once.
		template.Must(template.New("migration").Option("missingkey=error").Parse(src)).Execute(&b, t)
		out[i] = b.String()
	}
	return out
}

// migrationTemplates are the migrations with {{.Serial}}, {{.Int}},
// {{.Blob}} and {{.Probe}} where the backends' types differ. Times are
// Unix microseconds.
var migrationTemplates = []string{
	// 1: items, content-addressed images, findings, audit log.
	`CREATE TABLE items (
		id {{.Serial}},
		scan_id TEXT NOT NULL UNIQUE,
		listing_id TEXT NOT NULL,
		seller_id TEXT NOT NULL,
		verdict TEXT NOT NULL,
		policy_version TEXT NOT NULL,
		texts TEXT NOT NULL,
		scanned_at {{.Int}} NOT NULL,
		created_at {{.Int}} NOT NULL,
		status TEXT NOT NULL,
		decision TEXT,
		moderator TEXT,
		note TEXT,
		decided_at {{.Int}},
		override {{.Int}}
	);
	CREATE INDEX items_status ON items (status, id);
	CREATE INDEX items_seller ON items (seller_id, id);
	CREATE TABLE images (
		sha256 TEXT PRIMARY KEY,
		format TEXT NOT NULL,
		width INTEGER NOT NULL,
		height INTEGER NOT NULL,
		size INTEGER NOT NULL,
		data {{.Blob}} NOT NULL,
		created_at {{.Int}} NOT NULL
	);
	CREATE TABLE item_images (
		item_id {{.Int}} NOT NULL REFERENCES items (id),
		idx INTEGER NOT NULL,
		name TEXT NOT NULL,
		sha256 TEXT NOT NULL REFERENCES images (sha256),
		PRIMARY KEY (item_id, idx)
	);
	CREATE TABLE findings (
		item_id {{.Int}} NOT NULL REFERENCES items (id),
		idx INTEGER NOT NULL,
		category TEXT NOT NULL,
		identifier TEXT NOT NULL,
		payload TEXT NOT NULL,
		data TEXT NOT NULL,
		PRIMARY KEY (item_id, idx)
	);
	CREATE INDEX findings_category ON findings (category, item_id);
	CREATE INDEX findings_identifier ON findings (identifier, item_id);
	CREATE TABLE audit (
		id {{.Serial}},
		at {{.Int}} NOT NULL,
		moderator TEXT NOT NULL,
		action TEXT NOT NULL,
		item_id {{.Int}} NOT NULL REFERENCES items (id),
		decision TEXT NOT NULL,
		note TEXT NOT NULL,
		previous TEXT NOT NULL
	);{{.Probe}}`,
	// 2: web page sessions, shared by every replica on this store.
	`CREATE TABLE sessions (
		id TEXT PRIMARY KEY,
		moderator TEXT NOT NULL,
		token_tag TEXT NOT NULL,
		created_at {{.Int}} NOT NULL,
		expires_at {{.Int}} NOT NULL
	);
	CREATE INDEX sessions_expiry ON sessions (expires_at);`,
	// 3: quotas. Image bytes are charged to the seller and client that
	// first sent them (store_usage: "seller:ID", "client:ID" and the
	// total, kept in 16 shards "total:N" so that concurrent writers do
	// not queue on one row); an image over a quota is kept as its hash
	// and size only (stored = 0). Decided items are emptied after the
	// retention period (purged_at).
	`ALTER TABLE images ADD COLUMN stored INTEGER NOT NULL DEFAULT 1;
	ALTER TABLE images ADD COLUMN seller_id TEXT NOT NULL DEFAULT '';
	ALTER TABLE images ADD COLUMN client TEXT NOT NULL DEFAULT '';
	ALTER TABLE items ADD COLUMN client TEXT NOT NULL DEFAULT '';
	ALTER TABLE items ADD COLUMN purged_at {{.Int}};
	CREATE INDEX items_decided ON items (decided_at);
	CREATE INDEX item_images_sha256 ON item_images (sha256);
	CREATE TABLE store_usage (
		owner TEXT PRIMARY KEY,
		bytes BIGINT NOT NULL
	);
	INSERT INTO store_usage (owner, bytes) SELECT 'total:0', COALESCE(SUM(size), 0) FROM images;`,
	// 4: the decisions feed (GET /v1/decisions, the webhook): every
	// decision and override in commit order, seeded from the audit log;
	// and the webhook's delivery cursor, leased to one replica at a time.
	`CREATE TABLE decision_feed (
		seq {{.Serial}},
		item_id {{.Int}} NOT NULL REFERENCES items (id),
		decision TEXT NOT NULL,
		override {{.Int}} NOT NULL,
		note TEXT NOT NULL,
		moderator TEXT NOT NULL,
		decided_at {{.Int}} NOT NULL
	);
	INSERT INTO decision_feed (item_id, decision, override, note, moderator, decided_at)
		SELECT item_id, decision, CASE WHEN action = 'override' THEN 1 ELSE 0 END, note, moderator, at FROM audit ORDER BY id;
	CREATE TABLE delivery_cursors (
		name TEXT PRIMARY KEY,
		position BIGINT NOT NULL,
		holder TEXT NOT NULL,
		lease_until BIGINT NOT NULL
	);`,
	// 5: claims. Opening an item in the web page holds it for a few
	// minutes so that moderators working at once skip each other's items;
	// kept here so that every replica agrees. Deciding deletes the claim,
	// Purge the expired ones.
	`CREATE TABLE claims (
		item_id {{.Int}} PRIMARY KEY REFERENCES items (id),
		moderator TEXT NOT NULL,
		expires_at BIGINT NOT NULL
	);
	CREATE INDEX claims_expiry ON claims (expires_at);`,
	// 6: texts and findings count against the quotas too (items.charged,
	// given back at purge), and what an over-quota item was stored without
	// (items.truncated, JSON, '' when whole). A seller is counted within
	// its client, and listings without one in a bucket of their own per
	// client: the seller rows are rebuilt from the images they hold.
	`ALTER TABLE items ADD COLUMN charged BIGINT NOT NULL DEFAULT 0;
	ALTER TABLE items ADD COLUMN truncated TEXT NOT NULL DEFAULT '';
	DELETE FROM store_usage WHERE owner LIKE 'seller:%';
	INSERT INTO store_usage (owner, bytes)
		SELECT CASE WHEN seller_id = '' THEN 'noseller:' || client ELSE 'seller:' || client || '|' || seller_id END, SUM(size)
		FROM images WHERE stored <> 0 GROUP BY 1;`,
	// 7: every image of a flagged listing is kept (within the quotas),
	// not only those with a finding: item_images says which ones a
	// finding flagged (the queue marks them; rows stored before held only
	// flagged images) and why the scan could not read one (its image
	// error's code and message, which the page spells out).
	`ALTER TABLE item_images ADD COLUMN flagged INTEGER NOT NULL DEFAULT 1;
	ALTER TABLE item_images ADD COLUMN error_code TEXT NOT NULL DEFAULT '';
	ALTER TABLE item_images ADD COLUMN error_message TEXT NOT NULL DEFAULT '';`,
}
