package review

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/qrgate/qrgate/internal/filewatch"
)

// ErrNoModeratorsFile is returned by ReloadModerators when the generated
// token is in use: there is no file to read again.
var ErrNoModeratorsFile = errors.New("no moderators file (the generated token is in use)")

// openModerators loads the moderators at start: from the moderators file
// (watched for reloads) or, without one, the generated token.
func (s *Service) openModerators(file, dataDir string) error {
	if file == "" {
		mods, err := generatedModerators(dataDir, s.log)
		if err != nil {
			return err
		}
		s.modSet.Store(mods)
		return nil
	}
	s.modFile = filewatch.New(file)
	b, err := s.modFile.Read()
	if err != nil {
		return fmt.Errorf("moderators file: %w", err)
	}
	mods, err := parseModerators(b, file)
	if err != nil {
		return err
	}
	s.modSet.Store(mods)
	return nil
}

// mods is the set of moderators in force. A request may see the set
// change between two calls; each check stands on its own.
func (s *Service) mods() *moderators { return s.modSet.Load() }

// ReloadModerators reads the moderators file again and puts it in force
// when it is valid; a bad file (unreadable, a malformed line, a name
// listed twice, two moderators with one token) is refused with its error
// and the moderators in force stay. New tokens work at once; the sessions
// and trusted devices of a moderator removed or given a new token end at
// once, since every request checks them against the set in force.
func (s *Service) ReloadModerators() error {
	if s.modFile == nil {
		return ErrNoModeratorsFile
	}
	s.reloadMu.Lock()
	defer s.reloadMu.Unlock()
	b, err := s.modFile.Read()
	if err != nil {
		err = fmt.Errorf("moderators file: %w", err)
	}
	return s.applyModerators(b, err)
}

// WatchModerators checks the moderators file every interval until ctx
// ends and reloads it when its content changes (the policy file's
// mechanism: a ConfigMap's symlink swap is seen, a bad file is refused
// once).
func (s *Service) WatchModerators(ctx context.Context, interval time.Duration) {
	if s.modFile == nil {
		return
	}
	s.modFile.Watch(ctx, interval, func(b []byte) {
		s.reloadMu.Lock()
		defer s.reloadMu.Unlock()
		s.applyModerators(b, nil) //nolint:errcheck // counted and logged
	})
}

// applyModerators finishes a reload with the file's bytes (or the error
// reading them): it counts and logs the result and swaps the set if valid.
func (s *Service) applyModerators(b []byte, err error) error {
	var next *moderators
	if err == nil {
		next, err = parseModerators(b, s.modFile.Path())
	}
	if err != nil {
		s.m.modReloads.WithLabelValues("error").Inc()
		s.log.Error("moderators file refused; keeping the moderators in force", "file", s.modFile.Path(), "err", err)
		return err
	}
	added, removed, changed := s.modSet.Swap(next).changes(next)
	s.m.modReloads.WithLabelValues("ok").Inc()
	s.log.Info("moderators reloaded", "file", s.modFile.Path(), "moderators", len(next.list),
		"added", added, "removed", removed, "token_changed", changed)
	return nil
}
