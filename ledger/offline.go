package ledger

import "fmt"

// OfflineMessage tells the clerk that the shared database cannot be reached
// and why the desk does not lend meanwhile: every desk writes one ledger
// (one chain, one set of receipt numbers, one count of deposits), so work
// done offline could not be merged without gaps or double counting.
const OfflineMessage = "无法连接共享数据库，本次操作未保存。连接恢复前本服务台暂停借还（各服务台共用一本账，离线登记无法无缝合并）；连接恢复后可继续。"

// Offline wraps a storage error caused by an unreachable database server:
// the message is OfflineMessage, the cause stays in the chain for the log.
func Offline(cause error) error {
	return fmt.Errorf("%w: %w", Errorf(EOFFLINE, OfflineMessage), cause)
}
