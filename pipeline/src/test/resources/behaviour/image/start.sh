# The release: busybox's httpd on $PORT, serving /version (the commit) and /cgi-bin/health from
# the container's private /tmp (its root is read-only).
mkdir -p /tmp/www/cgi-bin
printf %s "$CAIRN_COMMIT" > /tmp/www/version
cp /www/cgi-bin/health /tmp/www/cgi-bin/health
exec /bin/busybox httpd -f -p "127.0.0.1:$PORT" -h /tmp/www
