package ledger

import (
	"context"
	"path/filepath"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// BroadcastConfig is the PA console's configuration (广播设置): opening
// hours, the daily schedule, background music and ducking. It lives in the
// database; every change is journaled.
type BroadcastConfig struct {
	Calendar Calendar
	Schedule []ScheduleEntry
	// MusicFolder holds the background music (WAV, MP3); "" means none.
	MusicFolder  string `json:",omitempty"`
	MusicShuffle bool   `json:",omitempty"`
	MusicVolume  int    // percent, 0–100
	// DuckDB lowers the music under chimes and speech by this many dB.
	DuckDB int
	// Chime is the chime played before speech; "" means the built-in one.
	Chime string `json:",omitempty"`
	// Recordings maps a template to a recorded file played instead of
	// synthesised speech (e.g. a recorded closing reminder).
	Recordings map[TemplateKind]string `json:",omitempty"`
	// GraceMinutes is how late a scheduled announcement may still start
	// (after a restart, or behind a long queue); later it is shown as missed.
	GraceMinutes int
	// Output is "" for the PC's line-out, "none" for no audio, or
	// "file:/path/pa.wav" to capture the PA to a WAV file (demo, tests).
	Output string `json:",omitempty"`
	// ScheduleChangedAt is when the calendar or schedule last changed
	// (set by the store): items planned before it are not reported missed.
	ScheduleChangedAt time.Time `json:",omitempty"`
}

// DefaultBroadcastConfig is what a fresh install starts with: the welcome
// and farewell routine of procedures 5.2.2 around opening and closing.
func DefaultBroadcastConfig() BroadcastConfig {
	return BroadcastConfig{
		Calendar: Calendar{
			Weekday: Hours{Open: 10 * 60, Close: 22 * 60},
			Weekend: Hours{Open: 9*60 + 30, Close: 22*60 + 30},
			Holiday: Hours{Open: 9*60 + 30, Close: 22*60 + 30},
		},
		Schedule: []ScheduleEntry{
			{Anchor: AnchorOpen, Offset: -5, Action: ActMusicStart},
			{Anchor: AnchorOpen, Action: ActSpeak, Arg: "各位顾客，早上好！欢迎光临本商场，我们全体员工竭诚为您服务，祝您购物愉快！"},
			{Anchor: AnchorClose, Offset: -15, Action: ActClosing},
			{Anchor: AnchorClose, Offset: -1, Action: ActSpeak, Arg: "各位顾客，本商场营业时间已到，感谢您的光临，请带好随身物品，欢迎再次光临，再见！"},
			{Anchor: AnchorClose, Offset: 10, Action: ActMusicStop},
		},
		MusicVolume:  60,
		DuckDB:       15,
		GraceMinutes: 10,
	}
}

// Limits of the broadcast settings.
const (
	MinDuckDB = 3
	MaxDuckDB = 40
)

// Validate checks the configuration and returns the first problem in Chinese.
func (c BroadcastConfig) Validate() error {
	if err := c.Calendar.Validate(); err != nil {
		return err
	}
	if len(c.Schedule) > maxScheduleEntries {
		return Errorf(EINVALID, "定时计划最多%d行", maxScheduleEntries)
	}
	seen := map[string]int{}
	for i, e := range c.Schedule {
		if err := e.validate(); err != nil {
			return Errorf(EINVALID, "定时计划第%d行：%s", i+1, AsError(err))
		}
		if j, dup := seen[e.Key()]; dup {
			return Errorf(EINVALID, "定时计划第%d行与第%d行重复", i+1, j+1)
		}
		seen[e.Key()] = i
	}
	if err := checkPath(c.MusicFolder, "背景音乐文件夹"); err != nil {
		return err
	}
	if err := checkPath(c.Chime, "提示音文件"); err != nil {
		return err
	}
	for k, p := range c.Recordings {
		if k.Fields() == nil {
			return Errorf(EINVALID, "未知的广播模板：%s", k)
		}
		if err := checkPath(p, k.Label()+"录音文件"); err != nil {
			return err
		}
	}
	if c.MusicVolume < 0 || c.MusicVolume > 100 {
		return Errorf(EINVALID, "音乐音量须在0到100之间")
	}
	if c.DuckDB < MinDuckDB || c.DuckDB > MaxDuckDB {
		return Errorf(EINVALID, "压低音乐须在%d到%d分贝之间", MinDuckDB, MaxDuckDB)
	}
	if c.GraceMinutes < 1 || c.GraceMinutes > 120 {
		return Errorf(EINVALID, "定时广播最多可延迟1到120分钟")
	}
	switch o := c.Output; {
	case o == "", o == "none":
	case strings.HasPrefix(o, "file:"):
		if err := checkPath(strings.TrimPrefix(o, "file:"), "录音输出文件"); err != nil || o == "file:" {
			return Errorf(EINVALID, "音频输出应为空（声卡）、none 或 file:/完整路径.wav")
		}
	default:
		return Errorf(EINVALID, "音频输出应为空（声卡）、none 或 file:/完整路径.wav")
	}
	return nil
}

// checkPath validates an optional absolute file or folder path.
func checkPath(p, label string) error {
	if p == "" {
		return nil
	}
	if !utf8.ValidString(p) || strings.ContainsFunc(p, unicode.IsControl) || utf8.RuneCountInString(p) > maxPathRunes ||
		!(filepath.IsAbs(p) || isWindowsAbs(p)) {
		return Errorf(EINVALID, "%s须为完整路径（不超过%d个字符）", label, maxPathRunes)
	}
	return nil
}

// isWindowsAbs reports whether p is a Windows absolute path (C:\…), so a
// configuration written on a Windows counter validates anywhere.
func isWindowsAbs(p string) bool {
	return len(p) >= 3 && (p[0] >= 'A' && p[0] <= 'Z' || p[0] >= 'a' && p[0] <= 'z') && p[1] == ':' && (p[2] == '\\' || p[2] == '/')
}

// BroadcastSource says who asked for a broadcast.
type BroadcastSource string

// Sources: the schedule (the app, by itself) or staff at the console.
const (
	SourceSchedule BroadcastSource = "schedule"
	SourceManual   BroadcastSource = "manual"
)

// Label returns the Chinese name of the source.
func (s BroadcastSource) Label() string {
	if s == SourceSchedule {
		return "定时"
	}
	return "人工"
}

// BroadcastStatus is where a broadcast is in its life.
type BroadcastStatus string

// Statuses. Queued and playing are live; every other status is final.
const (
	BroadcastQueued      BroadcastStatus = "queued"
	BroadcastPlaying     BroadcastStatus = "playing"
	BroadcastPlayed      BroadcastStatus = "played"
	BroadcastFailed      BroadcastStatus = "failed"
	BroadcastSkipped     BroadcastStatus = "skipped"
	BroadcastCancelled   BroadcastStatus = "cancelled"
	BroadcastMissed      BroadcastStatus = "missed"
	BroadcastInterrupted BroadcastStatus = "interrupted"
)

// Label returns the Chinese name of the status.
func (s BroadcastStatus) Label() string {
	switch s {
	case BroadcastQueued:
		return "排队中"
	case BroadcastPlaying:
		return "播放中"
	case BroadcastPlayed:
		return "已播"
	case BroadcastFailed:
		return "播放失败"
	case BroadcastSkipped:
		return "已跳过"
	case BroadcastCancelled:
		return "已取消"
	case BroadcastMissed:
		return "错过"
	case BroadcastInterrupted:
		return "中断"
	}
	return string(s)
}

// Final reports whether the status is an outcome (nothing changes after it).
func (s BroadcastStatus) Final() bool {
	switch s {
	case BroadcastPlayed, BroadcastFailed, BroadcastSkipped, BroadcastCancelled, BroadcastMissed, BroadcastInterrupted:
		return true
	}
	return false
}

// Broadcast is one broadcast: a scheduled item or a staff announcement.
type Broadcast struct {
	ID        int64
	Source    BroadcastSource
	PlanKey   string    // PlanItem.Key for scheduled ones
	PlannedAt time.Time // zero for staff announcements
	// Kind is the template (person, car …) or the schedule action
	// (music.start, play, speak, closing).
	Kind string
	// Text is what is spoken, shown on the console; TextMasked is the same
	// with the person's name masked, as journaled and reported.
	Text, TextMasked string
	// Speech is Text for the speech engine (plates spelled out).
	Speech   string
	File     string // audio file to play (schedule "play"), "" otherwise
	Repeats  int
	Interval time.Duration
	Urgent   bool
	StaffID  int64 // who asked (0: the schedule)
	Status   BroadcastStatus
	Note     string // why it failed, was missed …; "迟到 3 分钟" for late starts
	// CreatedAt, StartedAt and FinishedAt are UTC; zero when not reached.
	CreatedAt, StartedAt, FinishedAt time.Time
	// EndedBy is who skipped or cancelled it (0: the system).
	EndedBy int64
}

// Label is a short description for lists: the text, or the action.
func (b Broadcast) Label() string {
	if b.Text != "" {
		return b.Text
	}
	if b.File != "" {
		return ScheduleAction(b.Kind).Label() + "：" + filepath.Base(b.File)
	}
	return ScheduleAction(b.Kind).Label()
}

// BroadcastService stores the PA console's configuration and its
// broadcasts. Every change is a journal entry in the same transaction.
type BroadcastService interface {
	// BroadcastConfig returns the configuration (the defaults before any save).
	BroadcastConfig(ctx context.Context) (BroadcastConfig, error)
	// UpdateBroadcastConfig validates and stores cfg (supervisor or admin).
	UpdateBroadcastConfig(ctx context.Context, actor Staff, cfg BroadcastConfig) error
	// Enqueue queues a staff announcement drafted from a template.
	Enqueue(ctx context.Context, actor Staff, a Announcement) (Broadcast, error)
	// QueueScheduled queues a due plan item; ok is false (and nothing
	// changes) when the item was already queued or recorded today.
	QueueScheduled(ctx context.Context, item PlanItem, note string) (b Broadcast, ok bool, err error)
	// RecordScheduled records a plan item with a final status at once
	// (music switched, or missed); ok is false when it was already recorded.
	RecordScheduled(ctx context.Context, item PlanItem, status BroadcastStatus, note string) (b Broadcast, ok bool, err error)
	// Start claims a queued broadcast for playing; ECONFLICT when it is no
	// longer queued (another desk or a cancel got there first).
	Start(ctx context.Context, id int64) (Broadcast, error)
	// Requeue puts a playing broadcast back in the queue (an urgent
	// announcement interrupted it); it plays again from the start.
	Requeue(ctx context.Context, id int64, note string) error
	// Finish records a live broadcast's outcome; actor is who skipped or
	// cancelled it (zero Staff for the system). ECONFLICT when already final.
	Finish(ctx context.Context, actor Staff, id int64, status BroadcastStatus, note string) (Broadcast, error)
	// RecoverInterrupted marks broadcasts left playing by a crash as
	// interrupted (never replayed by themselves) and returns them.
	RecoverInterrupted(ctx context.Context) ([]Broadcast, error)
	// Queue lists queued and playing broadcasts in playing order (urgent
	// first, then oldest first).
	Queue(ctx context.Context) ([]Broadcast, error)
	// Scheduled lists the scheduled broadcasts of a plan date (YYYY-MM-DD).
	Scheduled(ctx context.Context, date string) ([]Broadcast, error)
	// Recent lists the newest broadcasts, newest first.
	Recent(ctx context.Context, limit int) ([]Broadcast, error)
}
