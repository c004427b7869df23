namespace BotBottle.Dlp;

/// <summary>
/// Secret files the r23 reach round of the DLP issue met in what an agent can read and send: a Netscape cookie file's
/// session cookies and a PKCS#12 key store in base64 (the OpenVPN static key is the <c>private-key</c> rule's: it has
/// PEM-style armor). Each matcher
/// is anchored, bounded and allocation-free like the others.
/// </summary>
internal static partial class BuiltInRules
{
    public const string CookieFileSessionId = "cookie-file-session";
    public const string Pkcs12KeyStoreId = "pkcs12-key-store";

    private static TokenRule[] FileRules() =>
    [
        new(CookieFileSessionId, "Session or authentication cookie in a Netscape cookie file line (curl -c, wget --save-cookies, a browser's cookies.txt export)",
            "curl's cookie file format, https://curl.se/docs/http-cookies.html (\"# Netscape HTTP Cookie File\", seven tab-separated fields: domain, subdomains, path, secure, expiry, name, value); Python http.cookiejar.MozillaCookieJar",
            "<domain>\\tTRUE|FALSE\\t<path>\\tTRUE|FALSE\\t<expiry>\\t<session cookie name>\\t<value, 16+ characters>", [], "cookie file", RuleTrigger.RunShape, NoMatcher),
        new(Pkcs12KeyStoreId, "PKCS#12 (PFX) key store in base64 (a .p12 / .pfx file: private keys and certificates)",
            "RFC 7292 §4 (PFX ::= SEQUENCE { version INTEGER {v3(3)}, authSafe ContentInfo, macData OPTIONAL }); RFC 5652 §3 (ContentInfo, id-data 1.2.840.113549.1.7.1)",
            "MI[IJKL]?[AQgw]IBAzCC????CSqGSIb3DQEHAaCC…, 200+ base64 characters", [], "PKCS#12", RuleTrigger.RunShape, NoMatcher),
    ];

    /// <summary>
    /// A Netscape cookie file line whose value is the token run at <paramref name="vs"/> (after a tab, raw or JSON-escaped
    /// as <c>\t</c>: a file quoted in a JSON string): the line's seven tab-separated fields — domain (curl's
    /// <c>#HttpOnly_</c> prefix allowed), <c>TRUE</c>/<c>FALSE</c>, path, <c>TRUE</c>/<c>FALSE</c>, expiry in digits,
    /// name, value — hold a cookie whose name says it is a session or credential
    /// (<see cref="ContextRules.IsCredentialCookie"/>: <c>session</c>, <c>sid</c>, <c>token</c>, <c>auth</c>…, not the
    /// public <c>csrftoken</c>; not an analytics cookie; or a known sign-in cookie such as <c>li_at</c>) and whose value
    /// looks like a literal secret of 16+ characters: letters and digits only, both (PHP's and ASP.NET's session ids
    /// are lower case and digits), or a drawn one (<see cref="ContextRules.LooksDrawn"/>). The domain must be a
    /// host name with a dot, the path start with <c>/</c>, and the expiry be 0 or Unix seconds (9–11 digits).
    /// Returns the value's end, or −1.
    /// </summary>
    internal static int CookieFileValue(ReadOnlySpan<char> t, int vs)
    {
        // Back over the six fields before the value (their tabs raw or written \t), at most 1 KiB: a long line of
        // tab-separated cells costs each of its runs six cells' walk, not a walk to the line's start.
        int floor = Math.Max(0, vs - 1024);
        int ls = vs, tabs = 0;
        while (ls > floor)
        {
            char c = t[ls - 1];
            if (c is '\n' or '"' || (c == 'n' && ls >= 2 && t[ls - 2] == '\\'))
            {
                break; // a line break (raw or JSON-escaped) or a JSON string's opening quote starts the line
            }

            if (c == '\t' || (c == 't' && ls >= 2 && t[ls - 2] == '\\'))
            {
                if (++tabs > 6)
                {
                    return -1;
                }
            }

            ls--;
        }

        if (tabs != 6 || (ls > 0 && ls == floor && !(t[ls - 1] is '\n' or '"' || (t[ls - 1] == 'n' && ls >= 2 && t[ls - 2] == '\\'))))
        {
            return -1;
        }

        int le = vs;
        while (le < t.Length && le - vs < 4096 && t[le] is not ('\n' or '\r' or '\\' or '\t' or ' ' or '"'))
        {
            le++;
        }

        return CookieLineValue(t[ls..le], out int s, out int e) && ls + s == vs ? ls + e : -1;
    }

