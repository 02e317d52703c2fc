#!/usr/bin/env bash
# seed-demo.sh: fills a running netdep with the demo contest, the way real
# people would: the contest, the admin and the judge are made with
# netdep-admin; participants register, upload a dozen generated photos,
# the judge approves them and participants vote, all through the HTTP API.
# Safe to run again: what exists is reused, nothing is duplicated.
#
# Environment: NETDEP_URL (http://127.0.0.1:8080), NETDEP_DB (the app
# conninfo, for netdep-admin), NETDEP_VAR (where demo-credentials.txt
# goes), NETDEP_BUILD (build), NETDEP_ADMIN_PASSWORD and
# NETDEP_JUDGE_PASSWORD (generated when unset).
set -euo pipefail
me=seed
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
url=${NETDEP_URL:-http://127.0.0.1:8080}
var=${NETDEP_VAR:-$top/var}
build=$(lib_build)
admin_cli=$build/netdep-admin
demo_image=$build/netdep-demo-image
: "${NETDEP_DB:=host=$var/pgsock dbname=netdep user=netdep_app}"
export NETDEP_DB

slug=net-dep-2026
title="Nét đẹp đoàn viên, thanh niên 2026"
categories="Tuổi trẻ tình nguyện,Học tập và sáng tạo,Quê hương và văn hoá"

[ -x "$admin_cli" ] || die "$admin_cli is missing (make all)"
[ -x "$demo_image" ] || die "$demo_image is missing (make all)"
command -v jq >/dev/null || die "jq is missing (make deps)"

tmp=$(mktemp -d -t netdep-seed.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# --- credentials ---------------------------------------------------------
creds=$var/demo-credentials.txt
gen_password() { head -c 15 /dev/urandom | base64 | tr -d '/+=' | head -c 16; }
stored_password() { [ -f "$creds" ] && awk -v u="$1" '$1 == u { print $2 }' "$creds"; }

# username|name|unit code (scripts/demo-units.csv)|free-text unit: the
# last one's unit is not in the tree yet, so boards show it under "other"
# until an admin maps it (netdep-admin unit map).
participants=(
	"nguyenvanan|Nguyễn Văn An|hp-ltn-thpt|"
	"tranthibinh|Trần Thị Bình|hp-ltn-kdc1|"
	"leminhchau|Lê Minh Châu|hp-hb-kdc3|"
	"phamthidung|Phạm Thị Dung||Chi đoàn Thôn Đông, xã Kiến Thụy"
)

declare -A pw=()
new_creds=
for u in admin judge "${participants[@]%%|*}"; do
	p=$(stored_password "$u" || true)
	if [ -z "$p" ]; then
		case $u in
		admin) p=${NETDEP_ADMIN_PASSWORD:-$(gen_password)} ;;
		judge) p=${NETDEP_JUDGE_PASSWORD:-$(gen_password)} ;;
		*) p=$(gen_password) ;;
		esac
		new_creds=1
	fi
	pw[$u]=$p
done
if [ -n "$new_creds" ]; then
	(
		umask 077
		{
			echo "# netdep demo accounts for $url (scripts/seed-demo.sh)"
			echo "# username password"
			for u in admin judge "${participants[@]%%|*}"; do
				echo "$u ${pw[$u]}"
			done
		} >"$creds.new"
	)
	[ "$(id -u)" -ne 0 ] || chown "$(stat -c %U "$var"):" "$creds.new"
	mv "$creds.new" "$creds"
fi

