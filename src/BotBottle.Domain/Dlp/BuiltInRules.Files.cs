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
        Anchor(Pkcs12KeyStoreId, "PKCS#12 (PFX) key store in base64 (a .p12 / .pfx file: private keys and certificates)",
            "RFC 7292 §4 (PFX ::= SEQUENCE { version INTEGER {v3(3)}, authSafe ContentInfo, macData OPTIONAL }); RFC 5652 §3 (ContentInfo, id-data 1.2.840.113549.1.7.1)",
            "MII??[AQgw]IBAzCC????CSqGSIb3DQEHAaCC…, 200+ base64 characters", ["CSqGSIb3DQEHAaCC"], Pkcs12KeyStore),
    ];

    /// <summary>
    /// A Netscape cookie file line whose value is the token run at <paramref name="vs"/> (after a tab, raw or JSON-escaped
    /// as <c>\t</c>: a file quoted in a JSON string): the line's seven tab-separated fields — domain (curl's
    /// <c>#HttpOnly_</c> prefix allowed), <c>TRUE</c>/<c>FALSE</c>, path, <c>TRUE</c>/<c>FALSE</c>, expiry in digits,
    /// name, value — hold a cookie whose name says it is a session or credential
    /// (<see cref="ContextRules.IsCredentialCookie"/>: <c>session</c>, <c>sid</c>, <c>token</c>, <c>auth</c>…, not the
    /// public <c>csrftoken</c>) and whose value looks like a literal secret (<see cref="ContextRules.IsLiteralSecret"/>).
    /// Returns the value's end, or −1.
    /// </summary>
    internal static int CookieFileValue(ReadOnlySpan<char> t, int vs)
    {
        int floor = Math.Max(0, vs - 8192);
        int ls = vs;
        while (ls > floor && t[ls - 1] != '\n' && !(t[ls - 1] == 'n' && ls - 2 >= floor && t[ls - 2] == '\\'))
        {
            ls--;
        }

        if (ls == floor && floor > 0)
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

        if (fields != 7 || !IsBool(line[starts[1]..ends[1]]) || !IsBool(line[starts[3]..ends[3]]) || ends[4] == starts[4]
            || line[starts[4]..ends[4]].ContainsAnyExceptInRange('0', '9'))
        {
            return false;
        }

        var name = line[starts[5]..ends[5]];
        var value = line[starts[6]..ends[6]].TrimEnd();
        if (name.IsEmpty || !ContextRules.IsCredentialCookie(name) || !ContextRules.IsLiteralSecret(value, quoted: true) || value.ContainsAny(' ', '"'))
        {
            return false;
        }

        (vs, ve) = (starts[6], starts[6] + value.Length);
        return true;

        static bool IsBool(ReadOnlySpan<char> v) => v is "TRUE" or "FALSE";
    }

    /// <summary>
    /// A PKCS#12 key store in base64: the anchor is the authSafe's <c>id-data</c> ContentInfo 16 characters into the
    /// run, which starts <c>MII</c> (a SEQUENCE with a two-byte length), the version INTEGER 3 (<c>IBAzCC</c> at
    /// offset 6), at a token boundary, with 200+ base64 characters (line breaks allowed).
    /// </summary>
    private static bool Pkcs12KeyStore(ReadOnlySpan<char> t, int a, out int start, out int length)
    {
        int s = a - 16;
        if (s < 0 || !t[s..].StartsWith("MII", StringComparison.Ordinal) || t[s + 5] is not ('A' or 'Q' or 'g' or 'w')
            || !t[(s + 6)..].StartsWith("IBAzCC", StringComparison.Ordinal) || (s > 0 && RunScanner.IsTokenChar(t[s - 1])))
        {
            return Fail(out start, out length);
        }

        int e = s, chars = 0;
        while (e < t.Length && chars < 65536)
        {
            int n = Span(t, e, 4096, IsB64Std);
            chars += n;
            e += n;
            if (e + 1 < t.Length && t[e] == '\n' && IsB64Std(t[e + 1]))
            {
                e++;
            }
            else if (e + 2 < t.Length && t[e] == '\\' && t[e + 1] == 'n' && IsB64Std(t[e + 2]))
            {
                e += 2;
            }
            else
            {
                break;
            }
        }

        while (e < t.Length && t[e] == '=' && e - s < 65540)
        {
            e++;
        }

        return chars >= 200 ? Ok(s, e, out start, out length) : Fail(out start, out length);
    }
}
