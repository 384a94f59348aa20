package flows

import (
	"context"
	"time"

	"github.com/frontdoor-sspr/frontdoor/idp"
)

// PasswordLanded tells whether a password write whose answer was lost (the
// line broke: idp.ErrUnavailable) was carried out all the same: the
// account, read again, has a password mark (idp.User.PasswordSet) other
// than before, the account as read just before the write. When it cannot
// be read, or keeps no mark, the answer is no.
func PasswordLanded(ctx context.Context, dir idp.Directory, before idp.User) bool {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	after, err := dir.Lookup(ctx, before.Login)
	return err == nil && after.ID == before.ID && after.PasswordSet != "" && after.PasswordSet != before.PasswordSet
}
