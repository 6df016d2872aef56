package sqlstore

import (
	"context"
	"strings"

	"servicedesk/ledger"
	"servicedesk/receipts"
)

// LostFoundService implements ledger.LostFoundService: the lost-and-found
// ledger (procedures 5.1.2.1). Every change is a journal entry in the same
// transaction as the rows it changes; personal data (finder, claimant,
// lost-report contact) goes to the personal-data store and these rows keep
// its record id and masks.
type LostFoundService struct{ db *DB }

// NewLostFoundService returns the lost-and-found service on db.
func NewLostFoundService(db *DB) *LostFoundService { return &LostFoundService{db: db} }

var _ ledger.LostFoundService = (*LostFoundService)(nil)

const foundColumns = `id, no, token, category, description, found_at, found_place, finder, finder_person, finder_masked,
	owner_masked, storage, has_photo, police, due_date, status, registered_at, registered_by, reg_seq,
	claim_no, claimed_at, claimed_by, claim_person, claimant_name, claimant_phone, claimant_id,
	disposed_at, disposal, disposed_to, approver1, approver2`

// scanFound reads one found_items row (foundColumns order); approver ids
// are returned for the caller to name.
func scanFound(sc interface{ Scan(...any) error }) (ledger.FoundItem, [2]int64, error) {
	var f ledger.FoundItem
	var found, reg, claimed, disposed string
	var appr [2]int64
	err := sc.Scan(&f.ID, &f.No, &f.Token, &f.Category, &f.Description, &found, &f.FoundPlace, &f.Finder, &f.FinderPerson, &f.FinderMasked,
		&f.OwnerMasked, &f.Storage, &f.HasPhoto, &f.Police, &f.DueDate, &f.Status, &reg, &f.RegisteredBy, &f.Seq,
		&f.ClaimNo, &claimed, &f.ClaimedBy, &f.ClaimPerson, &f.ClaimantName, &f.ClaimantPhone, &f.ClaimantID,
		&disposed, &f.Disposal, &f.DisposedTo, &appr[0], &appr[1])
	if err != nil {
		return f, appr, err
	}
	if f.FoundAt, err = parseTime(found); err != nil {
		return f, appr, err
	}
	if f.RegisteredAt, err = parseTime(reg); err != nil {
		return f, appr, err
	}
	if f.ClaimedAt, err = parseTime(claimed); err != nil {
		return f, appr, err
	}
	f.DisposedAt, err = parseTime(disposed)
	return f, appr, err
}

// loadFound loads the one item matching where.
func loadFound(ctx context.Context, q queryer, where string, args ...any) (ledger.FoundItem, error) {
	f, appr, err := scanFound(q.QueryRowContext(ctx, "SELECT "+foundColumns+" FROM found_items WHERE "+where, args...))
	if errNoRows(err) {
		return f, ledger.Errorf(ledger.ENOTFOUND, "找不到该失物记录")
	} else if err != nil {
		return f, internal("load found item", err)
	}
	return f, nameApprovers(ctx, q, &f, appr)
}

// nameApprovers fills in the names of a disposal's approvers.
func nameApprovers(ctx context.Context, q queryer, f *ledger.FoundItem, appr [2]int64) error {
	for _, id := range appr {
		if id == 0 {
			continue
		}
		var name string
		if err := q.QueryRowContext(ctx, "SELECT name FROM staff WHERE id = ?", id).Scan(&name); err != nil {
			return internal("load approver", err)
		}
		f.Approvers = append(f.Approvers, name)
	}
	return nil
}