    /// <summary>The value of a cookie file line (seven fields, tabs raw or written <c>\t</c>) when it holds a session cookie with a literal value.</summary>
    private static bool CookieLineValue(ReadOnlySpan<char> line, out int vs, out int ve)
    {
        vs = ve = 0;
        if (line.Length < 20 || line.Length > 8192 || (line[0] == '#' && !line.StartsWith("#HttpOnly_", StringComparison.Ordinal)))
        {
            return false;
        }

        Span<int> starts = stackalloc int[8];
        Span<int> ends = stackalloc int[8];
        int fields = 0, f = 0;
        for (int k = 0; k <= line.Length && fields < 8; k++)
        {
            bool rawTab = k < line.Length && line[k] == '\t';
            bool escapedTab = k + 1 < line.Length && line[k] == '\\' && line[k + 1] == 't';
            if (k == line.Length || rawTab || escapedTab)
            {
                starts[fields] = f;
                ends[fields] = k;
                fields++;
                f = k + (escapedTab ? 2 : 1);
                k += escapedTab ? 1 : 0;
            }
        }

        if (fields != 7 || !IsBool(line[starts[1]..ends[1]]) || !IsBool(line[starts[3]..ends[3]]))
        {
            return false;
        }

        // The structure of a cookie (the r23 review: tab-separated data with TRUE/FALSE columns is common): a host name
        // with a dot (or localhost), a path from '/', an expiry of 0 (a session cookie) or Unix seconds (9–11 digits).
        var domain = line[starts[0]..ends[0]].TrimStart(' ');
        domain = domain.StartsWith("#HttpOnly_", StringComparison.Ordinal) ? domain[10..] : domain;
        var expiry = line[starts[4]..ends[4]];
        if (domain.IsEmpty || domain.ContainsAnyExcept(s_hostChars) || !(domain.Contains('.') || domain.SequenceEqual("localhost"))
            || ends[2] == starts[2] || line[starts[2]] != '/'
            || !(expiry is "0" || expiry.Length is >= 9 and <= 11) || expiry.ContainsAnyExceptInRange('0', '9'))
        {
            return false;
        }

        var name = line[starts[5]..ends[5]];
        var value = line[starts[6]..ends[6]].TrimEnd();
        if (!IsSessionCookieName(name) || !IsSessionCookieValue(value))
        {
            return false;
        }

        (vs, ve) = (starts[6], starts[6] + value.Length);
        return true;

        static bool IsBool(ReadOnlySpan<char> v) => v is "TRUE" or "FALSE";
    }

    /// <summary>
    /// ASP.NET Core's cookies that sign nobody in (r24 review): the antiforgery token (<c>.AspNetCore.Antiforgery.*</c>),
    /// the culture, and the OpenID Connect nonce and correlation cookies of a sign-in under way.
    /// </summary>
    private static bool IsAspNetCoreHousekeepingCookie(ReadOnlySpan<char> rest) =>
        rest.StartsWith("Antiforgery", StringComparison.Ordinal) || rest.StartsWith("Culture", StringComparison.Ordinal)
        || rest.StartsWith("Correlation", StringComparison.Ordinal) || rest.StartsWith("OpenIdConnect.Nonce", StringComparison.Ordinal);

