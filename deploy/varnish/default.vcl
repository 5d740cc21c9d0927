# Varnish (Debian package "varnish", 7.x) in front of the app servers.
# Install: copy to /etc/varnish/default.vcl, adjust the backend and the purgers
# below, `systemctl reload varnish`; set VARNISH_URLS on the app servers
# (docs/deployment.md, HTTP cache). nginx terminates TLS and proxies to Varnish.
#
# What it caches: only what the app marks shareable ("s-maxage" in Cache-Control,
# protocols_registry.public_cache): public pages, lists, feeds, exports and PDFs,
# for anonymous visitors. Everything else goes to the app every time.
vcl 4.1;

import std;

# The app server (gunicorn); one backend per server with a director if several.
backend app {
    .host = "127.0.0.1";
    .port = "8000";
    .connect_timeout = 2s;
    .first_byte_timeout = 60s;
    # While the probe fails, pages are served from the cache up to their grace.
    .probe = {
        .url = "/healthz";
        .timeout = 2s;
        .interval = 5s;
        .window = 5;
        .threshold = 3;
        # Healthy from the start: a restarted Varnish serves at once.
        .initial = 3;
    }
}

# The app servers: the only addresses whose PURGE is honoured.
acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    # One spelling per host, so that a purge finds what a visit stored.
    set req.http.host = std.tolower(regsub(req.http.host, ":(80|443)$", ""));

    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        # "<root>/*": every object of the host (a deploy, a change shown on every
        # page); any other address: that address with all its query strings.
        if (req.url == "/*") {
            ban("obj.http.x-cache-host == " + req.http.host);
        } else {
            ban("obj.http.x-cache-host == " + req.http.host +
                " && obj.http.x-cache-path == " + regsub(req.url, "\?.*$", ""));
        }
        return (synth(200, "Purged"));
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    # Editors, logins, personal pages and uploaded files: never from the cache.
    if (req.url ~ "^/(en/)?(admin|accounts|uitwisseling|media|i18n|_util|healthz|django-admin)(/|\?|$)") {
        return (pass);
    }
    # A signed-in user (Django's session cookie): their own pages, untouched.
    if (req.http.Cookie ~ "(^|;\s*)sessionid=") {
        return (pass);
    }
    # Anonymous: no cookie (csrftoken, language, trackers) makes a page differ.
    unset req.http.Cookie;
    # The language is in the address (/en/…), never in a header.
    unset req.http.Accept-Language;
    # Only the query parameters the public lists read (listing.ProtocolFilterForm,
    # register_public.RegisterFilterForm, the page number); anything else (?utm_…,
    # ?a=1) is dropped, so junk addresses all share the one real page.
    if (req.url ~ "\?") {
        set req.url = regsuball(req.url,
            "([?&])(?!(?:q|party|status|year|periodicity|sort|page|department|lawful_basis|subjects)=)[^&]*",
            "\1");
        set req.url = regsuball(req.url, "&{2,}", "&");
        set req.url = regsub(req.url, "\?&+", "?");
        set req.url = regsub(req.url, "[?&]+$", "");
        set req.url = std.querysort(req.url);
    }
    # A healthy app: a stale copy at most 10 s while the new one is fetched; a sick
    # one: the whole grace (vcl_backend_response).
    if (std.healthy(req.backend_hint)) {
        set req.grace = 10s;
    }
    return (hash);
}

sub vcl_backend_response {
    # What a purge matches on (see vcl_recv); removed again in vcl_deliver.
    set beresp.http.x-cache-host = bereq.http.host;
    set beresp.http.x-cache-path = regsub(bereq.url, "\?.*$", "");
    if (beresp.http.Cache-Control !~ "s-maxage" || beresp.http.Cache-Control ~ "private|no-store" || beresp.http.Set-Cookie) {
        # Not marked shareable by the app: never stored, not even briefly.
        set beresp.uncacheable = true;
        set beresp.ttl = 0s;
        return (deliver);
    }
    # Serve the last good copy for a day while the app is down.
    set beresp.grace = 24h;
    return (deliver);
}

sub vcl_deliver {
    unset resp.http.x-cache-host;
    unset resp.http.x-cache-path;
    # Only this cache is purged on a change: caches further on (a browser, a
    # company proxy) keep a copy but must ask again ("public, max-age=0").
    if (resp.http.Cache-Control ~ "s-maxage") {
        set resp.http.Cache-Control = regsuball(resp.http.Cache-Control, ",?\s*s-maxage=\d+", "");
    }
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
    return (deliver);
}

sub vcl_synth {
    # No Varnish banner or version on the error pages.
    set resp.http.Content-Type = "text/plain; charset=utf-8";
    set resp.body = resp.reason;
    return (deliver);
}
