# Sourced by start.sh (uses its dir, tls, put, free_port, secret, wait_until, fail): the servers of
# the dns, ssh and ldap checks, on loopback and free ports, with their data under $dir.

# --- dnsmasq: one with the test records, one that validates DNSSEC and so answers SERVFAIL ---
dns="$dir/dnsmasq"
mkdir -p "$dns"
dns_port=$(free_port); dns_servfail_port=$(free_port)
dnsmasq --keep-in-foreground --no-resolv --no-hosts --bind-interfaces --listen-address=127.0.0.1 --port="$dns_port" \
  --user=dnsmasq --pid-file= --log-facility=- --local=/internal/ \
  --host-record=db.internal,10.1.0.5 --host-record=db.internal,10.1.0.6 --host-record=v6.internal,fd00::5 \
  --cname=alias.internal,db.internal --mx-host=internal,mail.internal,10 --txt-record=txt.internal,"conn-check test" \
  --srv-host=_ldap._tcp.internal,ldap.internal,389,0,100 --ptr-record=5.0.1.10.in-addr.arpa,db.internal \
  > "$dns/records.log" 2>&1 &
echo $! > "$dir/pids/dnsmasq"
# With the root's trust anchor, the unsigned answers of the first instance are bogus: SERVFAIL.
dnsmasq --keep-in-foreground --no-resolv --no-hosts --bind-interfaces --listen-address=127.0.0.1 --port="$dns_servfail_port" \
  --user=dnsmasq --pid-file= --log-facility=- --server="127.0.0.1#$dns_port" --dnssec --dnssec-check-unsigned \
  --trust-anchor=.,20326,8,2,E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D \
  > "$dns/servfail.log" 2>&1 &
echo $! > "$dir/pids/dnsmasq-servfail"
put DNS_PORT "$dns_port"
put DNS_SERVFAIL_PORT "$dns_servfail_port"

# --- OpenSSH: its own sshd config and host key; a throwaway user with a password and a key ---
ssh_dir="$dir/ssh"
mkdir -p "$ssh_dir" /run/sshd
ssh_port=$(free_port)
ssh_user="ccssh$(openssl rand -hex 4)"
ssh_pass=$(secret ssh)
useradd --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$ssh_user"
echo "$ssh_user" > "$dir/ssh-user"
echo "$ssh_user:$ssh_pass" | chpasswd
ssh-keygen -q -t ed25519 -N '' -C conncheck-host -f "$ssh_dir/host_ed25519"
ssh-keygen -q -t ed25519 -N '' -C conncheck-client -f "$ssh_dir/client_ed25519"
cp "$ssh_dir/client_ed25519.pub" "$ssh_dir/authorized_keys"
cat > "$ssh_dir/sshd_config" <<EOF
Port $ssh_port
ListenAddress 127.0.0.1
HostKey $ssh_dir/host_ed25519
PidFile none
UsePAM no
PasswordAuthentication yes
KbdInteractiveAuthentication no
PubkeyAuthentication yes
AuthorizedKeysFile $ssh_dir/authorized_keys
StrictModes no
PermitRootLogin no
AllowUsers $ssh_user
MaxAuthTries 3
# Checks run at once: the default (10:30:100) drops some of their unauthenticated connections.
MaxStartups 200
EOF
/usr/sbin/sshd -D -e -f "$ssh_dir/sshd_config" > "$ssh_dir/sshd.log" 2>&1 &
echo $! > "$dir/pids/sshd"
put SSH_PORT "$ssh_port"
put SSH_USER "$ssh_user"
put SSH_PASSWORD "$ssh_pass"
put SSH_CLIENT_KEY "$ssh_dir/client_ed25519"
put SSH_HOST_KEY_SHA256 "$(ssh-keygen -lf "$ssh_dir/host_ed25519.pub" | awk '{print $2}')"

# --- OpenLDAP slapd: mdb backend, a base entry and one ou, ldap:// (with StartTLS) and ldaps:// ---
ldap="$dir/slapd"
mkdir -p "$ldap/data"
ldap_port=$(free_port); ldaps_port=$(free_port)
ldap_pass=$(secret ldap)
# slapd runs as openldap: it gets its own copy of the test server's key.
cp "$tls/server.pem" "$tls/server.key" "$ldap/"
cat > "$ldap/slapd.conf" <<EOF
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
modulepath /usr/lib/ldap
moduleload back_mdb
pidfile $ldap/slapd.pid
TLSCertificateFile $ldap/server.pem
TLSCertificateKeyFile $ldap/server.key
database mdb
maxsize 16777216
suffix "dc=conncheck,dc=test"
rootdn "cn=admin,dc=conncheck,dc=test"
rootpw $(slappasswd -s "$ldap_pass")
directory $ldap/data
EOF
slapadd -q -f "$ldap/slapd.conf" <<EOF
dn: dc=conncheck,dc=test
objectClass: dcObject
objectClass: organization
o: conn-check
dc: conncheck

dn: ou=people,dc=conncheck,dc=test
objectClass: organizationalUnit
ou: people
EOF
chown -R openldap:openldap "$ldap"
chmod 600 "$ldap/server.key"
/usr/sbin/slapd -f "$ldap/slapd.conf" -h "ldap://127.0.0.1:$ldap_port/ ldaps://127.0.0.1:$ldaps_port/" \
  -u openldap -g openldap -d 0 > "$ldap/slapd.log" 2>&1 &
echo $! > "$dir/pids/slapd"
put LDAP_PORT "$ldap_port"
put LDAPS_PORT "$ldaps_port"
put LDAP_BIND_DN "cn=admin,dc=conncheck,dc=test"
put LDAP_PASSWORD "$ldap_pass"
put LDAP_BASE_DN "dc=conncheck,dc=test"

wait_until 30 "dnsmasq" "$dns/records.log" grep -q 'started' "$dns/records.log"
wait_until 30 "dnsmasq (servfail)" "$dns/servfail.log" grep -q 'started' "$dns/servfail.log"
wait_until 30 "sshd" "$ssh_dir/sshd.log" port_open "$ssh_port"
wait_until 30 "slapd" "$ldap/slapd.log" ldapsearch -x -H "ldap://127.0.0.1:$ldap_port" -b '' -s base