    /// <summary>A cookie name that says its value signs a user in (<see cref="ContextRules.IsCredentialCookie"/> or a known site's session cookie), not an analytics cookie's.</summary>
    internal static bool IsSessionCookieName(ReadOnlySpan<char> name) =>
        !name.IsEmpty && !IsAnalyticsCookie(name) && (ContextRules.IsCredentialCookie(name) || IsKnownSessionCookie(name));

    /// <summary>
    /// A session cookie's value that is a credential: 16+ characters, no blank or quote, a literal (not a placeholder or
    /// a reference) that looks drawn, or letters and digits mixed. A signed value's marker is not part of the test:
    /// Flask's compressed session (<c>.eJw…</c>: itsdangerous prepends <c>.</c> to a zlib-compressed payload,
    /// https://itsdangerous.palletsprojects.com/en/stable/url_safe/) and express-session's signed id (<c>s:</c>, sent
    /// URL-encoded as <c>s%3A</c>; https://github.com/expressjs/session#cookiesecret and cookie-signature).
    /// </summary>
    internal static bool IsSessionCookieValue(ReadOnlySpan<char> value)
    {
        value = value.StartsWith(".eJ", StringComparison.Ordinal) ? value[1..]
            : value.StartsWith("s%3A", StringComparison.Ordinal) ? value[4..]
            : value.StartsWith("s:", StringComparison.Ordinal) ? value[2..] : value;
        return value.Length >= 16 && !value.ContainsAny(' ', '"') && ContextRules.IsLiteralSecret(value, quoted: true)
            && (ContextRules.LooksDrawn(value) || (!value.ContainsAnyExcept(ContextRules.Alphanumerics) && value.ContainsAnyInRange('0', '9') && value.ContainsAnyExceptInRange('0', '9')));
    }

    /// <summary>
    /// A session cookie written out in text (r24 reach round): a <c>Cookie:</c> / <c>Set-Cookie:</c> line, a JSON
    /// <c>"cookie":</c> member, curl's <c>--cookie</c> / <c>-b</c> argument (https://curl.se/docs/manpage.html#-b), whose
    /// pair <c>name=value</c> (RFC 6265 §4.1.1, §4.2.1) has a session cookie's name (<see cref="IsSessionCookieName"/>) and
    /// value (<see cref="IsSessionCookieValue"/>). <paramref name="eq"/> is the pair's <c>=</c>; returns the value's end,
    /// or -1. The cookie header's name is looked for on the same line, at most 2,048 characters before the pair, with
    /// only cookie pairs between.
    /// </summary>
    internal static int CookieTextValue(ReadOnlySpan<char> t, int eq, out int nameStart)
    {
        int ns = eq;
        while (ns > 0 && eq - ns < 64 && (char.IsAsciiLetterOrDigit(t[ns - 1]) || t[ns - 1] is '_' or '-' or '.'))
        {
            ns--;
        }

        nameStart = ns;
        if (ns == eq || !IsSessionCookieName(t[ns..eq]) || !CookieContextBefore(t, ns))
        {
            return -1;
        }

        int ve = eq + 1;
        while (ve < t.Length && ve - eq <= 4096 && t[ve] > ' ' && t[ve] < 0x7F && t[ve] is not (';' or '"' or ',' or '\\' or '\''))
        {
            ve++;
        }

        // RFC 6265's own example session id (§3.1, "Cookie: SID=31d4d96e407aad42"), quoted by every page that explains cookies
        return IsSessionCookieValue(t[(eq + 1)..ve]) && !t[(eq + 1)..ve].SequenceEqual("31d4d96e407aad42") ? ve : -1;
    }