# --- HTTP helpers ------------------------------------------------------------
# api NAME METHOD PATH [JSON]: as user NAME (cookie jar $tmp/NAME.jar),
# sets $code and $body.  State-changing calls send NAME's CSRF token.
declare -A csrf=()
api() {
	local who=$1 method=$2 path=$3 data=${4:-} out
	local args=(-s -S -m 60 -X "$method" -b "$tmp/$who.jar" -c "$tmp/$who.jar"
		-w '\n%{http_code}')
	[ -z "${csrf[$who]:-}" ] || args+=(-H "X-CSRF-Token: ${csrf[$who]}")
	[ -z "$data" ] || args+=(-H 'Content-Type: application/json' --data-binary "$data")
	out=$(curl "${args[@]}" "$url$path") || die "$method $path: curl failed"
	code=${out##*$'\n'}
	body=${out%$'\n'*}
}
expect() { # what allowed-codes...
	local what=$1 c
	shift
	for c in "$@"; do [ "$code" = "$c" ] && return 0; done
	die "$what: HTTP $code: $body"
}
login() { # name; returns non-zero (with $code and $body) on failure
	api "$1" POST /api/v1/session \
	    "$(jq -nc --arg u "$1" --arg p "${pw[$1]}" '{username: $u, password: $p}')"
	[ "$code" = 200 ] || return 1
	csrf[$1]=$(jq -r '.csrf_token' <<<"$body")
}
must_login() { login "$1" || die "log in as $1: HTTP $code: $body"; }

api anon GET /api/v1/health
expect "health" 200

# --- the unit tree as it is since 1 July 2025 (idempotent) -----------------
# A city union with ward and commune unions and their chi đoàn, and the
# merged-away Tỉnh đoàn Hải Dương with its successor link.
"$admin_cli" unit import "$top/scripts/demo-units.csv" ||
    die "netdep-admin unit import failed"

# --- contest, admin and judge (netdep-admin) --------------------------------
if "$admin_cli" contest show "$slug" >/dev/null 2>&1; then
	echo "seed: contest $slug exists"
else
	"$admin_cli" contest create "$slug" --title "$title" \
	    --categories "$categories" --max-entries 3 --votes-per-day 10 \
	    --unit-code hai-phong --open-to-all yes ||
	    die "netdep-admin contest create failed"
	echo "seed: created contest $slug"
fi

staff_user() { # username display unit-code
	local err
	if err=$(printf '%s\n' "${pw[$1]}" | "$admin_cli" user create "$1" \
	    --display-name "$2" --unit-code "$3" 2>&1); then
		echo "seed: created user $1"
	else
		# Already there from an earlier run?  Then the stored password
		# must still work.
		login "$1" || die "netdep-admin user create $1 failed: $err"
	fi
}
staff_user admin "Ban tổ chức" hai-phong
staff_user judge "Giám khảo Hoàng Lan" hai-phong
"$admin_cli" grant admin admin >/dev/null ||
    echo "seed: warning: grant admin admin failed (already granted?)" >&2
"$admin_cli" grant judge judge --contest "$slug" >/dev/null ||
    echo "seed: warning: grant judge judge failed (already granted?)" >&2

# --- participants register through the API ----------------------------------
for row in "${participants[@]}"; do
	IFS='|' read -r u name code unit <<<"$row"
	api "$u" POST /api/v1/accounts "$(jq -nc --arg u "$u" --arg p "${pw[$u]}" \
	    --arg n "$name" --arg code "$code" --arg unit "$unit" \
	    '{username: $u, password: $p, display_name: $n, unit: $unit,
	      birth_year: 1998, consent: true}
	     + (if $code == "" then {} else {unit_code: $code} end)')"
	if [ "$code" = 201 ]; then
		csrf[$u]=$(jq -r '.csrf_token' <<<"$body")
		[ "${csrf[$u]}" != null ] || must_login "$u"
		echo "seed: registered $u"
	else
		expect "register $u" 409
		must_login "$u"
	fi
done

