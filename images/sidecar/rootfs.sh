#!/bin/sh
# Assembles the sidecar image's whole root file system in $1 (run in the Dockerfile's 'tools' stage, where Debian's
# packages are installed). Only what the sidecar runs is copied: the listed executables, the shared libraries ldd
# resolves for them (plus the few the programs dlopen, named below with who opens them), the CA bundle and a minimal
# /etc. No package manager, Perl, docs, locales or man pages reach the final image.
#
#   sh rootfs.sh /rootfs /usr/local/bin/bot-bottle-sidecar
set -eu
R=$1
SIDECAR=$2

# Debian's merged /usr: /bin, /sbin, /lib and /lib64 are links into /usr, so the paths compiled into binaries (the ELF
# interpreter /lib64/ld-linux-x86-64.so.2, /bin/sh in scripts) resolve as they do on Debian.
mkdir -p "$R/usr/bin" "$R/usr/sbin" "$R/usr/lib" "$R/usr/local/bin" "$R/etc/ssl/certs" "$R/usr/lib/ssl" "$R/root" "$R/run"
for d in bin sbin lib lib64; do
  if [ -e "/usr/$d" ] && [ -L "/$d" ]; then ln -s "usr/$d" "$R/$d"; fi
done
mkdir -p -m 1777 "$R/tmp"

# copy PATH...: the file each path names, at its real location, plus the link from the named path when it is one.
copy() {
  for f in "$@"; do
    real=$(readlink -f "$f")
    mkdir -p "$R$(dirname "$real")"
    cp -p "$real" "$R$real"
    named="$(readlink -f "$(dirname "$f")")/$(basename "$f")"
    if [ "$named" != "$real" ] && [ ! -e "$R$named" ]; then
      mkdir -p "$R$(dirname "$named")"
      ln -s "$real" "$R$named"
    fi
  done
}

# copy_with_libraries FILE...: the files and every shared library the loader resolves for them (ldd is transitive).
copy_with_libraries() {
  copy "$@"
  for f in "$@"; do
    libs=$(ldd "$f" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }')
    for l in $libs; do copy "$l"; done
  done
}

libdir=$(dirname "$(readlink -f "$(ldd /bin/sh | awk '$1 ~ /^libc\.so/ { print $3 }')")")   # /usr/lib/<multiarch>

# The sidecar. Its TLS (System.Net.Security) dlopens OpenSSL's libssl.so.3 at run time, which ldd cannot see.
copy_with_libraries "$SIDECAR" "$libdir/libssl.so.3"

# The git gate (src/BotBottle.Sidecar/GitGate): git runs every command in-process except the transports:
# git-remote-http(s) for https upstreams (libcurl) and ssh (GIT_SSH_COMMAND, run through /bin/sh) for ssh upstreams.
# Subcommands git starts itself (index-pack, pack-objects, …) are 'git' again, found first in its exec path.
copy_with_libraries /usr/bin/git /usr/lib/git-core/git-remote-http /usr/bin/ssh
ln -s ../../bin/git "$R/usr/lib/git-core/git"
ln -s git-remote-http "$R/usr/lib/git-core/git-remote-https"
mkdir -p "$R/usr/share/git-core/templates"   # git init's template folder: present and empty (the gate writes its own hook)

# nss_wrapper: gives ssh a passwd entry when the sidecar runs as a host uid /etc/passwd does not know (LD_PRELOAD).
copy_with_libraries "$libdir/libnss_wrapper.so"

# Shells and the few tools scripts use: /bin/sh (dash) runs the mirrors' pre-receive hooks, GIT_SSH_COMMAND and the
# firewall helper's script; grep is in that script; bash, cat, tr, env, awk and sleep are for operators (and tests)
# looking inside a running sidecar with 'docker exec'.
copy_with_libraries /usr/bin/dash /usr/bin/bash /usr/bin/grep /usr/bin/cat /usr/bin/tr /usr/bin/env /usr/bin/sleep /usr/bin/mawk
ln -s dash "$R/usr/bin/sh"
ln -s mawk "$R/usr/bin/awk"

# The agent firewall helper (src/BotBottle.Core/Backends/Docker/AgentFirewall.cs) loads its rules with
# iptables-nft-restore or iptables-legacy-restore (and ip6tables-*-restore) and checks them with iptables-nft or
# iptables-legacy, from this image. The multi-call binaries pick their mode from argv[0]; the rule parsers for the
# matches and targets the script uses are dlopened from xtables/: standard targets (ACCEPT, DROP), tcp and udp
# (--dport) and conntrack (--ctstate). Both flavours were run with exactly these four.
copy_with_libraries /usr/sbin/xtables-nft-multi /usr/sbin/xtables-legacy-multi
for t in iptables ip6tables; do
  for flavour in nft legacy; do
    ln -s "xtables-$flavour-multi" "$R/usr/sbin/$t-$flavour"
    ln -s "xtables-$flavour-multi" "$R/usr/sbin/$t-$flavour-restore"
  done
done
for x in libxt_standard libxt_tcp libxt_udp libxt_conntrack; do
  copy_with_libraries "$libdir/xtables/$x.so"
done

# Trust: Debian's bundle with the operator's extra CAs (update-ca-certificates ran in this stage), where OpenSSL,
# .NET and GnuTLS (git's https) look for it; OpenSSL's configuration; name service and protocol tables.
cp -p /etc/ssl/certs/ca-certificates.crt "$R/etc/ssl/certs/"
cp -p /etc/ssl/openssl.cnf "$R/etc/ssl/"
ln -s /etc/ssl/certs "$R/usr/lib/ssl/certs"
ln -s /etc/ssl/certs/ca-certificates.crt "$R/usr/lib/ssl/cert.pem"
ln -s /etc/ssl/openssl.cnf "$R/usr/lib/ssl/openssl.cnf"
cp -p /etc/nsswitch.conf /etc/protocols /etc/services "$R/etc/"
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n' > "$R/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' > "$R/etc/group"

# Every program must load in the assembled tree (a missing library fails the build here, not in a bottle). git's https
# transport is started for real: it must get as far as the connection attempt. The programs need /dev/null, which the
# engine mounts at run time; a temporary one is made for the check (skipped where the builder cannot make devices).
mkdir -p "$R/dev"
if mknod -m 666 "$R/dev/null" c 1 3 2>/dev/null; then
  chroot "$R" /bin/sh -c 'git --version && ssh -V && grep --version && bash --version && awk -W version && cat --version && tr --version && env --version && sleep 0 \
    && iptables-nft --version && iptables-legacy --version && ip6tables-nft --version && ip6tables-legacy --version \
    && iptables-nft-restore --version && iptables-legacy-restore --version && ip6tables-nft-restore --version && ip6tables-legacy-restore --version' >/dev/null 2>&1 \
    || { echo "rootfs: a program does not run in the assembled file system:" >&2; chroot "$R" /bin/sh -xc 'git --version; ssh -V; iptables-nft --version; iptables-legacy --version' >&2; exit 1; }
  remote=$(chroot "$R" /usr/bin/git ls-remote https://127.0.0.1:1/probe.git 2>&1 || true)
  case "$remote" in
    *"unable to access"*) ;;
    *) echo "rootfs: git's https transport does not run in the assembled file system: $remote" >&2; exit 1 ;;
  esac
  rm -f "$R/dev/null"
else
  echo "rootfs: this builder cannot create /dev/null; the programs were not test-run" >&2
fi
