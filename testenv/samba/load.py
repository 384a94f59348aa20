"""Load frontdoor's fixture users into a freshly provisioned Samba AD database.

Run with Debian's /usr/bin/python3 (it carries the samba bindings) while the
server is stopped: load.py SMB_CONF USERS_TSV SERVICE_PASSWORD.
Flags (see users.tsv): disabled and permlocked disable the account, privileged
joins Domain Admins with adminCount=1 (Samba runs no SDProp task that would set
it), mustchange sets pwdLastSet to 0, helpdesk joins the helpdesk group. The
"locked" flag is applied by up.sh after start, by real failed binds.
"""

import sys

import ldb
from samba import param
from samba.auth import system_session
from samba.dcerpc import security
from samba.ndr import ndr_unpack
from samba.samdb import SamDB
from samba.sd_utils import SDUtils

USER_CLASS = "bf967aba-0de6-11d0-a285-00aa003049e2"
# The service account's delegation, inherited by every user object below the
# domain root: the Reset Password extended right, and write access to
# lockoutTime (unlock) and pwdLastSet (the "must change" choice after a reset).
# Reading users needs nothing extra: Authenticated Users may read them.
SERVICE_RIGHTS = [
    "(OA;CI;CR;00299570-246d-11d0-a768-00aa006e0529;%s;{sid})" % USER_CLASS,
    "(OA;CI;WP;28630ebf-41d5-11d1-a9c1-0000f80367c1;%s;{sid})" % USER_CLASS,
    "(OA;CI;WP;bf967a0a-0de6-11d0-a285-00aa003049e2;%s;{sid})" % USER_CLASS,
]


def main(conf, users_tsv, service_password):
    lp = param.LoadParm()
    lp.load(conf)
    db = SamDB(url=lp.samdb_url(), session_info=system_session(), lp=lp)
    base = str(db.domain_dn())

    db.newgroup("helpdesk")
    db.newuser("frontdoor", service_password, useusernameascn=True,
               description="frontdoor self-service password reset")
    sid = db.search(base="CN=frontdoor,CN=Users," + base, scope=ldb.SCOPE_BASE,
                    attrs=["objectSid"])[0]["objectSid"][0]
    sid = str(ndr_unpack(security.dom_sid, sid))
    sd = SDUtils(db)
    for ace in SERVICE_RIGHTS:
        sd.dacl_add_ace(base, ace.format(sid=sid))

    with open(users_tsv, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            login, pw, given, sn, mail, mobile, phone, flags = line.split("\t")
            opt = lambda v: None if v == "-" else v
            flags = set() if flags == "-" else set(flags.split(","))
            db.newuser(login, pw, useusernameascn=True, givenname=opt(given),
                       surname=opt(sn), mailaddress=opt(mail),
                       telephonenumber=opt(phone))
            dn = "CN=%s,CN=Users,%s" % (login, base)
            mods = {"displayName": "%s %s" % (given, sn)}
            if opt(mobile):
                mods["mobile"] = mobile
            if "privileged" in flags:
                mods["adminCount"] = "1"
            if "mustchange" in flags:
                mods["pwdLastSet"] = "0"
            msg = ldb.Message(ldb.Dn(db, dn))
            for attr, value in mods.items():
                msg[attr] = ldb.MessageElement(value, ldb.FLAG_MOD_REPLACE, attr)
            db.modify(msg)
            if "privileged" in flags:
                db.add_remove_group_members("Domain Admins", [login])
            if "helpdesk" in flags:
                db.add_remove_group_members("helpdesk", [login])
            if flags & {"disabled", "permlocked"}:
                db.disable_account("(sAMAccountName=%s)" % login)


if __name__ == "__main__":
    main(*sys.argv[1:4])
