package ledger

// The counter's time zone (Asia/Shanghai) must load on a Windows PC without
// Go installed, where there is no zoneinfo database and the -trimpath
// build has no GOROOT: embed the zone data (about 450 kB) in every binary
// that uses the ledger.
import _ "time/tzdata"
