# install.sh: `make install` into a DESTDIR from the built binary: the
# tree file by file with modes, the unit passing systemd-analyze verify,
# the manual rendering without warnings and naming every command and
# configuration key, a changed configuration kept on a second install and
# on uninstall.
. tests/tap.sh

REPO=$PWD
R="$T_TMP/root"
# Not the flags of a make running the tests (make check, make asan).
unset MAKEFLAGS MFLAGS MAKELEVEL
mk() { make -s --no-print-directory -C "$REPO" BUILD="$BUILD" DESTDIR="$R" PREFIX=/usr "$@"; }

out=$(mk install 2>&1)
is "make install into a DESTDIR exits 0" "$?" 0
is "the files installed, with their modes" "$(cd "$R" && find . -type f -printf '%m %p\n' | sort -k2)" \
"644 ./etc/dossier/dossier.conf
755 ./usr/bin/dossier
644 ./usr/lib/systemd/system/dossier.service
644 ./usr/lib/sysusers.d/dossier.conf
644 ./usr/lib/tmpfiles.d/dossier.conf
644 ./usr/share/doc/dossier/dossier.conf.example
644 ./usr/share/man/man1/dossier.1"
check "the binary is the one built (not rebuilt)" cmp -s "$BUILD/dossier" "$R/usr/bin/dossier"
is "the installed binary runs" "$("$R/usr/bin/dossier" help | head -1)" \
	"usage: dossier [-c FILE] [-A DIR] [--as USER] COMMAND [ARGS]"
check "the configuration is the example" cmp -s dist/dossier.conf "$R/etc/dossier/dossier.conf"
check "... and the example is kept beside the docs" cmp -s dist/dossier.conf "$R/usr/share/doc/dossier/dossier.conf.example"

U="$R/usr/lib/systemd/system/dossier.service"
is "the unit runs serve with the installed paths, as user dossier" \
	"$(grep -E '^(ExecStart|ExecReload|User|Group|Type|StateDirectory|ReadWritePaths)=' "$U")" \
"Type=notify
ExecStart=/usr/bin/dossier -c /etc/dossier/dossier.conf serve
ExecReload=/bin/kill -HUP \$MAINPID
User=dossier
Group=dossier
StateDirectory=dossier
ReadWritePaths=/var/lib/dossier"
is "the unit's hardening" \
	"$(grep -E '^(NoNewPrivileges|ProtectSystem|ProtectHome|PrivateTmp|PrivateDevices|CapabilityBoundingSet|RestrictAddressFamilies|SystemCallFilter)=' "$U")" \
"NoNewPrivileges=yes
ProtectSystem=strict
ProtectHome=yes
PrivateTmp=yes
PrivateDevices=yes
RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX
CapabilityBoundingSet=
SystemCallFilter=@system-service
SystemCallFilter=~@privileged @resources"
is "no @PLACEHOLDER@ left in the unit" "$(grep -c '@[A-Z]*@' "$U")" 0
is "sysusers.d makes the user dossier" "$(grep -v '^#' "$R/usr/lib/sysusers.d/dossier.conf")" \
	'u dossier - "dossier document archive" /var/lib/dossier'

# systemd-analyze verify wants the ExecStart binary and the Documentation
# page on this system: the installed unit, its binary path pointed into
# the DESTDIR, MANPATH at the installed manual.  It warns without failing,
# so its output must be empty.
mkdir -p "$T_TMP/verify"
sed "s|/usr/bin/dossier|$R/usr/bin/dossier|g" "$U" >"$T_TMP/verify/dossier.service"
out=$(MANPATH="$R/usr/share/man" systemd-analyze verify "$T_TMP/verify/dossier.service" 2>&1)
is "systemd-analyze verify passes on the unit, saying nothing" "$? $out" "0 "
sed 's/^ProtectSystem=strict/ProtectSystem=stric/' "$T_TMP/verify/dossier.service" >"$T_TMP/verify/x.service"
contains "... and would say something about a bad value" \
	"$(MANPATH="$R/usr/share/man" systemd-analyze verify "$T_TMP/verify/x.service" 2>&1)" \
	"Failed to parse protect system value"

M="$R/usr/share/man/man1/dossier.1"
is "man -l renders the page without a warning" \
	"$(LC_ALL=C.UTF-8 MANWIDTH=80 man -l "$M" 2>&1 >"$T_TMP/man.txt"; echo "rc=$?")" "rc=0"
is "... its NAME line" "$(sed -n '/^NAME/{n;p}' "$T_TMP/man.txt")" \
	"     dossier — document-image archive for customer records"
is "groff -ww finds nothing to warn about" "$(groff -mandoc -ww -z -Tutf8 "$M" 2>&1)" ""
is "mandoc -Tlint finds no warning or error" "$(mandoc -Tlint -Wwarning "$M" 2>&1)" ""
missing=""
for c in $("$R/usr/bin/dossier" help | sed -n 's/^  \([a-z-]*\)  .*/\1/p'); do
	grep -qE "^     $c( |\$)" "$T_TMP/man.txt" || missing="$missing $c"
done
is "the manual describes every command 'dossier help' lists" "$missing" ""
is "... (all 27 or more of them)" "$(n=$("$R/usr/bin/dossier" help | grep -c '^  [a-z]'); [ "$n" -ge 27 ] && echo yes)" yes
missing=""
for k in $(sed -n 's/^#\{0,1\}\([a-z_]*\) = .*/\1/p' dist/dossier.conf | sort -u); do
	grep -qE "^     $k = " "$T_TMP/man.txt" || missing="$missing $k"
done
is "the manual describes every key of the example configuration" "$missing" ""
contains "... and says the web assets are built in" "$(sed -z 's/‐\n *//g' "$T_TMP/man.txt" | tr -s ' \n' ' ')" \
	"The web assets (pages, scripts, styles) are built into the binary; nothing else is installed for them."

echo "# changed by the administrator" >>"$R/etc/dossier/dossier.conf"
out=$(mk install 2>&1)
contains "a second install keeps a changed configuration" "$out" "kept $R/etc/dossier/dossier.conf"
is "... whose change is still there" "$(tail -1 "$R/etc/dossier/dossier.conf")" "# changed by the administrator"
out=$(mk uninstall 2>&1)
is "make uninstall leaves only the changed configuration" \
	"$(cd "$R" && find . -type f | sort)" "./etc/dossier/dossier.conf"
contains "... and says so" "$out" "kept $R/etc/dossier/dossier.conf (changed)"
rm -rf "$R"
mk install >/dev/null 2>&1 && mk uninstall >/dev/null 2>&1
is "install then uninstall of an unchanged tree leaves no file" "$(find "$R" -type f | wc -l)" 0
out=$(make -s --no-print-directory -C "$REPO" BUILD="$T_TMP/nobuild" DESTDIR="$R" install 2>&1)
is "make install without a build refuses, saying what to run" "$? $(echo "$out" | head -1)" \
	"2 make install: no $T_TMP/nobuild/dossier; run 'make all' first"
finish
