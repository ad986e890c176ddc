# dm-stub-lib.sh - helpers shared by the e2e stub toolchain (sourced, never run).
#
# The stubs stand in for package managers and download tools inside the test
# images. Each one succeeds only when the credential the real tool would need
# is visible to it (environment, config file, mounted secret, argument) and
# otherwise fails like the real tool would against a private registry: a
# message on stderr and a non-zero exit. Plain POSIX sh: it runs under
# busybox ash (dm-base:busybox) and dash (dm-base:ssh).

stub_home() { printf '%s' "${HOME:-/root}"; }

# fail LINE...: print the lines on stderr, exit 1.
fail() { printf '%s\n' "$@" >&2; exit 1; }

# trim TEXT: strip blanks, quotes and CR around a value.
trim() { printf '%s' "$1" | sed -e 's/^[[:space:]"'"'"']*//' -e 's/[[:space:]"'"'"'\r]*$//'; }

# expand_vars TEXT: replace each ${NAME} with the environment's value (unset -> ""),
# the way npm and yarn read ${VAR} in their rc files.
expand_vars() {
    _s=$1 _out=
    while :; do
        case $_s in
            *'${'*'}'*)
                _pre=${_s%%'${'*}
                _rest=${_s#*'${'}
                _name=${_rest%%'}'*}
                _s=${_rest#*'}'}
                _name=${_name%%:-*}
                case $_name in
                    '' | [0-9]* | *[!A-Za-z0-9_]*) _val= ;;
                    *) eval "_val=\${$_name-}" ;;
                esac
                _out=$_out$_pre$_val
                ;;
            *) printf '%s' "$_out$_s"; return 0 ;;
        esac
    done
}

