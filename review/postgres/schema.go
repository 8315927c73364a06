package postgres

import "github.com/qrgate/qrgate/review/sqlstore"

// migrations are the schema versions in PostgreSQL's column types; the
// schema itself is written once, in review/sqlstore, for both backends.
var migrations = sqlstore.Migrations(sqlstore.PostgresTypes)