# --- a dozen entries, uploaded as multipart -----------------------------------
api anon GET "/api/v1/contests/$slug"
expect "GET contest" 200
mapfile -t cat_ids < <(jq -r '.contest.categories[].id' <<<"$body")
[ ${#cat_ids[@]} -ge 1 ] || die "contest $slug has no categories: $body"

titles=(
	"Mùa hè xanh trên bản Lũng Cú|Đoàn viên dạy chữ cho các em nhỏ vùng cao trong chiến dịch tình nguyện hè."
	"Giọt hồng yêu thương|Ngày hội hiến máu nhân đạo của tuổi trẻ quận, hơn 500 đơn vị máu được tiếp nhận."
	"Thư viện sách cho em|Chi đoàn quyên góp hai nghìn cuốn sách cho trường tiểu học vùng sâu."
	"Robot nhặt rác mini|Nhóm sinh viên chế tạo robot nhặt rác bằng vật liệu tái chế."
	"Đêm thư viện mở|Sinh viên ôn thi cùng nhau tại thư viện trường đến khuya."
	"Lớp học tiếng Anh 0 đồng|Đoàn phường mở lớp tiếng Anh miễn phí cho thiếu nhi mỗi tối thứ Bảy."
	"Áo dài và nón lá|Đoàn viên trong trang phục truyền thống ngày hội văn hoá dân tộc."
	"Bình minh trên cánh đồng lúa|Mùa gặt ở quê nhà, những bó lúa vàng óng dưới nắng sớm."
	"Hát bội ở đình làng|Thanh niên cùng các nghệ nhân gìn giữ nghệ thuật hát bội."
	"Xung kích chống lũ|Thanh niên xung kích giúp bà con di dời tài sản trong mùa lũ."
	"Trồng cây xanh đầu xuân|Mỗi đoàn viên một cây xanh, phủ xanh tuyến đường ven kênh."
	"Câu lạc bộ lập trình nhí|Các bạn nhỏ lần đầu viết chương trình điều khiển đèn LED."
)

api anon GET "/api/v1/contests/$slug/entries?limit=100"
expect "list entries" 200
have=$(jq '.entries | length' <<<"$body")
entry_ids=() entry_owner=()
if [ "$have" -ge ${#titles[@]} ]; then
	echo "seed: $have approved entries already; no uploads"
else
	for i in "${!titles[@]}"; do
		IFS='|' read -r t caption <<<"${titles[$i]}"
		row=${participants[$((i % ${#participants[@]}))]}
		u=${row%%|*}
		img=$tmp/photo-$i.jpg
		"$demo_image" $((i + 1)) "$img" 1600 1200 "$t" ||
		    die "netdep-demo-image failed"
		out=$(curl -s -S -m 120 -b "$tmp/$u.jar" -c "$tmp/$u.jar" \
		    -H "X-CSRF-Token: ${csrf[$u]}" -w '\n%{http_code}' \
		    -F "photo=@$img;type=image/jpeg" --form-string "title=$t" \
		    --form-string "caption=$caption" --form-string "consent=yes" \
		    --form-string "category=${cat_ids[$((i % ${#cat_ids[@]}))]}" \
		    "$url/api/v1/contests/$slug/entries") || die "upload: curl failed"
		code=${out##*$'\n'}
		body=${out%$'\n'*}
		if [ "$code" = 409 ] || [ "$code" = 429 ]; then
			echo "seed: $u has no entry left for '$t' (HTTP $code); skipped"
			continue
		fi
		expect "upload '$t' as $u" 201
		id=$(jq -r '.entry.id' <<<"$body")
		entry_ids+=("$id")
		entry_owner+=("$u")
		echo "seed: uploaded entry $id '$t' as $u"
	done
fi

# --- the judge approves, then participants vote -------------------------------
if [ ${#entry_ids[@]} -gt 0 ]; then
	must_login judge
	for id in "${entry_ids[@]}"; do
		api judge POST "/api/v1/entries/$id/moderation" '{"action":"approve"}'
		expect "approve entry $id" 200
	done
	echo "seed: judge approved ${#entry_ids[@]} entries"

	votes=0
	for v in "${!participants[@]}"; do
		voter=${participants[$v]%%|*}
		for k in "${!entry_ids[@]}"; do
			# Uneven on purpose, so the leaderboard has a shape.
			[ $(((k * 7 + v * 3) % 5)) -lt 3 ] || continue
			[ "${entry_owner[$k]}" != "$voter" ] || continue
			api "$voter" POST "/api/v1/entries/${entry_ids[$k]}/votes"
			case $code in
			201) votes=$((votes + 1)) ;;
			409 | 429) ;;
			*) expect "vote for ${entry_ids[$k]} as $voter" 201 ;;
			esac
		done
	done
	echo "seed: $votes votes cast"
fi

api anon GET "/api/v1/contests/$slug/leaderboard"
expect "leaderboard" 200
echo "seed: leaderboard has $(jq '.entries | length' <<<"$body") entries"
if [ -n "$new_creds" ]; then
	echo "seed: demo accounts (also in $creds):"
	echo "seed:   admin / ${pw[admin]}"
	echo "seed:   judge / ${pw[judge]}"
	echo "seed:   participants: ${participants[*]%%|*} (passwords in the file)"
fi