// listFound runs an item query and scans every row.
func listFound(ctx context.Context, q queryer, query string, args ...any) ([]ledger.FoundItem, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, internal("list found items", err)
	}
	var out []ledger.FoundItem
	var apprs [][2]int64
	for rows.Next() {
		f, appr, err := scanFound(rows)
		if err != nil {
			rows.Close()
			return nil, internal("scan found item", err)
		}
		out, apprs = append(out, f), append(apprs, appr)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, internal("list found items", err)
	}
	for i := range out {
		if err := nameApprovers(ctx, q, &out[i], apprs[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Register records a found item: the category's retention gives the due
// date and whether it goes to the police; the bag label is queued in the
// same transaction. Journaled as lostfound.register {item_id, no,
// category, description, found_at, found_place, finder, finder_person,
// finder_masked, owner_masked, storage, photo_bytes, due_date, police,
// job_id}.
func (s *LostFoundService) Register(ctx context.Context, actor ledger.Staff, req ledger.RegisterFoundRequest) (ledger.FoundItem, error) {
	var out ledger.FoundItem
	err := s.db.inTx(ctx, func(t *tx) error {
		me, err := t.actor(actor, allRoles...)
		if err != nil {
			return err
		}
		set, err := t.settings()
		if err != nil {
			return err
		}
		if req, err = req.Normalize(set.Categories(), t.now); err != nil {
			return err
		}
		cat, _ := ledger.CategoryByName(set.Categories(), req.Category)
		loc := set.Location()
		f := ledger.FoundItem{Category: cat.Name, Description: req.Description, FoundAt: req.FoundAt.UTC(), FoundPlace: req.FoundPlace,
			Finder: req.Finder, OwnerMasked: receipts.MaskName(req.OwnerName), Storage: req.Storage, HasPhoto: len(req.Photo) > 0,
			Police: cat.Police, DueDate: ledger.AddDays(ledger.DateOf(req.FoundAt, loc), cat.RetentionDays),
			Status: ledger.FoundHeld, RegisteredAt: t.now, RegisteredBy: actor.ID}
		if f.FinderPerson, f.FinderMasked, err = t.keepFinder(actor.ID, req); err != nil {
			return err
		}
		sig, err := t.signer()
		if err != nil {
			return err
		}
		if f.No, err = t.nextReceiptNo(actor.ID); err != nil {
			return err
		}
		if err := t.QueryRowContext(ctx, `INSERT INTO found_items(no, category, description, found_at, found_date, found_place, finder,
			finder_person, finder_masked, owner_masked, storage, police, due_date, has_photo, registered_at, registered_by, reg_seq)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0) RETURNING id`,
			f.No, f.Category, f.Description, formatTime(f.FoundAt), ledger.DateOf(f.FoundAt, loc), f.FoundPlace, f.Finder,
			f.FinderPerson, f.FinderMasked, f.OwnerMasked, f.Storage, f.Police, f.DueDate, f.HasPhoto, formatTime(t.now), actor.ID).Scan(&f.ID); err != nil {
			return internal("insert found item", err)
		}
		if f.HasPhoto {
			if _, err := t.ExecContext(ctx, "INSERT INTO found_photos(item_id, photo) VALUES (?, ?)", f.ID, req.Photo); err != nil {
				return internal("insert photo", err)
			}
		}
		f.Token = sig.Sign(receipts.KindLostFound, f.ID)
		job, err := t.enqueueDocument(f.No, labelDocument(set, f, me.Name))
		if err != nil {
			return err
		}
		e, err := t.append(actor.ID, "lostfound.register", map[string]any{"item_id": f.ID, "no": f.No, "category": f.Category,
			"description": f.Description, "found_at": formatTime(f.FoundAt), "found_place": f.FoundPlace, "finder": f.Finder,
			"finder_person": f.FinderPerson, "finder_masked": f.FinderMasked, "owner_masked": f.OwnerMasked, "storage": f.Storage,
			"photo_bytes": len(req.Photo), "due_date": f.DueDate, "police": f.Police, "job_id": job.ID}, 0)
		if err != nil {
			return err
		}
		f.Seq = e.Seq
		if _, err := t.ExecContext(ctx, "UPDATE found_items SET token = ?, reg_seq = ? WHERE id = ?", f.Token, e.Seq, f.ID); err != nil {
			return internal("update found item", err)
		}
		out = f
		return nil
	})
	return out, err
}

// labelDocument lays out the bag label.
func labelDocument(set ledger.Settings, f ledger.FoundItem, staff string) receipts.Document {
	return receipts.FoundItemLabel(receipts.FoundLabel{
		SlipHead: receipts.SlipHead{No: f.No, Mall: set.MallName, Counter: set.CounterName, Staff: staff, Time: f.RegisteredAt,
			Location: set.Location(), Token: f.Token},
		Category: f.Category, Description: f.Description, FoundAt: f.FoundAt, FoundPlace: f.FoundPlace, Storage: f.Storage,
		DueDate: f.DueDate, Police: f.Police,
	})
}

// Item returns one found item.
func (s *LostFoundService) Item(ctx context.Context, id int64) (ledger.FoundItem, error) {
	return loadFound(ctx, s.db.db, "id = ?", id)
}

// ItemByToken verifies a label's or handover receipt's QR token; a forged
// or altered token, or another kind's, is refused as 无效凭证.
func (s *LostFoundService) ItemByToken(ctx context.Context, token string) (ledger.FoundItem, error) {
	id, err := tokenID(ctx, s.db, token, receipts.KindLostFound, ledger.Errorf(ledger.EINVALID, "无效凭证"))
	if err != nil {
		return ledger.FoundItem{}, err
	}
	return s.Item(ctx, id)
}

// ItemByNo finds an item by its label number or its handover receipt number
// (typed without its desk code: this desk's, never another desk's).
func (s *LostFoundService) ItemByNo(ctx context.Context, no string) (ledger.FoundItem, error) {
	return byReceiptNo(ctx, s.db, no, func(no string) (ledger.FoundItem, error) {
		return loadFound(ctx, s.db.db, "no = ? OR (claim_no <> '' AND claim_no = ?)", no, no)
	})
}

// Photo returns an item's photo, nil when it has none.
func (s *LostFoundService) Photo(ctx context.Context, id int64) ([]byte, error) {
	var b []byte
	err := s.db.db.QueryRowContext(ctx, "SELECT photo FROM found_photos WHERE item_id = ?", id).Scan(&b)
	if errNoRows(err) {
		return nil, nil
	} else if err != nil {
		return nil, internal("load photo", err)
	}
	return b, nil
}

// Search lists the items matching s, newest first, with the total count.
// Words must all appear in the description (case-insensitive for Latin
// letters); storage matches part of the location.
func (s *LostFoundService) Search(ctx context.Context, q ledger.FoundSearch) ([]ledger.FoundItem, int, error) {
	where, args, err := foundFilter(q)
	if err != nil {
		return nil, 0, err
	}
	var total int
	if err := s.db.db.QueryRowContext(ctx, "SELECT count(*) FROM found_items WHERE "+where, args...).Scan(&total); err != nil {
		return nil, 0, internal("count found items", err)
	}
	offset, limit := page(q.Offset, q.Limit)
	items, err := listFound(ctx, s.db.db, "SELECT "+foundColumns+" FROM found_items WHERE "+where+" ORDER BY found_at DESC, id DESC LIMIT ? OFFSET ?",
		append(args, limit, offset)...)
	return items, total, err
}

// foundFilter builds the WHERE clause of a search.
func foundFilter(q ledger.FoundSearch) (string, []any, error) {
	conds := []string{"1 = 1"}
	var args []any
	if q.Category != "" {
		conds, args = append(conds, "category = ?"), append(args, q.Category)
	}
	for _, d := range []struct {
		v, op string
	}{{q.From, ">="}, {q.To, "<="}} {
		if strings.TrimSpace(d.v) == "" {
			continue
		}
		date, err := ledger.ParseDate(d.v)
		if err != nil {
			return "", nil, err
		}
		conds, args = append(conds, "found_date "+d.op+" ?"), append(args, date)
	}
	if q.From != "" && q.To != "" {
		from, _ := ledger.ParseDate(q.From)
		to, _ := ledger.ParseDate(q.To)
		if from > to {
			return "", nil, ledger.Errorf(ledger.EINVALID, "开始日期不能晚于结束日期")
		}
	}
	words := strings.Fields(q.Words)
	if len(words) > 8 {
		return "", nil, ledger.Errorf(ledger.EINVALID, "查询词最多8个")
	}
	for _, w := range words {
		if len([]rune(w)) > 40 {
			return "", nil, ledger.Errorf(ledger.EINVALID, "查询词太长")
		}
		conds, args = append(conds, "lower(description) LIKE ? ESCAPE '\\'"), append(args, likeContains(strings.ToLower(w)))
	}
	if st := strings.TrimSpace(q.Storage); st != "" {
		conds, args = append(conds, "lower(storage) LIKE ? ESCAPE '\\'"), append(args, likeContains(strings.ToLower(st)))
	}
	if q.Status != "" {
		conds, args = append(conds, "status = ?"), append(args, q.Status)
	}
	return strings.Join(conds, " AND "), args, nil
}

// likeContains escapes the LIKE wildcards in s and wraps it for a
// substring match with ESCAPE '\'.
func likeContains(s string) string {
	r := strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`)
	return "%" + r.Replace(s) + "%"
}

// ReprintLabel queues a copy of an item's label marked 补打.
func (s *LostFoundService) ReprintLabel(ctx context.Context, actor ledger.Staff, id int64) (ledger.PrintJob, error) {
	f, err := s.Item(ctx, id)
	if err != nil {
		return ledger.PrintJob{}, err
	}
	return NewPrintQueue(s.db).Reprint(ctx, actor, f.No)
}