    /// <summary>
    /// A session cookie's value in a cookie object (r24): Playwright's <c>storageState</c> file
    /// (<c>{"cookies": [{"name": …, "value": …, "domain": …, "path": …, "httpOnly": …}]}</c>,
    /// https://playwright.dev/docs/auth), a HAR file's request and response cookies (HAR 1.2 §cookies: <c>name</c>,
    /// <c>value</c>, optional <c>path</c>, <c>domain</c>, <c>expires</c>, <c>httpOnly</c>, <c>secure</c>), and the
    /// objects of Puppeteer's <c>page.cookies()</c>, Selenium's <c>get_cookies()</c> and the browser's
    /// <c>chrome.cookies</c> API that cookie-export extensions write. <paramref name="rs"/> is the value's first
    /// character, after <c>"value": "</c> (quotes raw or JSON-escaped); the object (at most 768 characters each side,
    /// no nested object) must name a session cookie (<see cref="IsSessionCookieName"/>) in its <c>"name"</c> member,
    /// and be a cookie — a <c>domain</c>, <c>httpOnly</c>, <c>hostOnly</c> or <c>sameSite</c> member, or a
    /// <c>"cookies"</c> key within 2,048 characters before it — and the value must be a session cookie's
    /// (<see cref="IsSessionCookieValue"/>). Returns the value's end (<paramref name="ve"/>) and the name's span.
    /// </summary>
    internal static bool CookieObjectValue(ReadOnlySpan<char> t, int rs, out int ve, out int nameStart, out int nameEnd)
    {
        ve = nameStart = nameEnd = 0;
        int e = rs;
        while (e < t.Length && e - rs <= 4096 && t[e] > ' ' && t[e] < 0x7F && t[e] is not ('"' or '\\' or ';' or ','))
        {
            e++;
        }

        int os = t[Math.Max(0, rs - 768)..rs].LastIndexOfAny('{', '}');
        int close = e < t.Length ? t[e..Math.Min(t.Length, e + 768)].IndexOfAny('{', '}') : -1;
        if (os < 0 || close < 0 || t[Math.Max(0, rs - 768) + os] != '{' || t[e + close] != '}' || e >= t.Length || t[e] is not ('"' or '\\'))
        {
            return false;
        }

        os += Math.Max(0, rs - 768);
        var obj = t[os..(e + close)];
        int n = obj.IndexOf("name", StringComparison.Ordinal);
        while (n >= 0)
        {
            // "name": "…" (or \"name\": \"…\"): the key's closing quote, ':', blanks, the value's opening quote
            int k = n + 4;
            k += k < obj.Length && obj[k] == '\\' ? 1 : 0;
            if (n > 0 && obj[n - 1] == '"' && k < obj.Length && obj[k] == '"')
            {
                k = SkipJsonSeparator(obj, k + 1);
                if (k > 0)
                {
                    int end = obj[k..].IndexOfAny('"', '\\');
                    if (end > 0 && IsSessionCookieName(obj.Slice(k, end)))
                    {
                        (nameStart, nameEnd) = (os + k, os + k + end);
                        break;
                    }
                }
            }

            int next = obj[(n + 4)..].IndexOf("name", StringComparison.Ordinal);
            n = next < 0 ? -1 : n + 4 + next;
        }

        if (n < 0 || !(obj.Contains("domain", StringComparison.Ordinal) || obj.Contains("httpOnly", StringComparison.Ordinal) || obj.Contains("hostOnly", StringComparison.Ordinal)
            || obj.Contains("sameSite", StringComparison.Ordinal) || t[Math.Max(0, os - 2048)..os].Contains("cookies", StringComparison.Ordinal))
            || !IsSessionCookieValue(t[rs..e]))
        {
            return false;
        }

        ve = e;
        return true;

        // after a key's closing quote: blanks, ':', blanks, an opening quote (raw or \"); the value's start, or -1
        static int SkipJsonSeparator(ReadOnlySpan<char> o, int k)
        {
            while (k < o.Length && o[k] == ' ')
            {
                k++;
            }

            if (k >= o.Length || o[k] != ':')
            {
                return -1;
            }

            k++;
            while (k < o.Length && o[k] == ' ')
            {
                k++;
            }

            k += k < o.Length && o[k] == '\\' ? 1 : 0;
            return k < o.Length && o[k] == '"' ? k + 1 : -1;
        }
    }

