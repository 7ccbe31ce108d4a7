package db

import (
	"database/sql/driver"
	"fmt"
	"time"
)

// timeText scans a stored time string into a time.Time.
type timeText time.Time

// Scan implements sql.Scanner.
func (t *timeText) Scan(v any) error {
	switch s := v.(type) {
	case string:
		*t = timeText(parseTime(s))
	case []byte:
		*t = timeText(parseTime(string(s)))
	case nil:
		*t = timeText(time.Time{})
	default:
		return fmt.Errorf("db: cannot read %T as a time", v)
	}
	return nil
}

// Value implements driver.Valuer.
func (t timeText) Value() (driver.Value, error) { return formatTime(time.Time(t)), nil }
