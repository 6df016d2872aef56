package app

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"servicedesk/ledger"
)

// kioskLoanPage shows the customer's loan from the QR of their receipt.
type kioskLoanPage struct {
	root   fyne.CanvasObject
	code   *kioskEntry
	find   *widget.Button
	result *widget.Label
	back   *widget.Button
	k      *Kiosk
}

// kioskEntry is an entry that counts as kiosk activity and goes home on Esc.
type kioskEntry struct {
	widget.Entry
	k *Kiosk
}

func (k *Kiosk) newKioskEntry(placeholder string) *kioskEntry {
	e := &kioskEntry{k: k}
	e.ExtendBaseWidget(e)
	e.PlaceHolder = placeholder
	return e
}

// TypedKey records activity; Esc goes back to the start screen.
func (e *kioskEntry) TypedKey(ev *fyne.KeyEvent) {
	e.k.touch()
	if ev.Name == fyne.KeyEscape {
		e.k.Home()
		return
	}
	e.Entry.TypedKey(ev)
}

// TypedRune records activity.
func (e *kioskEntry) TypedRune(r rune) {
	e.k.touch()
	e.Entry.TypedRune(r)
}

func (k *Kiosk) newLoanPage() *kioskLoanPage {
	p := &kioskLoanPage{k: k}
	p.code = k.newKioskEntry(T("请将押金卡上的二维码对准扫描口"))
	p.code.OnSubmitted = func(string) { p.lookup() }
	p.find = widget.NewButtonWithIcon(T("查询"), theme.SearchIcon(), func() { k.touch(); p.lookup() })
	p.find.Importance = widget.HighImportance
	p.result = widget.NewLabel("")
	p.result.Wrapping = fyne.TextWrapWord
	p.result.TextStyle.Bold = true
	p.back = k.backButton()
	howto := widget.NewLabel(T("扫描押金卡或借用凭证上的二维码，查看借用物品、借出时间、押金和归还地点。"))
	howto.Wrapping = fyne.TextWrapWord
	p.root = container.NewBorder(container.NewVBox(howto, container.NewBorder(nil, nil, nil, p.find, p.code)),
		container.NewCenter(p.back), nil, nil, container.NewVScroll(p.result))
	return p
}

// openLoan shows the loan page with the cursor in the code field.
func (k *Kiosk) openLoan() {
	if k.svc.Loans == nil {
		return
	}
	k.show("loan", k.loan.root)
	k.win.Canvas().Focus(k.loan.code)
}

// lookup shows the loan of the scanned token, or why not. A typed receipt
// number is not accepted: only the signed QR of the customer's own receipt
// opens a loan here.
func (p *kioskLoanPage) lookup() {
	k := p.k
	code := strings.ToUpper(strings.TrimSpace(p.code.Text))
	p.code.SetText("")
	if code == "" {
		p.result.SetText(T("请扫描押金卡上的二维码"))
		return
	}
	l, err := k.svc.Loans.PublicLoan(k.ctx, code)
	if err != nil {
		if ledger.ErrorCode(err) == ledger.EINTERNAL {
			k.cfg.Logger.Error("kiosk loan lookup", "err", err)
		}
		p.result.SetText(T("未找到借用记录：%s", errText(err)) + "\n" + T("如有疑问请到服务台咨询。"))
		return
	}
	p.result.SetText(k.loanText(l))
}

// loanText is the customer's view of their loan.
func (k *Kiosk) loanText(l ledger.PublicLoan) string {
	loc := k.settings.Location()
	lines := []string{
		T("借用物品：%s %s", T(l.Kind.Label()), l.ItemNumber),
		T("借出时间：%s", l.LentAt.In(loc).Format("2006-01-02 15:04")),
	}
	if l.Kind == ledger.KindUmbrella || l.Deposit > 0 {
		lines = append(lines, T("押金：%s", l.Deposit.String()))
	}
	if l.Status == ledger.LoanOpen {
		lines = append(lines, T("状态：借用中"))
		if l.Kind == ledger.KindStroller {
			lines = append(lines, T("爱心童车仅限在广场内使用，离开广场前请归还。"))
		}
		lines = append(lines, T("归还地点：%s（凭押金卡办理，押金全额退还）", k.settings.CounterName))
	} else {
		lines = append(lines, T("状态：%s（%s）", T(l.Status.Label()), l.ClosedAt.In(loc).Format("2006-01-02 15:04")))
		if l.Refund > 0 {
			lines = append(lines, T("已退押金：%s", l.Refund.String()))
		}
	}
	return strings.Join(lines, "\n")
}

