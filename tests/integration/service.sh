# service.sh: dossier serve as a service: the configuration file checked
# by `serve -n` (the example file, faults named by file and line, TLS
# pair, archive, OCR languages, command line over file); the file's
# settings reaching the CLI and the server; SIGHUP applying what can be
# reloaded (review threshold for new batches, units, categories, hold
# days, log level), saying what needs a restart and keeping everything on
# a bad file; one log line per event, journald priorities under systemd,
# the request log at debug level without query strings, and sd_notify.
. tests/tap.sh

A="$T_TMP/archive"
D() { "$DOSSIER" -A "$A" "$@"; }
D init >/dev/null
"$GENSAMPLES" -o "$T_TMP/s" --count 2 --kind contract --format png --seed 31 >/dev/null 2>&1
set -- $(ls "$T_TMP"/s/*.png)
for u in adm:admin cle:clerk mgr:manager; do
	echo "pass-${u%%:*}-123" | D user add "${u%%:*}" --role "${u#*:}" >/dev/null
done

# --- serve -n -------------------------------------------------------
ex="$T_TMP/example.conf"
sed -e "s|^archive = .*|archive = $A|" -e "s|^listen = .*|listen = 127.0.0.1:0|" \
	dist/dossier.conf >"$ex"
out=$("$DOSSIER" -c "$ex" serve -n 2>"$T_TMP/err")
is "the example configuration (archive and port set) passes serve -n" "$? $out" "0 configuration OK"
is "... saying nothing else" "$(cat "$T_TMP/err")" ""
# Every key of the example, uncommented, is a valid line (TLS aside).
sed -e 's/^#\([a-z_]* = \)/\1/' -e 's/^#\(\[category\)/\1/' -e '/^tls_/d' "$ex" >"$T_TMP/all.conf"
is "every key of the example, uncommented, passes" \
	"$("$DOSSIER" -c "$T_TMP/all.conf" serve -n 2>&1)" "configuration OK"
if [ ! -e /var/lib/dossier/catalogue.db ]; then
	err=$("$DOSSIER" -c dist/dossier.conf serve -n 2>&1 >/dev/null)
	is "the example as shipped fails -n here: no archive yet (exit 1)" "$?" 1
	contains "... saying how to make one" "$err" "error: archive: no archive at /var/lib/dossier (run 'dossier init' first)"
fi

bad="$T_TMP/bad.conf"
printf '# typo and a bad value\n[server]\nlisen = 127.0.0.1:8080\nthreads = 0\n[ingest]\nreview_confidence = high\n' >"$bad"
out=$("$DOSSIER" -c "$bad" serve -n 2>"$T_TMP/err")
is "a broken file fails serve -n (exit 1, nothing on stdout)" "$? $out" "1 "
is "... each fault named by file and line, with what is expected" "$(cat "$T_TMP/err")" \
"$bad:3: unknown key 'lisen' in [server]
$bad:4: threads: expected a whole number from 1 to 64, got '0'
$bad:6: review_confidence: expected a number from 0 to 100, got 'high'"
err=$(D -c "$bad" search x 2>&1)
is "a broken file stops any command too" "$? $(echo "$err" | head -1)" "1 $bad:3: unknown key 'lisen' in [server]"
err=$("$DOSSIER" -c "$T_TMP/none.conf" serve -n 2>&1)
is "a missing -c file is an error" "$? $err" "1 $T_TMP/none.conf: no such file"

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$T_TMP/k1.pem" \
	-out "$T_TMP/c1.pem" -days 2 -subj /CN=127.0.0.1 2>/dev/null
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$T_TMP/k2.pem" \
	-out "$T_TMP/c2.pem" -days 2 -subj /CN=127.0.0.1 2>/dev/null
printf 'archive = %s\nlisten = 0.0.0.0:8443\ntls_cert = %s\ntls_key = %s\n' "$A" "$T_TMP/c1.pem" "$T_TMP/k1.pem" >"$T_TMP/tls.conf"
is "a TLS pair that loads passes -n, on any address" "$("$DOSSIER" -c "$T_TMP/tls.conf" serve -n 2>&1)" "configuration OK"
sed -i "s|k1.pem|k2.pem|" "$T_TMP/tls.conf"
err=$("$DOSSIER" -c "$T_TMP/tls.conf" serve -n 2>&1)
is "a certificate with another key fails -n" "$?" 1
contains "... saying so" "$err" "error: web: the TLS certificate $T_TMP/c1.pem and key $T_TMP/k2.pem do not load as a pair"
sed -i "s|c1.pem|gone.pem|" "$T_TMP/tls.conf"
contains "a certificate that is not there fails -n" "$("$DOSSIER" -c "$T_TMP/tls.conf" serve -n 2>&1)" \
	"cannot read the TLS certificate $T_TMP/gone.pem: No such file or directory"
printf 'archive = %s\nlisten = 0.0.0.0:8080\nlanguages = xyz\n' "$A" >"$T_TMP/x.conf"
err=$("$DOSSIER" -c "$T_TMP/x.conf" serve -n 2>&1)
contains "plain HTTP beyond loopback fails -n" "$err" "refusing to serve plain HTTP on 0.0.0.0"
contains "an OCR language that is not installed fails -n" "$err" "the OCR engine does not start with languages 'xyz'"
sed -i '/languages/d' "$T_TMP/x.conf"
is "--listen wins over the file's listen" \
	"$("$DOSSIER" -c "$T_TMP/x.conf" serve -n --listen 127.0.0.1:0 2>&1)" "configuration OK"
contains "-A wins over the file's archive" \
	"$("$DOSSIER" -c "$T_TMP/x.conf" -A "$T_TMP/elsewhere" serve -n --listen 127.0.0.1:0 2>&1)" \
	"no archive at $T_TMP/elsewhere"

# --- the file's settings reach the CLI --------------------------------
conf="$T_TMP/dossier.conf"
cat >"$conf" <<EOF
# the service test's configuration
[server]
listen = 127.0.0.1:0
archive = $A
log_level = info
[ingest]
review_confidence = 100
[records]
hold_days = 10
units = Retail
[category LEGAL]
name = Legal matters
aliases = COURT
EOF
is "a command without -A finds the archive the file names" \
	"$("$DOSSIER" -c "$conf" search --json 'status:archived' | json .total)" 0
out=$("$DOSSIER" -c "$conf" ingest "$1" 2>&1)
is "ingest takes the file's review threshold (100: every page to review)" \
	"$(echo "$out" | grep -o 'filed as document 1, .*, review: low OCR confidence$' | sed 's/account [^,]*/account A/')" \
	"filed as document 1, 1 page(s) from page 1, account A, category (none), review: low OCR confidence"

# --- serve, SIGHUP ----------------------------------------------------
# The archive and the address from the file alone (start_server gives
# -A and --listen).
log="$T_TMP/serve.log"
"$DOSSIER" -c "$conf" serve >"$log" 2>&1 &
pid=$!
listening() {
	BASE_URL=$(sed -n 's/.*serving .* on \(http:[^ ]*\)\/$/\1/p' "$log")
	[ -n "$BASE_URL" ]
}
poll 120 listening
[ -n "$BASE_URL" ] || { not_ok "server starts with the file" "$(cat "$log")"; finish; }
TS='[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z'
is "the first log line: time, name[pid], level, component, message" \
	"$(head -1 "$log" | sed -E "s/^$TS dossier\[$pid\]: /X /")" "X info: config: read $conf"
contains "the file's category is added at start" "$(cat "$log")" "info: config: category LEGAL added with catalogue number 8"
sign_in adm pass-adm-123 >/dev/null
is "GET /api/units lists the file's unit before anyone names it" \
	"$(curl -s "$BASE_URL/api/units" | jq -c '[.[] | [.unit, .customers]]')" '[["Retail",0]]'
is "the category is there with its alias" \
	"$(curl -s "$BASE_URL/api/categories" | jq -c '.[] | select(.code == "LEGAL") | [.catalogue, .name, .aliases]')" \
	'[8,"Legal matters",["COURT"]]'
is "... and its addition audited" \
	"$(sqlite3 "$A/catalogue.db" "SELECT actor || ' ' || action FROM audit WHERE object = 'category LEGAL'")" \
	"local-admin category.add
local-admin category.alias.add"
is "no request lines at log level info" "$(grep -c ' http: ' "$log")" 0

sed -i -e 's/^listen = .*/listen = 127.0.0.1:1/' -e 's/^log_level = .*/log_level = debug/' \
	-e 's/^review_confidence = .*/review_confidence = 0/' -e 's/^hold_days = .*/hold_days = 3/' \
	-e 's/^units = .*/units = Retail, Corporate Banking/' -e 's/^name = .*/name = Legal and court matters/' "$conf"
kill -HUP "$pid"
poll 60 grep -q 'config: reloaded' "$log"
msgs() { sed -E "s/^$TS dossier\[$pid\]: //" "$log"; }
contains "SIGHUP: a new listen address needs a restart" "$(msgs)" \
	"warning: config: listen changed to '127.0.0.1:1': needs a restart (the server goes on with '127.0.0.1:0')"
contains "SIGHUP: the category is renamed, its code and number kept" "$(msgs)" \
	"info: config: category LEGAL renamed from 'Legal matters' to 'Legal and court matters'"
contains "SIGHUP: what was reloaded, from what to what" "$(msgs)" \
	"info: config: reloaded $conf: log_level info -> debug, review_confidence 100 -> 0, hold_days 10 -> 3, units Retail -> Retail, Corporate Banking"
is "the server still answers on its port" "$(curl -s "$BASE_URL/api/health" | json .status)" ok
is "the new unit is listed" "$(curl -s "$BASE_URL/api/units" | jq -r '[.[].unit] | join("|")')" "Corporate Banking|Retail"
is "the category's new name, same catalogue number" \
	"$(curl -s "$BASE_URL/api/categories" | jq -c '.[] | select(.code == "LEGAL") | [.catalogue, .name]')" \
	'[8,"Legal and court matters"]'

sign_in cle pass-cle-123 >/dev/null
batch=$(curl -s -F "files=@$2" "$BASE_URL/api/batches" | json .batch)
over() {
	curl -s "$BASE_URL/api/batches/$batch/progress" >"$T_TMP/p"
	state=$(json .state <"$T_TMP/p")
	[ "$state" != running ]
}
poll 300 over
is "a batch uploaded after the reload takes threshold 0: archived, not review" \
	"$state $(jq -r '.files[0].documents[0].status' <"$T_TMP/p")" "done archived"

doc=$(jq -r '.files[0].documents[0].id' <"$T_TMP/p")
D delete request "$doc" --reason "scanned twice" >/dev/null
sign_in mgr pass-mgr-123 >/dev/null
until=$(date -u -d '+3 days' +%Y-%m-%d)
contains "an approval without hold_days holds for the reloaded hold_days (3)" \
	"$(curl -s -H 'Content-Type: application/json' --data '{}' "$BASE_URL/api/documents/$doc/approve-delete" | json .message)" \
	"deletion approved; held until ${until}T"

curl -s -o /dev/null "$BASE_URL/api/search?q=confidentialword"
curl -s -g -o /dev/null "$BASE_URL/x%0ainjected%1b[31m"
poll 60 grep -q 'x\\x0ainjected' "$log"
contains "debug after the reload: each request is one line (method, path, status, user)" "$(msgs)" \
	"debug: http: GET /api/search status=200 ms="
contains "... with who asked" "$(grep 'GET /api/search' "$log")" " user=mgr"
is "... never the query string" "$(grep -c confidentialword "$log")" 0
contains "control characters in a path are escaped" "$(msgs)" \
	'debug: http: GET /x\x0ainjected\x1b[31m status=404'
is "... so no line is forged" "$(grep -c '^injected' "$log")" 0

echo "bogus line" >>"$conf"
n=$(wc -l <"$conf")
kill -HUP "$pid"
poll 60 grep -q 'not reloaded' "$log"
contains "a bad file on SIGHUP: its fault is logged" "$(msgs)" \
	"error: config: $conf:$n: expected 'key = value', a [section] or a # comment"
contains "... and the settings in force stay" "$(msgs)" "error: config: $conf not reloaded: the settings in force stay"
sign_in adm pass-adm-123 >/dev/null
is "... (the units are those of the last good file)" \
	"$(curl -s "$BASE_URL/api/units" | jq -r '[.[].unit] | join("|")')" "Corporate Banking|Retail"
kill "$pid"
wait "$pid"
is "SIGTERM: a clean stop (exit 0)" "$?" 0
is "... logged as such" "$(msgs | tail -1)" "info: web: stopping (SIGTERM)"
is "every line of the log is one event in the format" \
	"$(grep -cvE "^$TS dossier\[$pid\]: (error|warning|info|debug): [a-z]+: " "$log")" 0

# --- under systemd: journald priorities, sd_notify ---------------------
sed -i '$d' "$conf"
sock="$T_TMP/notify.sock"
python3 - "$sock" "$T_TMP/notify" <<'EOF' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(60)
with open(sys.argv[2], "w") as f:
    while True:
        try:
            m = s.recv(4096).decode()
        except socket.timeout:
            break
        f.write(m.replace("\n", " ") + "\n")
        f.flush()
        if m.startswith("STOPPING"):
            break
EOF
npid=$!
poll 60 test -S "$sock"
: >"$log"
JOURNAL_STREAM=$(stat -c %d:%i "$log") NOTIFY_SOCKET=$sock \
	start_server "$A" --config "$conf" --verbose --listen 127.0.0.1:0 ||
	{ not_ok "server starts under a systemd-like environment"; finish; }
pid=$SERVER_PID
is "journal stream: the priority prefix, no time or pid (journald adds them)" \
	"$(head -1 "$log")" "<6>config: read $conf"
curl -s -o /dev/null "$BASE_URL/api/health"
sed -i 's/^review_confidence = .*/review_confidence = 75/' "$conf"
kill -HUP "$pid"
poll 60 grep -q 'config: reloaded' "$log"
contains "--verbose: requests at debug priority" "$(cat "$log")" "<7>http: GET /api/health status=200"
contains "the file's listen differs but --listen is in force: no restart asked" \
	"$(grep 'config: reloaded' "$log")" "<6>config: reloaded $conf: review_confidence 0 -> 75"
is "... and no warning" "$(grep -c '^<4>' "$log")" 0
kill "$pid"
wait "$pid"
wait "$npid"
is "sd_notify: ready once listening, reloading, ready, stopping" "$(cat "$T_TMP/notify")" \
"READY=1 MAINPID=$pid
RELOADING=1
READY=1
STOPPING=1"
: >"$T_TMP/j"
JOURNAL_STREAM=$(stat -c %d:%i "$T_TMP/j") "$DOSSIER" -c "$bad" serve 2>>"$T_TMP/j"
is "journal stream: a broken file stops the service, each fault an error entry" "$? $(head -1 "$T_TMP/j")" \
	"1 <3>config: $bad:3: unknown key 'lisen' in [server]"
finish
