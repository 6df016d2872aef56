package broadcasting

import (
	"math"
	"strings"
	"testing"
	"time"

	"servicedesk/devices/audio"
	"servicedesk/devices/audio/audiotest"
)

// near reports whether got is within tol of want.
func near(got, want, tol time.Duration) bool { return got >= want-tol && got <= want+tol }

// TestScheduledDayRendered renders three days (a weekday, a Saturday and a
// public holiday, each with its own opening hours) from before opening to
// after closing, with the fake clock, and measures the WAV: silence outside
// the schedule, the music from opening to closing, the welcome and the
// closing reminder each a chime then speech at the times the day type
// gives, the music ducked by the configured dB under them.
func TestScheduledDayRendered(t *testing.T) {
	for _, tc := range []struct {
		name, date  string
		open, close int // minutes after 09:00
	}{
		{"weekday", "2026-11-25", 0, 4},
		{"weekend", "2026-11-28", 1, 5},
		{"holiday", "2026-10-01", 2, 6}, // a Thursday in the 国庆节 week
	} {
		t.Run(tc.name, func(t *testing.T) {
			start := local(tc.date, 8, 59, 30)
			h := newHarness(t, start)
			a := h.render(local(tc.date, 9, tc.close, 40), nil)
			at := func(min, sec int) time.Duration {
				return local(tc.date, 9, min, sec).Sub(start)
			}
			open, closeAt := at(tc.open, 0), at(tc.close, 0)

			// Nothing plays before opening, nothing after closing (+ the fade).
			if p := a.Peak(0, open); p != 0 {
				t.Fatalf("sound before opening: peak %v", p)
			}
			if p := a.Peak(closeAt+audio.MusicFade+step, a.Duration()); p != 0 {
				t.Fatalf("sound after closing: peak %v", p)
			}
			// The music starts at opening and plays until closing.
			music := a.Spans(musicHz, present, win)
			if len(music) != 1 || !near(music[0][0], open, win) || !near(music[0][1], closeAt, 5*win) {
				t.Fatalf("music %s, want %v–%v", audiotest.FormatSpans(music), open, closeAt)
			}
			// Two announcements: the welcome one minute after opening,
			// the closing reminder one minute before closing; each a
			// chime, then after it the speech.
			chimes, speech := a.Spans(chimeHz, present, win), a.Spans(speechHz, present, win)
			want := []time.Duration{open + time.Minute, closeAt - time.Minute}
			if len(chimes) != 2 || len(speech) != 2 {
				t.Fatalf("chimes %s speech %s", audiotest.FormatSpans(chimes), audiotest.FormatSpans(speech))
			}
			for i, w := range want {
				if !near(chimes[i][0], w, win) || !near(chimes[i][1]-chimes[i][0], chimeLen, win) {
					t.Errorf("chime %d at %s, want %v", i, audiotest.FormatSpans(chimes[i:i+1]), w)
				}
				if chimes[i][1] > speech[i][0] || !near(speech[i][0], w+chimeLen+audio.SpeechGap, win) {
					t.Errorf("speech %d at %s after chime %s", i, audiotest.FormatSpans(speech[i:i+1]), audiotest.FormatSpans(chimes[i:i+1]))
				}
				// Ducking: the music under the speech is lowered by the configured dB.
				full := a.Level(musicHz, w-2*time.Second, w-time.Second)
				mid := speech[i][0] + 500*time.Millisecond
				ducked := a.Level(musicHz, mid, mid+time.Second)
				if got := audiotest.DB(ducked / full); math.Abs(got+duckDB) > 0.2 {
					t.Errorf("announcement %d: music lowered by %.2f dB, want %d", i, -got, duckDB)
				}
				after := a.Level(musicHz, speech[i][1]+time.Second, speech[i][1]+2*time.Second)
				if got := audiotest.DB(after / full); math.Abs(got) > 0.2 {
					t.Errorf("announcement %d: music %.2f dB after it, not restored", i, got)
				}
			}
			// The closing reminder names this day's closing time.
			if len(h.synth.texts) != 2 || !strings.Contains(h.synth.texts[1], local(tc.date, 9, tc.close, 0).Format("15:04")+"结束营业") {
				t.Fatalf("spoken %q", h.synth.texts)
			}
			if got := strings.Join(h.ends(), " "); got != "music.start:played speak:played closing:played music.stop:played" {
				t.Fatalf("journal %s", got)
			}
			for _, s := range h.planStates() {
				if !strings.HasSuffix(s, "已播") {
					t.Fatalf("plan %q", h.planStates())
				}
			}
			h.verify()
		})
	}
}
