package ledger

import (
	"strconv"
	"strings"
)

// FormatCategories writes a category list one per line, as the category
// editor shows it: 名称 保管天数 [公安].
func FormatCategories(cats []LostFoundCategory) string {
	lines := make([]string, 0, len(cats))
	for _, c := range cats {
		line := c.Name + " " + strconv.Itoa(c.RetentionDays)
		if c.Police {
			line += " 公安"
		}
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n")
}

// ParseCategories reads the category editor's text (FormatCategories'
// form; "police" is accepted for 公安, blank lines are skipped) and checks
// the list with ValidateCategories.
func ParseCategories(text string) ([]LostFoundCategory, error) {
	var out []LostFoundCategory
	for i, line := range strings.Split(text, "\n") {
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		if len(out) == MaxCategories {
			return nil, Errorf(EINVALID, "失物类别须有1到%d个", MaxCategories)
		}
		if len(f) < 2 || len(f) > 3 || (len(f) == 3 && f[2] != "公安" && !strings.EqualFold(f[2], "police")) {
			return nil, Errorf(EINVALID, "第%d行格式不正确，应为：名称 保管天数 [公安]", i+1)
		}
		days, err := strconv.Atoi(f[1])
		if err != nil {
			return nil, Errorf(EINVALID, "第%d行的保管天数须为整数", i+1)
		}
		out = append(out, LostFoundCategory{Name: f[0], RetentionDays: days, Police: len(f) == 3})
	}
	if err := ValidateCategories(out); err != nil {
		return nil, err
	}
	return out, nil
}
