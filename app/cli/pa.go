package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"servicedesk/app"
	"servicedesk/app/broadcasting"
	"servicedesk/assets"
	"servicedesk/devices/audio"
)

// paRate is the PA's sample rate (CD rate: every sound card takes it).
const paRate = 44100

// startPA builds the broadcast station: the mixer, its output (the sound
// card, a capture file, or none, from the broadcast settings), espeak-ng
// when installed, and the schedule running in the background until ctx
// ends. Without a sound card or a speech engine it still runs: the console
// says what is missing and keeps the queue. stop closes the output.
func startPA(ctx context.Context, log *slog.Logger, svc app.Services) (st *broadcasting.Station, stop func(), err error) {
	cfg, err := svc.Broadcasts.BroadcastConfig(ctx)
	if err != nil {
		return nil, nil, err
	}
	engine := audio.NewEngine(paRate)
	var out audio.Output
	var outputState func() error
	switch {
	case cfg.Output == "none":
	case strings.HasPrefix(cfg.Output, "file:"):
		out, err = audio.OpenFileOut(strings.TrimPrefix(cfg.Output, "file:"), engine, paRate, time.Now)
	default:
		out, err = audio.OpenLineOut(engine, paRate)
	}
	switch {
	case err != nil:
		log.Warn("PA output not opened", "output", cfg.Output, "err", err)
		outErr := err
		outputState = func() error { return outErr }
	case out != nil:
		log.Info("PA output", "output", out.Name())
		outputState = out.Err
	}
	conf := broadcasting.Config{Service: svc.Broadcasts, Settings: svc.Settings, Engine: engine, Output: outputState,
		Chime: assets.Chime, Logger: log}
	if sp, err := audio.FindEspeak(ctx); err == nil {
		conf.Speech = sp
		log.Info("speech engine", "path", sp.Path)
	} else {
		log.Warn("no speech engine", "err", err)
		conf.SpeechProblem = "未安装语音引擎（espeak-ng），只能播放录音文件"
		if !errors.Is(err, audio.ErrNoSpeech) {
			conf.SpeechProblem = "语音引擎无法使用，只能播放录音文件"
		}
	}
	if st, err = broadcasting.New(conf); err != nil {
		return nil, nil, err
	}
	if err := st.Open(ctx); err != nil {
		if out != nil {
			out.Close()
		}
		return nil, nil, fmt.Errorf("open the broadcast station: %w", err)
	}
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		st.Run(runCtx)
	}()
	return st, func() {
		cancel()
		<-done
		if out != nil {
			if err := out.Close(); err != nil {
				log.Warn("PA output close", "err", err)
			}
		}
	}, nil
}
