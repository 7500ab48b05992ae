package importer

import "coin/i18n"

// Message is the error in the reader's language.
func (e *FileError) Message(l *i18n.Locale) string { return l.Tf(e.Key, e.Data) }

// Message is the error in the reader's language, with its line and column.
func (e LineError) Message(l *i18n.Locale) string {
	msg := l.Tf(e.Key, e.Data)
	if e.Column == "" {
		return l.Tf("import.error_line", map[string]any{"Line": e.Line, "Message": msg})
	}
	return l.Tf("import.error_at", map[string]any{"Line": e.Line, "Column": e.Column, "Message": msg})
}

// Summary counts the outcomes for the reader.
func (r *Result) Summary(l *i18n.Locale, id string) string {
	return l.Tf(id, map[string]any{"Create": r.Counts[Create], "Update": r.Counts[Update],
		"Unchanged": r.Counts[Unchanged], "Skipped": r.Counts[Skipped], "Bad": r.Counts[Bad]})
}