// kioskInfoPage lists the mall's services and opening hours.
type kioskInfoPage struct {
	root     fyne.CanvasObject
	hours    *widget.Label
	services *widget.Label
	back     *widget.Button
}

func (k *Kiosk) newInfoPage() *kioskInfoPage {
	p := &kioskInfoPage{hours: widget.NewLabel(""), services: widget.NewLabel(""), back: k.backButton()}
	p.hours.Wrapping = fyne.TextWrapWord
	p.hours.TextStyle.Bold = true
	p.services.Wrapping = fyne.TextWrapWord
	p.root = container.NewBorder(nil, container.NewCenter(p.back), nil, nil,
		container.NewVScroll(container.NewVBox(p.hours, widget.NewSeparator(), p.services)))
	return p
}

// openInfo fills in today's hours and the services.
func (k *Kiosk) openInfo() {
	k.info.hours.SetText(k.hoursText())
	k.info.services.SetText(k.servicesText())
	k.show("info", k.info.root)
}

// hoursText is today's opening hours and the week's.
func (k *Kiosk) hoursText() string {
	if k.svc.Hours == nil {
		return T("营业时间请咨询服务台")
	}
	cfg, err := k.svc.Hours.BroadcastConfig(k.ctx)
	if err != nil {
		k.cfg.Logger.Error("kiosk hours", "err", err)
		return T("营业时间请咨询服务台")
	}
	today := k.cfg.Now().In(k.settings.Location()).Format("2006-01-02")
	day, err := cfg.Calendar.Day(today)
	if err != nil {
		return T("营业时间请咨询服务台")
	}
	lines := []string{T("今日营业时间：%s", day.Hours.String())}
	if day.Name != "" {
		lines[0] += " · " + day.Name
	}
	lines = append(lines, T("工作日 %s；周末 %s；节假日以公告为准", cfg.Calendar.Weekday.String(), cfg.Calendar.Weekend.String()))
	return strings.Join(lines, "\n")
}

// servicesText lists the desk's services (procedures 5.2) for customers.
func (k *Kiosk) servicesText() string {
	return strings.Join([]string{
		T("· 爱心雨伞：押金 %s，归还时凭押金卡全额退还", k.settings.UmbrellaDeposit.String()),
		T("· 爱心童车：免费借用，仅限在广场内使用"),
		T("· 应急药品：常用内服、外用药品及器械，请到服务台咨询"),
		T("· 失物招领：拾到或遗失物品，请到服务台登记"),
		T("· 寻人寻物广播：请到服务台办理"),
		T("· 积分卡：凭购物小票和身份证件到服务台办理"),
		T("· 代开发票：凭购物小票到服务台办理"),
		T("· 顾客意见：欢迎到服务台提出宝贵意见和建议"),
		T("服务台：%s", k.settings.CounterName),
	}, "\n")
}

// kioskRatePage takes a 1–5 rating.
type kioskRatePage struct {
	root    fyne.CanvasObject
	stars   []*widget.Button
	message *widget.Label
	back    *widget.Button
	done    bool
}

