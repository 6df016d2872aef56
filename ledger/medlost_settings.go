package ledger

// MedicineWarn is the number of days before expiry a batch is flagged.
func (s Settings) MedicineWarn() int {
	if s.MedicineWarnDays == 0 {
		return DefaultExpiryWarn
	}
	return s.MedicineWarnDays
}

// Categories is the found-item category list in use.
func (s Settings) Categories() []LostFoundCategory {
	if len(s.LostFoundCategories) == 0 {
		return DefaultLostFoundCategories()
	}
	return s.LostFoundCategories
}

// validateMedLost checks the medicine and lost-and-found settings.
func (s Settings) validateMedLost() error {
	if s.MedicineWarnDays < 0 || s.MedicineWarnDays > MaxExpiryWarnDays {
		return Errorf(EINVALID, "药品临期提醒天数须在1到%d之间", MaxExpiryWarnDays)
	}
	if s.LostFoundCategories != nil {
		return ValidateCategories(s.LostFoundCategories)
	}
	return nil
}
