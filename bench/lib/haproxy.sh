# The HAProxy configuration both benchmark scripts give their peer (sourced by bench/run.sh and
# bench/kernel-compare.sh), so the two always compare Gatehouse with the same HAProxy setup.
#
#   haproxy_config THREADS LISTEN_PORT UPSTREAM_PORT [FRONTEND_LINES]
# FRONTEND_LINES: extra lines for the frontend (already indented), e.g. a scenario's jwt_verify.
haproxy_config() {
  cat <<EOF_HAPROXY
global
  nbthread $1
  maxconn 4096

defaults
  mode http
  option http-keep-alive
  http-reuse always
  timeout connect 5s
  timeout client 30s
  timeout server 30s
  timeout http-request 10s
  timeout http-keep-alive 30s

frontend bench
  bind 127.0.0.1:$2
${4:+$4
}  default_backend app

backend app
  server app1 127.0.0.1:$3
EOF_HAPROXY
}