func (k *Kiosk) newRatePage() *kioskRatePage {
	p := &kioskRatePage{message: widget.NewLabelWithStyle("", fyne.TextAlignCenter, fyne.TextStyle{Bold: true}), back: k.backButton()}
	p.message.Wrapping = fyne.TextWrapWord
	ask := widget.NewLabelWithStyle(T("您对今天的服务满意吗？请点选 1 到 5 分"), fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	ask.Wrapping = fyne.TextWrapWord
	row := container.NewGridWithColumns(5)
	labels := []string{T("1 分 很不满意"), T("2 分 不满意"), T("3 分 一般"), T("4 分 满意"), T("5 分 非常满意")}
	for i, label := range labels {
		score := i + 1
		b := widget.NewButton(label, func() { k.touch(); k.doRate(score) })
		b.Importance = widget.HighImportance
		p.stars = append(p.stars, b)
		row.Add(container.NewGridWrap(fyne.NewSize(170, 130), b))
	}
	p.root = container.NewBorder(ask, container.NewCenter(p.back), nil, nil, container.NewVBox(container.NewCenter(row), p.message))
	return p
}

// openRate shows the rating page.
func (k *Kiosk) openRate() {
	if k.svc.Ratings == nil {
		return
	}
	k.show("rate", k.rate.root)
}

// doRate records the rating once and thanks the customer.
func (k *Kiosk) doRate(score int) {
	p := k.rate
	if p.done {
		return
	}
	err := k.svc.Ratings.Rate(k.ctx, score, kioskRatingSource)
	switch {
	case err == nil:
		p.message.SetText(T("谢谢您的评价（%d 分）！", score))
	case ledger.ErrorCode(err) == ledger.ECONFLICT:
		p.message.SetText(errText(err))
	default:
		if ledger.ErrorCode(err) == ledger.EINTERNAL {
			k.cfg.Logger.Error("kiosk rating", "err", err)
		}
		p.message.SetText(errText(err))
		return
	}
	p.done = true
	for _, b := range p.stars {
		b.Disable()
	}
}

// kioskExitPage asks a staff member's own account and password to leave
// kiosk mode.
type kioskExitPage struct {
	root     fyne.CanvasObject
	username *kioskEntry
	password *kioskEntry
	ok       *widget.Button
	back     *widget.Button
	message  *widget.Label
}

func (k *Kiosk) newExitPage() *kioskExitPage {
	p := &kioskExitPage{username: k.newKioskEntry(T("员工账户")), password: k.newKioskEntry(T("密码")), back: k.backButton()}
	p.password.Password = true
	p.message = widget.NewLabel("")
	p.message.Wrapping = fyne.TextWrapWord
	p.message.Importance = widget.DangerImportance
	p.ok = widget.NewButton(T("退出自助模式"), func() { k.touch(); k.doExit() })
	p.username.OnSubmitted = func(string) { k.win.Canvas().Focus(p.password) }
	p.password.OnSubmitted = func(string) { k.doExit() }
	title := widget.NewLabelWithStyle(T("仅限员工：输入本人账户和密码退出自助模式"), fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	title.Wrapping = fyne.TextWrapWord
	form := container.NewGridWrap(fyne.NewSize(520, 360), container.NewVBox(title,
		widget.NewForm(widget.NewFormItem(T("账户"), p.username), widget.NewFormItem(T("密码"), p.password)),
		p.message, p.ok))
	p.root = container.NewBorder(nil, container.NewCenter(p.back), nil, nil, container.NewCenter(form))
	return p
}

// openExit shows the staff exit page.
func (k *Kiosk) openExit() {
	k.show("exit", k.exit.root)
	k.win.Canvas().Focus(k.exit.username)
}

// doExit leaves kiosk mode when the staff password is right.
func (k *Kiosk) doExit() {
	p := k.exit
	user, pass := p.username.Text, p.password.Text
	p.password.SetText("")
	if k.svc.Exit == nil {
		p.message.SetText(T("本机未设置员工退出"))
		return
	}
	st, err := k.svc.Exit.Login(k.ctx, user, pass)
	if err != nil {
		p.message.SetText(errText(err))
		return
	}
	k.cfg.Logger.Info("kiosk mode left", "staff_id", st.ID)
	if k.cfg.Quit != nil {
		k.cfg.Quit()
	}
}

// kioskLoanAdapter gives the kiosk the public view of a loan and nothing
// else of the lending service.
type kioskLoanAdapter struct {
	lookup func(ctx context.Context, token string) (ledger.Loan, error)
}

// KioskLoansFrom narrows a lending service's token look-up to the public
// view of the loan.
func KioskLoansFrom(byToken func(ctx context.Context, token string) (ledger.Loan, error)) KioskLoans {
	return kioskLoanAdapter{lookup: byToken}
}

// PublicLoan returns the public view of the loan of a signed token.
func (a kioskLoanAdapter) PublicLoan(ctx context.Context, token string) (ledger.PublicLoan, error) {
	if !strings.HasPrefix(token, "SD") {
		return ledger.PublicLoan{}, ledger.Errorf(ledger.EINVALID, "无效凭证")
	}
	l, err := a.lookup(ctx, token)
	if err != nil {
		return ledger.PublicLoan{}, err
	}
	return l.Public(), nil
}
