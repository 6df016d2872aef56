package app

import (
	"context"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"servicedesk/ledger"
)

// KioskFound lists found items waiting for their owners, public fields only.
type KioskFound interface {
	// FoundCategories lists the lost-and-found categories.
	FoundCategories(ctx context.Context) ([]string, error)
	// PublicFound lists held items of a category ("" for all) found on
	// from..to (YYYY-MM-DD), newest first, with the total.
	PublicFound(ctx context.Context, category, from, to string, offset, limit int) ([]ledger.PublicFoundItem, int, error)
}

// kioskFoundAdapter narrows the lost-and-found service to KioskFound.
type kioskFoundAdapter struct {
	lf  ledger.LostFoundService
	set KioskSettings
}

// KioskFoundFrom gives the kiosk the public view of the found items held
// and nothing else of the lost-and-found service.
func KioskFoundFrom(lf ledger.LostFoundService, set KioskSettings) KioskFound {
	return kioskFoundAdapter{lf: lf, set: set}
}

// FoundCategories lists the categories from the settings.
func (a kioskFoundAdapter) FoundCategories(ctx context.Context) ([]string, error) {
	s, err := a.set.Settings(ctx)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, c := range s.Categories() {
		out = append(out, c.Name)
	}
	return out, nil
}

// PublicFound lists held items, public fields only.
func (a kioskFoundAdapter) PublicFound(ctx context.Context, category, from, to string, offset, limit int) ([]ledger.PublicFoundItem, int, error) {
	items, total, err := a.lf.Search(ctx, ledger.FoundSearch{Category: category, From: from, To: to, Status: ledger.FoundHeld, Offset: offset, Limit: limit})
	if err != nil {
		return nil, 0, err
	}
	out := make([]ledger.PublicFoundItem, len(items))
	for i, it := range items {
		out[i] = it.Public()
	}
	return out, total, nil
}

// kioskFoundPage browses found items by category and date.
type kioskFoundPage struct {
	root     fyne.CanvasObject
	category *widget.Select
	days     *widget.RadioGroup
	list     *widget.Label
	more     *widget.Button
	back     *widget.Button
	offset   int
}

// kioskFoundDays are the date ranges offered, in days back from today.
var kioskFoundDays = []int{1, 7, 30}

// kioskFoundPage size.
const kioskFoundPageSize = 10

func (k *Kiosk) newFoundPage() *kioskFoundPage {
	p := &kioskFoundPage{back: k.backButton()}
	all := T("全部类别")
	opts := []string{all}
	if cats, err := k.svc.Found.FoundCategories(k.ctx); err == nil {
		opts = append(opts, cats...)
	}
	p.category = widget.NewSelect(opts, func(string) { k.touch(); p.offset = 0; k.searchFound() })
	var dayOpts []string
	for _, d := range kioskFoundDays {
		if d == 1 {
			dayOpts = append(dayOpts, T("今天"))
		} else {
			dayOpts = append(dayOpts, T("近 %d 天", d))
		}
	}
	p.days = widget.NewRadioGroup(dayOpts, func(string) { k.touch(); p.offset = 0; k.searchFound() })
	p.days.Horizontal = true
	p.list = widget.NewLabel("")
	p.list.Wrapping = fyne.TextWrapWord
	p.more = widget.NewButton(T("下一页"), func() { k.touch(); p.offset += kioskFoundPageSize; k.searchFound() })
	howto := widget.NewLabel(T("以下为服务台保管中的拾获物品。认领请带上有效证件到服务台，并说明物品特征。"))
	howto.Wrapping = fyne.TextWrapWord
	p.root = container.NewBorder(container.NewVBox(howto, container.NewGridWithColumns(2, p.category, p.days)),
		container.NewCenter(container.NewHBox(p.more, p.back)), nil, nil, container.NewVScroll(p.list))
	return p
}

// openFound shows the found items of the last 7 days, all categories.
func (k *Kiosk) openFound() {
	p := k.found
	p.offset = 0
	p.category.SetSelectedIndex(0)
	p.days.SetSelected(p.days.Options[1])
	k.searchFound()
	k.show("found", p.root)
}

// searchFound lists one page of found items for the chosen filters.
func (k *Kiosk) searchFound() {
	p := k.found
	if p == nil || p.days.Selected == "" || p.category.Selected == "" {
		return
	}
	days := kioskFoundDays[1]
	for i, o := range p.days.Options {
		if o == p.days.Selected {
			days = kioskFoundDays[i]
		}
	}
	loc := k.settings.Location()
	today := k.cfg.Now().In(loc)
	from := today.AddDate(0, 0, 1-days).Format("2006-01-02")
	cat := p.category.Selected
	if p.category.SelectedIndex() == 0 {
		cat = ""
	}
	items, total, err := k.svc.Found.PublicFound(k.ctx, cat, from, today.Format("2006-01-02"), p.offset, kioskFoundPageSize)
	if err != nil {
		k.cfg.Logger.Error("kiosk found items", "err", err)
		p.list.SetText(T("暂时无法查询，请到服务台咨询。"))
		p.more.Hide()
		return
	}
	if total == 0 {
		p.list.SetText(T("这段时间没有保管中的拾获物品。"))
		p.more.Hide()
		return
	}
	text := T("共 %d 件（第 %d–%d 件）", total, p.offset+1, p.offset+len(items))
	for _, it := range items {
		text += "\n" + fmt.Sprintf("· %s　%s　%s", it.Category, T("%s 拾获", it.FoundAt.In(loc).Format("01-02")), T("地点：%s", it.FoundPlace))
	}
	p.list.SetText(text)
	if p.offset+len(items) < total {
		p.more.Show()
	} else {
		p.more.Hide()
	}
}
