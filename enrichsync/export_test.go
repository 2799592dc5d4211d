package enrichsync

import (
	"context"
	"database/sql"
)

// SetHook makes s call fn at each step a run can be killed at.
func SetHook(s *Syncer, fn func(Step)) { s.hook = fn }

// Exec runs SQL on a store, for tests that make a store another program's.
func Exec(s *Store, query string) error {
	_, err := s.db.Exec(query)
	return err
}

// HoldLock holds the lock of the store at path as another program's apply would,
// until release.
func HoldLock(ctx context.Context, path string) (release func(), err error) {
	db, err := sql.Open("sqlite", path+".lock")
	if err != nil {
		return nil, err
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		db.Close()
		return nil, err
	}
	if _, err := conn.ExecContext(ctx, "BEGIN EXCLUSIVE"); err != nil {
		conn.Close()
		db.Close()
		return nil, err
	}
	return func() {
		_, _ = conn.ExecContext(context.Background(), "ROLLBACK")
		conn.Close()
		db.Close()
	}, nil
}