# url_has_creds URL: true when URL carries non-empty credentials (user:pass@ or token@).
url_has_creds() {
    case $1 in *://*) ;; *) return 1 ;; esac
    _h=${1#*://}
    _h=${_h%%/*}
    case $_h in *@*) ;; *) return 1 ;; esac
    _ui=${_h%@*}
    case $_ui in
        *:*) [ -n "${_ui#*:}" ] ;;
        *) [ -n "$_ui" ] ;;
    esac
}

# any_url_has_creds TEXT|-: true when some scheme://... word in TEXT (or stdin) has credentials.
any_url_has_creds() {
    if [ "$1" = - ]; then cat; else printf '%s\n' "$1"; fi |
        grep -Eo '[A-Za-z][A-Za-z0-9+.-]*://[^[:space:]"'"'"'<>]+' |
        { while IFS= read -r _u; do url_has_creds "$_u" && exit 0; done; exit 1; }
}

# netrc_has_password: ~/.netrc (or $NETRC) names a non-empty password.
netrc_has_password() {
    for _f in ${NETRC:+"$NETRC"} "$(stub_home)/.netrc"; do
        [ -f "$_f" ] && grep -Eq '(^|[[:space:]])password[[:space:]]+[^[:space:]]' "$_f" && return 0
    done
    return 1
}

# npmrc_has_token FILE: FILE sets a non-empty _authToken/_auth/_password (${VAR} expanded).
npmrc_has_token() {
    [ -f "$1" ] || return 1
    while IFS= read -r _l || [ -n "$_l" ]; do
        case $_l in
            [\;#]*) ;;
            *_authToken*=* | *_auth*=* | *_password*=*)
                _v=$(trim "$(expand_vars "${_l#*=}")")
                [ -n "$_v" ] && return 0
                ;;
        esac
    done <"$1"
    return 1
}

# npm_auth_ok: an npm registry token is visible (rc files in cwd, home, userconfig, globalconfig, or env).
npm_auth_ok() {
    [ -n "${NPM_TOKEN-}" ] && return 0
    [ -n "${NPM_CONFIG__AUTHTOKEN-}${npm_config__authToken-}${NPM_CONFIG__AUTH-}${npm_config__auth-}" ] && return 0
    for _f in ./.npmrc "${NPM_CONFIG_USERCONFIG:-${npm_config_userconfig:-$(stub_home)/.npmrc}}" \
        "${NPM_CONFIG_GLOBALCONFIG:-${npm_config_globalconfig:-/usr/local/etc/npmrc}}" /etc/npmrc; do
        npmrc_has_token "$_f" && return 0
    done
    return 1
}

# The flattened git configuration, one "section[.subsection].key=value" per line:
# system/global files, GIT_CONFIG_COUNT/KEY_n/VALUE_n, and -c pairs the git stub put in GIT_STUB_C.
GIT_FLATTEN_AWK='
/^[ \t]*[#;]/ { next }
/^[ \t]*\[/ {
    l = $0; sub(/^[ \t]*\[/, "", l); sub(/\][ \t]*$/, "", l)
    if (match(l, /[ \t]+"/)) { s = tolower(substr(l, 1, RSTART - 1)) "." substr(l, RSTART + RLENGTH); sub(/"$/, "", s) }
    else s = tolower(l)
    next
}
/=/ { k = $0; sub(/=.*/, "", k); gsub(/[ \t]/, "", k); v = $0; sub(/^[^=]*=[ \t]*/, "", v); gsub(/^"|"$/, "", v); print s "." k "=" v }
'
git_config_entries() {
    _hm=$(stub_home)
    for _f in /etc/gitconfig "${XDG_CONFIG_HOME:-$_hm/.config}/git/config" "$_hm/.gitconfig" ${GIT_CONFIG_GLOBAL:+"$GIT_CONFIG_GLOBAL"}; do
        [ -f "$_f" ] && awk "$GIT_FLATTEN_AWK" "$_f"
    done
    _i=0
    while [ "$_i" -lt "${GIT_CONFIG_COUNT:-0}" ] 2>/dev/null; do
        eval "printf '%s=%s\n' \"\${GIT_CONFIG_KEY_$_i-}\" \"\${GIT_CONFIG_VALUE_$_i-}\""
        _i=$((_i + 1))
    done
    [ -n "${GIT_STUB_C-}" ] && printf '%s\n' "$GIT_STUB_C"
    return 0
}

# git_auth_ok [URL]: git could authenticate to URL over https: credentials in the URL, an
# url.<base-with-token>.insteadOf rewrite matching URL (any such rewrite when URL is empty),
# an http extraheader with a token, a store helper with ~/.git-credentials, or ~/.netrc.
git_auth_ok() {
    [ -n "${1-}" ] && url_has_creds "$1" && return 0
    netrc_has_password && return 0
    git_config_entries | {
        while IFS= read -r _e; do
            _k=${_e%%=*} _v=${_e#*=}
            case $_k in
                [uU][rR][lL].*.[iI][nN][sS][tT][eE][aA][dD][oO][fF])
                    _base=${_k#*.}
                    _base=${_base%.*}
                    url_has_creds "$_base" || continue
                    [ -z "${1-}" ] && exit 0
                    case $1 in "$_v"*) exit 0 ;; esac
                    ;;
                [hH][tT][tT][pP].*[eE][xX][tT][rR][aA][hH][eE][aA][dD][eE][rR])
                    header_has_token "$_v" && exit 0
                    ;;
                [cC][rR][eE][dD][eE][nN][tT][iI][aA][lL].*[hH][eE][lL][pP][eE][rR])
                    case $_v in store*)
                        _cf=$(stub_home)/.git-credentials
                        case $_v in *--file*) _cf=${_v##*--file}; _cf=$(trim "${_cf#=}") ;; esac
                        [ -f "$_cf" ] && any_url_has_creds - <"$_cf" && exit 0
                        ;;
                    esac
                    ;;
            esac
        done
        exit 1
    }
}

# header_has_token "Name: value": an auth header whose token part is non-empty
# ("Authorization: Bearer " and "Authorization: token " are empty).
header_has_token() {
    _n=${1%%:*}
    case $1 in *:*) ;; *) return 1 ;; esac
    _v=$(trim "${1#*:}")
    case $_n in
        *[Aa][Uu][Tt][Hh][Oo][Rr][Ii][Zz][Aa][Tt][Ii][Oo][Nn]*)
            case $_v in
                *[[:space:]]*) [ -n "$(trim "${_v#*[[:space:]]}")" ] ;;
                [Bb]earer | [Tt]oken | [Bb]asic | '') return 1 ;;
                *) return 0 ;;
            esac
            ;;
        *[Tt][Oo][Kk][Ee][Nn]* | *[Kk][Ee][Yy]* | *[Aa][Pp][Ii]*) [ -n "$_v" ] ;;
        *) return 1 ;;
    esac
}
