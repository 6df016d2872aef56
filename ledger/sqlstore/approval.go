package sqlstore

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"io"

	"servicedesk/ledger"
)

// Approve authenticates a supervisor for req (the password checked before
// the write transaction, failures counted like a login) and records a
// single-use approval bound to req's action, record, amount and actor,
// valid for ledger.ApprovalTTL. Journaled as approval.grant {approval_id,
// action, record, amount, actor_id, approver_id, approver_name, reason,
// expires_at}; a refusal (the actor, a clerk, a disabled, locked or
// temporary-password account) as approval.refused. The returned Approval
// carries a secret token; the action that consumes it finds the record by
// ID and token, so a value built without the password is refused.
func (s *StaffService) Approve(ctx context.Context, req ledger.ApprovalRequest, username, password, reason string) (ledger.Approval, error) {
	if err := req.Validate(); err != nil {
		return ledger.Approval{}, err
	}
	reason, err := ledger.FieldReason.Clean(reason)
	if err != nil {
		return ledger.Approval{}, err
	}
	secret := make([]byte, 16)
	if _, err := io.ReadFull(s.db.rand, secret); err != nil {
		return ledger.Approval{}, internal("approval token", err)
	}
	token := hex.EncodeToString(secret)
	var granted ledger.Approval
	var refused error
	_, err = s.authenticate(ctx, username, password, func(t *tx, st ledger.Staff) error {
		granted, refused = ledger.Approval{}, nil
		if _, err := ledger.CheckApprover(req, st, reason, t.now); err != nil {
			refused = err
			_, err := t.append(req.ActorID, "approval.refused", map[string]any{
				"action": req.Action, "record": req.Record, "amount": req.Amount, "approver_id": st.ID, "why": ledger.ErrorMessage(err)}, 0)
			return err
		}
		if _, err := t.actor(ledger.Staff{ID: req.ActorID}, allRoles...); err != nil {
			refused = ledger.Errorf(ledger.EFORBIDDEN, "审批请求无效：操作人账户不可用")
			return nil
		}
		a := ledger.Approval{ApproverID: st.ID, ApproverName: st.Name, Reason: reason, Token: token, ExpiresAt: t.now.Add(ledger.ApprovalTTL)}
		if err := t.QueryRowContext(ctx, `INSERT INTO approvals(token_hash, action, record, amount, actor_id, approver_id, reason, granted_at, expires_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, tokenHash(token), string(req.Action), req.Record, req.Amount, req.ActorID,
			st.ID, reason, formatTime(t.now), formatTime(a.ExpiresAt)).Scan(&a.ID); err != nil {
			return internal("record approval", err)
		}
		e, err := t.append(st.ID, "approval.grant", map[string]any{
			"approval_id": a.ID, "action": req.Action, "record": req.Record, "amount": req.Amount, "actor_id": req.ActorID,
			"approver_id": st.ID, "approver_name": st.Name, "reason": reason, "expires_at": formatTime(a.ExpiresAt)}, 0)
		if err != nil {
			return err
		}
		if _, err := t.ExecContext(ctx, "UPDATE approvals SET grant_seq = ? WHERE id = ? AND grant_seq = 0", e.Seq, a.ID); err != nil {
			return internal("record approval", err)
		}
		granted = a
		return nil
	})
	if err != nil {
		return ledger.Approval{}, err
	}
	if refused != nil {
		return ledger.Approval{}, refused
	}
	return granted, nil
}

// tokenHash is what the approvals table keeps of a token.
func tokenHash(token string) string {
	sum := sha256.Sum256([]byte("servicedesk approval token\x00" + token))
	return hex.EncodeToString(sum[:])
}

// grantedApproval is an approval record as stored.
type grantedApproval struct {
	id, amount, actor, approver int64
	hash, action, record        string
	reason, expires             string
	used                        int64
}

// useApprovals checks the approvals handed to an action inside its
// transaction: exactly as many as req.Action needs, from distinct
// approvers, each a stored, unused, unexpired approval whose token
// matches, granted for this very action, record, amount and actor, by an
// approver who may still approve now (active, not locked, no temporary
// password, a supervisor, not the actor). It returns them as recorded (the
// approver's current name) for the action's journal entry; spendApprovals
// marks them used once that entry exists.
func (t *tx) useApprovals(req ledger.ApprovalRequest, given ...*ledger.Approval) ([]ledger.Approval, error) {
	need := req.Action.Approvers()
	var out []ledger.Approval
	seen := map[int64]bool{}
	for _, a := range given {
		if a == nil || a.ID == 0 {
			continue
		}
		got, err := t.useApproval(req, a)
		if err != nil {
			return nil, err
		}
		if seen[got.ApproverID] {
			return nil, ledger.Errorf(ledger.EFORBIDDEN, "须由两位不同的主管审批")
		}
		seen[got.ApproverID] = true
		out = append(out, got)
	}
	switch {
	case len(out) < need && need == 1:
		return nil, ledger.Errorf(ledger.EFORBIDDEN, "须主管审批")
	case len(out) < need:
		return nil, ledger.Errorf(ledger.EFORBIDDEN, "须由两位不同的主管审批（已有 %d 位）", len(out))
	case len(out) > need:
		return nil, ledger.Errorf(ledger.EFORBIDDEN, "审批人数不符")
	}
	return out, nil
}

// useApproval checks one approval for req (see useApprovals).
func (t *tx) useApproval(req ledger.ApprovalRequest, a *ledger.Approval) (ledger.Approval, error) {
	invalid := ledger.Errorf(ledger.EFORBIDDEN, "审批无效：须由主管输入自己的密码批准，请重新审批")
	var g grantedApproval
	err := t.QueryRowContext(t.ctx, `SELECT id, token_hash, action, record, amount, actor_id, approver_id, reason, expires_at, used_seq
		FROM approvals WHERE id = ?`, a.ID).Scan(&g.id, &g.hash, &g.action, &g.record, &g.amount, &g.actor, &g.approver, &g.reason, &g.expires, &g.used)
	if errNoRows(err) {
		return ledger.Approval{}, invalid
	} else if err != nil {
		return ledger.Approval{}, internal("load approval", err)
	}
	if subtle.ConstantTimeCompare([]byte(g.hash), []byte(tokenHash(a.Token))) != 1 {
		return ledger.Approval{}, invalid
	}
	if g.used != 0 {
		return ledger.Approval{}, ledger.Errorf(ledger.EFORBIDDEN, "该审批已使用过，每次审批只能用一次，请重新审批")
	}
	if g.action != string(req.Action) || g.record != req.Record || g.amount != int64(req.Amount) || g.actor != req.ActorID {
		return ledger.Approval{}, ledger.Errorf(ledger.EFORBIDDEN, "审批与本次操作不符（批准的是另一项操作、记录、金额或经办人），请重新审批")
	}
	expires, err := parseTime(g.expires)
	if err != nil {
		return ledger.Approval{}, err
	}
	if !t.now.Before(expires) {
		return ledger.Approval{}, ledger.Errorf(ledger.EFORBIDDEN, "审批已过期（有效 %d 分钟），请重新审批", int(ledger.ApprovalTTL.Minutes()))
	}
	st, err := t.staffByID(g.approver)
	if err != nil {
		return ledger.Approval{}, err
	}
	if _, err := ledger.CheckApprover(req, st, g.reason, t.now); err != nil {
		return ledger.Approval{}, err
	}
	return ledger.Approval{ID: g.id, ApproverID: st.ID, ApproverName: st.Name, Reason: g.reason, ExpiresAt: expires}, nil
}

// spendApprovals marks approvals used by the journal entry seq, in the
// action's transaction: a second use finds them used.
func (t *tx) spendApprovals(seq int64, as ...ledger.Approval) error {
	for _, a := range as {
		res, err := t.ExecContext(t.ctx, "UPDATE approvals SET used_seq = ? WHERE id = ? AND used_seq = 0", seq, a.ID)
		if err != nil {
			return internal("use approval", err)
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return ledger.Errorf(ledger.EFORBIDDEN, "该审批已使用过，每次审批只能用一次，请重新审批")
		}
	}
	return nil
}
