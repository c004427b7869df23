# Sourced by bench/egress/run.sh and flavours.sh: the upstream every proxy under test talks to.
#   start_upstream DIR HTTP_PORT HTTPS_PORT
# Makes a CA of its own (DIR/up-ca.pem: tell each proxy to trust it) and a leaf certificate for localhost, then starts
# nginx (DIR/nginx/, pid in DIR/nginx/nginx.pid) on 127.0.0.1:HTTPS_PORT over TLS: GET /get/1k and /get/64k answer
# with exactly 1,024 and 65,536 bytes; any other path reads the request body through a keep-alive proxy_pass to a
# plain sink on HTTP_PORT and answers "ok\n" (3 bytes).
start_upstream() {
  local dir=$1 http_port=$2 https_port=$3
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$dir/up-ca.key" -out "$dir/up-ca.pem" -days 2 -subj "/CN=bench upstream CA" 2>/dev/null
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$dir/up.key" -out "$dir/up.csr" -subj "/CN=localhost" 2>/dev/null
  printf 'subjectAltName=DNS:localhost\nextendedKeyUsage=serverAuth\n' > "$dir/ext.cnf"
  openssl x509 -req -in "$dir/up.csr" -CA "$dir/up-ca.pem" -CAkey "$dir/up-ca.key" -CAcreateserial -out "$dir/up.pem" -days 2 -extfile "$dir/ext.cnf" 2>/dev/null
  mkdir -p "$dir/nginx/logs" "$dir/www"
  # nginx's workers run as www-data: a mktemp -d folder (0700) made every GET answer 403 Forbidden, which the load
  # generator counts as an error but still as a request (flavours.sh had no chmod of its own).
  chmod 0755 "$dir"
  cat > "$dir/nginx/nginx.conf" <<CONF
worker_processes 1;
pid $dir/nginx/nginx.pid;
error_log $dir/nginx/logs/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $dir/nginx/body;
  proxy_temp_path $dir/nginx/proxy;
  upstream sink { server 127.0.0.1:$http_port; keepalive 64; }
  server { listen 127.0.0.1:$http_port; keepalive_requests 1000000; location / { return 200 "ok\n"; } }
  server {
    listen 127.0.0.1:$https_port ssl;
    ssl_certificate $dir/up.pem;
    ssl_certificate_key $dir/up.key;
    keepalive_requests 1000000;
    client_max_body_size 16m;
    client_body_buffer_size 1m;
    # proxy_pass reads the whole upload before answering, so no response overtakes its request body.
    location /get/ { alias $dir/www/; }
    location / { proxy_pass http://sink; proxy_http_version 1.1; proxy_set_header Connection ""; proxy_pass_request_body off; proxy_set_header Content-Length ""; }
  }
}
CONF
  # 768 and 49,152 random bytes are exactly 1,024 and 65,536 base64 characters (no 'head' cutting the pipe: with
  # pipefail, base64 killed by SIGPIPE ended the script).
  head -c 768 /dev/urandom | base64 -w0 > "$dir/www/1k"
  head -c 49152 /dev/urandom | base64 -w0 > "$dir/www/64k"
  nginx -c "$dir/nginx/nginx.conf"
}
