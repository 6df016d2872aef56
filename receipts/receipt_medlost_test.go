package receipts

import (
	"strings"
	"testing"
	"time"
)

func slipHead(token string) SlipHead {
	return SlipHead{No: "20261125-0009", Mall: "某购物广场", Counter: "一楼总服务台", Staff: "张敏",
		Time: time.Date(2026, 11, 25, 6, 3, 0, 0, time.UTC), Location: shanghai, Token: token}
}

func TestMedicineDispenseSlip(t *testing.T) {
	tok := testSigner().Sign(KindMedicine, 9)
	d := MedicineDispenseSlip(MedicineSlip{SlipHead: slipHead(tok), Medicine: "布洛芬缓释胶囊 0.3g×20粒", Category: "内服", Quantity: 1, Unit: "盒",
		Batches: []SlipBatch{{No: "B-2027", Expiry: "2027-06-30", Qty: "1盒"}}, Recipient: "顾客（女，约30岁）", Reason: "头痛求助", Phone: "13812341234"})
	assertHas(t, d, "应急药品领用单", "单号：20261125-0009", "领用时间：2026-11-25 14:03", "布洛芬缓释胶囊", "分类：内服", "数量 1盒",
		"批号：B-2027", "有效期至 2027-06-30 1盒", "领用人：顾客（女，约30岁）", "138****1234", "经办：张敏", MedicineSlipRule, tok)
	if _, id, err := testSigner().Verify(d.QR); err != nil || id != 9 {
		t.Fatalf("QR %q: %v", d.QR, err)
	}
}

func TestFoundLabelAndHandoverLongest(t *testing.T) {
	long := strings.Repeat("黑色真皮长款钱包", 25) // 200 characters
	tok := testSigner().Sign(KindLostFound, 3)
	l := FoundItemLabel(FoundLabel{SlipHead: slipHead(tok), Category: "首饰/贵重物品", Description: long,
		FoundAt: time.Date(2026, 11, 25, 5, 0, 0, 0, time.UTC), FoundPlace: strings.Repeat("地", 40), Storage: strings.Repeat("柜", 20),
		DueDate: "2026-12-25", Police: true})
	assertHas(t, l, "失物标签", "20261125-0009", "类别：首饰/贵重物品", "拾获：2026-11-25 13:00", "保管至：2026-12-25，逾期移交公安", tok)
	if !strings.Contains(strings.Join(l.Text(), ""), long) {
		t.Fatal("label cuts the description")
	}
	h := HandoverReceipt(Handover{SlipHead: slipHead(tok), ItemNo: "20261120-0002", Category: "钱包", Description: long,
		Name: "欧***", Phone: "13812341234", ID: "1***************2X"})
	assertHas(t, h, "失物认领交接单", "失物编号：20261120-0002", "认领人：欧***", "138****1234", "身份证号：1***************2X", "认领人签字：", HandoverRule)
}