    /// <summary>
    /// Is the cookie pair at <paramref name="ns"/> inside a cookie header, member, call or curl argument on its line (a
    /// raw or a JSON-escaped line break ends a line)? <c>Cookie:</c> and <c>Set-Cookie:</c> (any case), a JSON member
    /// <c>"cookie": "</c>, a header set in code (<c>Header.Set("Cookie", "</c>, <c>.set('Cookie', '</c>,
    /// <c>CURLOPT_COOKIE, "</c>), <c>document.cookie = "</c>, curl's <c>--cookie</c> and <c>-b</c>; only cookie pairs
    /// (no markup, braces, brackets, commas or <c>?</c>) may come between. See <see cref="CookieTextValue"/>.
    /// </summary>
    private static bool CookieContextBefore(ReadOnlySpan<char> t, int ns)
    {
        var back = t[Math.Max(0, ns - 2048)..ns];
        int nl = back.LastIndexOfAny('\n', '\r');
        back = back[(nl + 1)..];
        int esc = back.LastIndexOf("\\n", StringComparison.Ordinal);
        back = esc < 0 ? back : back[(esc + 2)..];

        // curl -b 'a=1; name=…' / -b "…" / -b \"…\" / -b name=…
        int b = back.LastIndexOf(" -b ", StringComparison.Ordinal);
        if (b >= 0 && !back[(b + 4)..].TrimStart("\\\"'").ContainsAny(s_notInCookiePairs) && !back[(b + 4)..].TrimStart("\\\"'").ContainsAny('"', '\''))
        {
            return true;
        }

        int k = back.LastIndexOf("ookie", StringComparison.OrdinalIgnoreCase);
        if (k < 1 || back[k - 1] is not ('C' or 'c'))
        {
            return false;
        }

        // after the name: ':' (a header), a JSON member's '":', '=' (document.cookie), ',' (a header set in code), or
        // curl's --cookie
        var pairs = back[(k + 5)..];
        int a = pairs.IndexOfAnyExcept("\\\"' ");
        if (a >= 0 && pairs[a] is ':' or '=' or ',')
        {
            pairs = pairs[(a + 1)..];
        }
        else if (!(k >= 3 && back[(k - 3)..k].SequenceEqual("--c")))
        {
            return false;
        }

        // only cookie pairs between
        return !pairs.TrimStart("\\\"' ").ContainsAny(s_notInCookiePairs);
    }

    private static readonly System.Buffers.SearchValues<char> s_notInCookiePairs = System.Buffers.SearchValues.Create("<>{}[],?");

    private static readonly System.Buffers.SearchValues<char> s_hostChars =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_");

