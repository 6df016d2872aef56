package audio

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

// Synth turns text into speech.
type Synth interface {
	// Synthesize renders text as WAV bytes.
	Synthesize(ctx context.Context, text string) ([]byte, error)
	// Name describes the engine for the console, e.g. "espeak-ng（cmn）".
	Name() string
}

// ErrNoSpeech means no speech engine is installed.
var ErrNoSpeech = errors.New("no speech engine (espeak-ng) installed")

// Espeak speaks through the espeak-ng program and its Mandarin voice.
type Espeak struct {
	Path  string // the espeak-ng executable
	Voice string // "cmn" (Mandarin)
	Speed int    // words per minute, 80–450 (espeak-ng's default is 175)
	// Timeout bounds one synthesis (default 30 s).
	Timeout time.Duration
}

// espeakCandidates are where espeak-ng lives when it is not on PATH.
func espeakCandidates() []string {
	if runtime.GOOS == "windows" {
		var out []string
		for _, env := range []string{"ProgramFiles", "ProgramFiles(x86)"} {
			if dir := os.Getenv(env); dir != "" {
				out = append(out, filepath.Join(dir, "eSpeak NG", "espeak-ng.exe"))
			}
		}
		return out
	}
	return []string{"/usr/bin/espeak-ng", "/usr/local/bin/espeak-ng"}
}

// FindEspeak locates espeak-ng and checks that it has the Mandarin voice.
// It returns ErrNoSpeech (wrapped) when either is missing.
func FindEspeak(ctx context.Context) (*Espeak, error) {
	path, err := exec.LookPath("espeak-ng")
	if err != nil {
		for _, c := range espeakCandidates() {
			if st, e := os.Stat(c); e == nil && !st.IsDir() {
				path, err = c, nil
				break
			}
		}
	}
	if err != nil {
		return nil, ErrNoSpeech
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, path, "--voices=cmn").Output()
	if err != nil {
		return nil, fmt.Errorf("%w: %s does not run: %v", ErrNoSpeech, path, err)
	}
	if !strings.Contains(string(out), " cmn ") && !strings.Contains(string(out), "cmn\n") && !strings.Contains(string(out), "/cmn") {
		return nil, fmt.Errorf("%w: espeak-ng has no Mandarin (cmn) voice", ErrNoSpeech)
	}
	return &Espeak{Path: path, Voice: "cmn", Speed: 150}, nil
}

// Name describes the engine.
func (e *Espeak) Name() string { return "espeak-ng（" + e.Voice + "）" }

// Synthesize runs espeak-ng with the text on standard input (never as an
// argument, so a text starting with "-" is not an option) and returns the
// WAV it writes to standard output.
func (e *Espeak) Synthesize(ctx context.Context, text string) ([]byte, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return nil, errors.New("nothing to say")
	}
	timeout := e.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	speed := e.Speed
	if speed < 80 || speed > 450 {
		speed = 150
	}
	cmd := exec.CommandContext(ctx, e.Path, "-v", e.Voice, "-s", fmt.Sprint(speed), "--stdout")
	cmd.Stdin = strings.NewReader(text + "\n")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("espeak-ng: %w: %s", err, strings.TrimSpace(stderr.String()))
	}
	if stdout.Len() < 44 {
		return nil, errors.New("espeak-ng wrote no audio")
	}
	return stdout.Bytes(), nil
}
