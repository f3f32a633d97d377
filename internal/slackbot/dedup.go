package slackbot

import (
	"sync"
	"time"
)

// seenSet remembers event ids for a while so a redelivered event is answered
// once. It is bounded both in time (ttl) and in size (max): Slack's retries
// come within minutes, so older ids are of no use.
type seenSet struct {
	mu    sync.Mutex
	ttl   time.Duration
	max   int
	at    map[string]time.Time
	order []string // insertion order, oldest first; a ring via head
	head  int
	now   func() time.Time
}

func newSeenSet(ttl time.Duration, max int) *seenSet {
	return &seenSet{ttl: ttl, max: max, at: make(map[string]time.Time, max), now: time.Now}
}

// Seen reports whether id was added within the ttl.
func (s *seenSet) Seen(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.at[id]
	return ok && s.now().Sub(t) < s.ttl
}

// Add records id and reports whether it was new.
func (s *seenSet) Add(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	s.expireLocked(now)
	if t, ok := s.at[id]; ok && now.Sub(t) < s.ttl {
		return false
	}
	if _, ok := s.at[id]; !ok {
		if len(s.at) >= s.max {
			s.evictOldestLocked()
		}
		s.order = append(s.order, id)
	}
	s.at[id] = now
	return true
}

// Forget removes id, so a later delivery of it is handled.
func (s *seenSet) Forget(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.at, id) // its slot in order is skipped when reached
}

// Len is the number of ids remembered.
func (s *seenSet) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.at)
}

func (s *seenSet) expireLocked(now time.Time) {
	for s.head < len(s.order) {
		id := s.order[s.head]
		t, ok := s.at[id]
		if ok && now.Sub(t) < s.ttl {
			break
		}
		if ok {
			delete(s.at, id)
		}
		s.head++
	}
	s.compactLocked()
}

func (s *seenSet) evictOldestLocked() {
	for s.head < len(s.order) {
		id := s.order[s.head]
		s.head++
		if _, ok := s.at[id]; ok {
			delete(s.at, id)
			break
		}
	}
	s.compactLocked()
}

// compactLocked drops the consumed front of order once it is half the slice,
// so memory stays proportional to max.
func (s *seenSet) compactLocked() {
	if s.head > 0 && s.head*2 >= len(s.order) {
		s.order = append(s.order[:0:0], s.order[s.head:]...)
		s.head = 0
	}
}
