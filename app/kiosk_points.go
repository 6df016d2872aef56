package app

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"servicedesk/devices"
	"servicedesk/ledger"
)

// KioskPoints reads a swiped point card's public view: balance and latest
// entries, masked card number, nothing personal.
type KioskPoints interface {
	PublicCard(ctx context.Context, cardNo string) (ledger.PublicCard, error)
}

// kioskPointsEntries is how many recent entries the kiosk shows.
const kioskPointsEntries = 5

// kioskPointsAdapter narrows the member service to KioskPoints.
type kioskPointsAdapter struct {
	byCard  func(ctx context.Context, cardNo string) (ledger.Member, error)
	entries func(ctx context.Context, memberID int64) ([]ledger.PointEntry, error)
}

// KioskPointsFrom gives the kiosk the public view of a card looked up by
// its number (byCard: no staff, no writes) and nothing else of the member
// service.
func KioskPointsFrom(byCard func(ctx context.Context, cardNo string) (ledger.Member, error),
	entries func(ctx context.Context, memberID int64) ([]ledger.PointEntry, error)) KioskPoints {
	return kioskPointsAdapter{byCard: byCard, entries: entries}
}

// PublicCard returns the public view of the card.
func (a kioskPointsAdapter) PublicCard(ctx context.Context, cardNo string) (ledger.PublicCard, error) {
	card, err := ledger.NormalizeCardNo(cardNo)
	if err != nil {
		return ledger.PublicCard{}, ledger.Errorf(ledger.EINVALID, "无法识别的卡")
	}
	m, err := a.byCard(ctx, card)
	if err != nil {
		if ledger.ErrorCode(err) == ledger.ENOTFOUND {
			return ledger.PublicCard{}, ledger.Errorf(ledger.ENOTFOUND, "尾号 %s 的卡不是本广场的积分卡", cardTail(ledger.MaskCardNo(card)))
		}
		return ledger.PublicCard{}, err
	}
	var es []ledger.PointEntry
	if m.CardStatus == ledger.CardActive && m.CardNo == card {
		if es, err = a.entries(ctx, m.ID); err != nil {
			return ledger.PublicCard{}, err
		}
	}
	return m.PublicCard(card, es, kioskPointsEntries), nil
}

// cardTail is a masked card number in a message: not a phrase to translate.
type cardTail string

// kioskPointsPage shows a swiped card's points.
type kioskPointsPage struct {
	root   fyne.CanvasObject
	result *widget.Label
	back   *widget.Button
}

func (k *Kiosk) newPointsPage() *kioskPointsPage {
	p := &kioskPointsPage{result: widget.NewLabel(""), back: k.backButton()}
	p.result.Wrapping = fyne.TextWrapWord
	p.result.TextStyle.Bold = true
	howto := widget.NewLabel(T("请将积分卡贴近读卡区，查看积分余额和最近的积分记录。"))
	howto.Wrapping = fyne.TextWrapWord
	p.root = container.NewBorder(howto, container.NewCenter(p.back), nil, nil, container.NewVScroll(p.result))
	return p
}

// openPoints shows the points page waiting for a card.
func (k *Kiosk) openPoints() {
	if k.svc.Points == nil {
		k.openUnavailable("points", T("积分查询"))
		return
	}
	k.points.result.SetText(T("请刷积分卡"))
	k.show("points", k.points.root)
}

// HandleCard answers a point card swiped at the kiosk (the card reader):
// its balance and latest entries, or that it is frozen, replaced or
// unknown.
func (k *Kiosk) HandleCard(c devices.Card) {
	k.touch()
	if k.page == "exit" {
		return
	}
	k.openPoints()
	if k.svc.Points == nil {
		return
	}
	pc, err := k.svc.Points.PublicCard(k.ctx, c.ID)
	if err != nil {
		if ledger.ErrorCode(err) == ledger.EINTERNAL {
			k.cfg.Logger.Error("kiosk points lookup", "err", err)
		}
		k.points.result.SetText(T("查询不到积分：%s", errText(err)) + "\n" + T("如有疑问请到服务台咨询。"))
		return
	}
	k.points.result.SetText(k.pointsText(pc))
}

// pointsText is the customer's view of their card.
func (k *Kiosk) pointsText(pc ledger.PublicCard) string {
	lines := []string{T("积分卡：尾号 %s", pc.CardMasked)}
	switch pc.Status {
	case ledger.CardLost:
		return strings.Join(append(lines, T("此卡已挂失冻结，不能查询或使用积分。"), T("请本人持身份证到服务台补办新卡，积分将转入新卡。")), "\n")
	case ledger.CardReplaced:
		return strings.Join(append(lines, T("此卡已补办作废，积分已转入新卡。"), T("请使用新卡查询。")), "\n")
	}
	lines = append(lines, T("积分余额：%d 分", pc.Points))
	if len(pc.Entries) == 0 {
		return strings.Join(append(lines, T("暂无积分记录")), "\n")
	}
	lines = append(lines, T("最近积分记录："))
	loc := k.settings.Location()
	for _, e := range pc.Entries {
		sign := ""
		if e.Points > 0 {
			sign = "+"
		}
		lines = append(lines, T("· %s　%s　%s%d", e.At.In(loc).Format("2006-01-02"), T(e.Kind.Label()), sign, e.Points))
	}
	return strings.Join(lines, "\n")
}
