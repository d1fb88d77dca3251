# Sourced by test.sh and bench.sh: install_packages PKG... installs Debian packages as root,
# non-interactively. Postfix only provides smtp-sink here: its questions are answered up front and
# no service is started while packages install.
install_packages() {
  [ $# -gt 0 ] || return 0
  [ "$(id -u)" -eq 0 ] || { log "missing packages ($*) and not root"; exit 1; }
  log "installing $*"
  export DEBIAN_FRONTEND=noninteractive
  echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
  echo "postfix postfix/mailname string localhost" | debconf-set-selections
  local policy=/usr/sbin/policy-rc.d created_policy=0
  if [ ! -e "$policy" ]; then printf '#!/bin/sh\nexit 101\n' > "$policy"; chmod +x "$policy"; created_policy=1; fi
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "$@" >/dev/null
  if [ "$created_policy" -eq 1 ]; then rm -f "$policy"; fi
}
