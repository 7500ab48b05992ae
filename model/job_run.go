package model

// Job run statuses.
const (
	RunRunning     = "running"
	RunOK          = "ok"
	RunFailed      = "failed"
	RunInterrupted = "interrupted" // the process died during the run
)

// What started a run.
const (
	TriggerSchedule = "schedule" // the scheduler of `coin serve`
	TriggerManual   = "manual"   // "Run now" in the back office
	TriggerCLI      = "cli"      // the job's command
	TriggerWakeup   = "wakeup"   // an e-mail was queued (outbox)
)