    /// <summary>
    /// Analytics and consent cookies whose names hold a session word (<c>_uetsid</c>, <c>_hjSession…</c>,
    /// <c>__stripe_sid</c>, <c>AMP_TOKEN</c>): Google Analytics, Microsoft UET, Hotjar, Stripe's fraud signals,
    /// Pinterest, Segment, Mixpanel, Amplitude, Clarity, Yandex Metrica; since the r24 review also Azure Application
    /// Insights (<c>ai_session</c>), TikTok's pixel (<c>tt_sessionId</c>), Optimizely, Pendo, YouTube's
    /// <c>__Secure-ROLLOUT_TOKEN</c>, <c>__ssid</c> device ids and consent strings (each vendor's cookie documentation).
    /// </summary>
    private static bool IsAnalyticsCookie(ReadOnlySpan<char> name)
    {
        foreach (var p in (ReadOnlySpan<string>)["_ga", "_gid", "_gat", "_gcl", "_fbp", "_fbc", "_uet", "_hj", "__stripe_", "amp_", "AMP_", "_pin_", "ajs_", "mp_", "_clck", "_clsk", "__utm", "_ym",
            "ai_session", "ai_user", "tt_", "optimizely", "__ssid", "_pendo_", "__Secure-ROLLOUT_TOKEN", "consent"])
        {
            if (name.StartsWith(p, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Sign-in cookies whose names hold no session word: LinkedIn's <c>li_at</c>, Facebook's <c>xs</c>, Slack's <c>d</c>,
    /// YouTube's <c>LOGIN_INFO</c>, Google's <c>SSID</c>/<c>HSID</c>/<c>APISID</c>, Amazon's <c>at-main</c>, ASP.NET's
    /// <c>.ASPXAUTH</c> and <c>.AspNetCore.*</c>, WordPress's <c>wordpress_logged_in_*</c> / <c>wordpress_sec_*</c>.
    /// </summary>
    private static bool IsKnownSessionCookie(ReadOnlySpan<char> name) =>
        name is "li_at" or "xs" or "d" or "LOGIN_INFO" or "SSID" or "HSID" or "APISID" or "at-main" or ".ASPXAUTH"
        || (name.StartsWith(".AspNetCore.", StringComparison.Ordinal) && !IsAspNetCoreHousekeepingCookie(name[12..])) || name.StartsWith("wordpress_logged_in_", StringComparison.Ordinal)
        || name.StartsWith("wordpress_sec_", StringComparison.Ordinal);

    /// <summary>
    /// A PKCS#12 key store in base64 at the token run <paramref name="s"/> (a run-start check, DlpEngine.Deep.cs: an
    /// anchor's encoded forms in the literal table cost every body more than a few compares per run): the authSafe's
    /// <c>id-data</c> ContentInfo (<c>CSqGSIb3DQEHAaCC</c>) 16 characters into the run, which starts <c>MI</c> and <c>I</c>–<c>L</c> (a SEQUENCE with a two-byte length), the version INTEGER 3
    /// (<c>IBAzCC</c> at offset 6), at a token boundary, with 200+ base64 characters (line breaks raw, CRLF or
    /// JSON-escaped).
    /// </summary>
    internal static bool Pkcs12KeyStore(ReadOnlySpan<char> t, int s, out int start, out int length)
    {
        if (s + 32 > t.Length || !t.Slice(s + 16, 16).SequenceEqual("CSqGSIb3DQEHAaCC"))
        {
            return Fail(out start, out length);
        }

        // "MI" + I/J/K/L: a SEQUENCE with a two-byte length (the length's top bits pick the third character: 16 KiB and more
        // give J, K or L)
        if (s < 0 || t[s] != 'M' || t[s + 1] != 'I' || t[s + 2] is not ('I' or 'J' or 'K' or 'L') || t[s + 5] is not ('A' or 'Q' or 'g' or 'w')
            || !t[(s + 6)..].StartsWith("IBAzCC", StringComparison.Ordinal) || (s > 0 && RunScanner.IsTokenChar(t[s - 1]) && !(s > 1 && t[s - 1] == 'n' && t[s - 2] == '\\')))
        {
            return Fail(out start, out length);
        }

        int e = s, chars = 0;
        while (e < t.Length && chars < 1 << 20)
        {
            int n = Span(t, e, 4096, IsB64Std);
            chars += n;
            e += n;
            if (n == 4096)
            {
                continue; // one long line
            }

            if (e + 1 < t.Length && t[e] == '\n' && IsB64Std(t[e + 1]))
            {
                e++;
            }
            else if (e + 2 < t.Length && ((t[e] == '\r' && t[e + 1] == '\n') || (t[e] == '\\' && t[e + 1] == 'n')) && IsB64Std(t[e + 2]))
            {
                e += 2;
            }
            else if (e + 4 < t.Length && t[e] == '\\' && t[e + 1] == 'r' && t[e + 2] == '\\' && t[e + 3] == 'n' && IsB64Std(t[e + 4]))
            {
                e += 4;
            }
            else
            {
                break;
            }
        }

        while (e < t.Length && t[e] == '=' && e - s < (1 << 20) + 4)
        {
            e++;
        }

        return chars >= 200 ? Ok(s, e, out start, out length) : Fail(out start, out length);
    }
}
