package ledger

// Retention is how many days personal data is kept per purpose once its
// retention clock runs (from collection, or from the close for members).
// Purposes missing from the map keep their default.
type Retention map[Purpose]int

// Retention limits in days.
const (
	MinRetentionDays = 1
	MaxRetentionDays = 3650
)

// DefaultRetention is every purpose's default.
func DefaultRetention() Retention {
	r := Retention{}
	for _, p := range Purposes() {
		r[p] = p.DefaultRetentionDays()
	}
	return r
}

// Days returns the retention of purpose p in days.
func (r Retention) Days(p Purpose) int {
	if d, ok := r[p]; ok && d >= MinRetentionDays {
		return d
	}
	return p.DefaultRetentionDays()
}

// Validate refuses unknown purposes and days outside 1–3650.
func (r Retention) Validate() error {
	for p, d := range r {
		if !p.Valid() {
			return Errorf(EINVALID, "未知的个人信息用途：%.20s", string(p))
		}
		if d < MinRetentionDays || d > MaxRetentionDays {
			return Errorf(EINVALID, "%s的保存期限须在%d到%d天之间", p.Label(), MinRetentionDays, MaxRetentionDays)
		}
	}
	return nil
}
