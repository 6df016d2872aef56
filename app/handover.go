package app

// askHandover (交班) shows the shift's summary, what the staff member did
// since logging in and the cash it moved, and logs out once confirmed.
func (u *UI) askHandover() {
	st := u.Staff()
	text := T("交班：%s（%s）", st.Name, T(st.Role.Label()))
	var m money
	if u.svc.DayClose != nil {
		sum, err := u.svc.DayClose.Shift(u.ctx, st.ID)
		if err != nil {
			u.showError(err)
			return
		}
		since := "—"
		if !sum.Since.IsZero() {
			since = sum.Since.In(u.settings.Location()).Format("01-02 15:04")
		}
		text += "\n" + T("本班自 %s 起：操作 %d 笔，借出 %d 件，归还/冲正 %d 件", since, sum.Actions, sum.Lent, sum.Closed) +
			"\n" + T("收押金 %s，退押金 %s，补收 %s", sum.Taken.String(), sum.Refunded.String(), sum.Collected.String()) +
			"\n" + T("本班现金净额（应在钱箱中）：")
		net := sum.NetCash()
		if net >= 0 {
			m = money{collect: net, shown: true, label: T("净收")}
		} else {
			m = money{refund: -net, shown: true, label: T("净付")}
		}
	}
	text += "\n" + T("确认交班并退出登录吗？")
	u.handover = u.askMoney(T("确认交班"), text, m, u.Logout)
}
