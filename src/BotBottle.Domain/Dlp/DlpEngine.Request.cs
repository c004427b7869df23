using System.Buffers;
using System.Text;
using System.Text.Json;

namespace BotBottle.Dlp;

public sealed partial class DlpEngine
{
    /// <summary>Decompressed bodies are scanned up to this many bytes (32 MiB); the rest of a larger body is not decompressed.</summary>
    public const int MaxDecompressedBytes = 32 * 1024 * 1024;

    private const string RedactedName = "[REDACTED]";

    /// <summary>
    /// Scans every location of a request: the host name, the path, each query parameter, each header name and value
    /// (and the decoded credentials of <c>Authorization: Basic</c>, and any header value that is one base64 string), and
    /// the body. The body parser follows the media type: JSON (findings named by JSON path), form data (by field;
    /// <c>+</c> is a space), multipart/form-data (by part; <c>Content-Transfer-Encoding: base64</c> parts are decoded),
    /// anything else as text; a body that does not parse is still scanned as text. A body with
    /// <c>Content-Encoding</c> gzip, deflate, br or zstd (the last coding listed) is also decompressed (up to <see cref="MaxDecompressedBytes"/>) and
    /// scanned. Short known secrets (under <see cref="KnownSecret.MinimumSubstringLength"/> chars) are compared with whole
    /// header values, header credentials, cookie values, query parameter values and form field values.
    /// Never throws on malformed input.
    /// </summary>
    /// <param name="request">The request.</param>
    /// <param name="detectors">Detectors to run (see <see cref="DlpDetectorsExtensions.ToDlpDetectors"/>).</param>
    /// <returns>The findings (at most <see cref="MaxFindings"/>); <see cref="DlpReport.Clean"/> when there are none.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="request"/> is null.</exception>
    public DlpReport ScanRequest(DlpRequest request, DlpDetectors detectors)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (detectors == DlpDetectors.None)
        {
            return DlpReport.Clean;
        }

        var list = new List<DlpFinding>();
        var st = new ScanState(list, detectors);
        bool exact = (detectors & DlpDetectors.KnownSecrets) != 0 && _shortSecrets.Count > 0;

        st.Location = DlpLocation.Host;
        ScanCore(request.Host, ref st, Layer.Root, withLayers: true);
        ScanHost(request.Host, ref st);

        int targetFirst = list.Count;
        ScanTarget(request.PathAndQuery ?? string.Empty, ref st, list, exact);
        if (list.Count == targetFirst && !st.Full && request.Host is { Length: > 0 } host)
        {
            var pq = request.PathAndQuery ?? string.Empty;
            int qm = pq.IndexOf('?', StringComparison.Ordinal);
            ScanJoinedHostAndPath(host, pq.AsSpan(0, qm < 0 ? pq.Length : qm), ref st); // DlpEngine.CrossJoins.cs
        }

        var headers = request.Headers ?? [];
        int headersFirst = list.Count;
        for (int i = 0; i < headers.Count && !st.Full; i++)
        {
            var (name, value) = (headers[i].Key ?? string.Empty, headers[i].Value ?? string.Empty);
            int before = list.Count;
            st.Location = new DlpLocation(DlpLocationKind.HeaderName) { Index = i };
            ScanCore(name, ref st, Layer.Root, withLayers: true);
            bool nameHasFinding = list.Count > before;
            st.Location = new DlpLocation(DlpLocationKind.Header, nameHasFinding ? RedactedName : name) { Index = i };
            int addedBefore = st.Added;
            ScanCore(value, ref st, Layer.Root, withLayers: true);
            ScanHeaderCredentials(name, value, ref st, exact, addedBefore);
        }

        if (headers.Count >= 2 && list.Count == headersFirst && !st.Full)
        {
            ScanJoinedHeaderValues(headers, ref st);
            if (list.Count == headersFirst && !st.Full)
            {
                ScanJoinedCookieHeaders(headers, ref st); // DlpEngine.CrossJoins.cs
            }
        }

        if (!request.Body.IsEmpty && !st.Full)
        {
            ScanBody(request, ref st, list, exact);
            if (list.Count == headersFirst && !st.Full)
            {
                ScanDanglingHeadWithBody(headers, request.Body.Span, ref st); // DlpEngine.CrossJoins.cs
            }
        }

        if (list.Count > 0 && _awsKeyIdRule >= 0)
        {
            DropSigV4KeyIds(request, list);
        }

        return list.Count == 0 ? DlpReport.Clean : new DlpReport(list);
    }

    /// <summary>
    /// Drops the <c>aws-access-key-id</c> findings on the key id of a Signature Version 4 credential where a signed
    /// request carries it: the <c>Authorization</c> field (<c>AWS4-HMAC-SHA256 Credential=AKIA…/20261208/us-east-1/s3/aws4_request, …</c>)
    /// and a presigned URL's <c>X-Amz-Credential</c> query parameter (<see cref="BuiltInRules.SigV4KeyIdAt"/>);
    /// also a Signature Version 2 presigned URL's <c>AWSAccessKeyId</c> next to its <c>Signature</c> and <c>Expires</c> (r34).
    /// Dropped after the scan, whatever layer found it (the text as sent, percent-decoded, chunks joined), so that
    /// every path agrees (r33 red team: every <c>aws</c> CLI call and presigned download was blocked). The key id
    /// anywhere else — a body (a presigned URL pasted into a message is a capability sent out), another field — is
    /// still reported.
    /// </summary>
    private void DropSigV4KeyIds(DlpRequest request, List<DlpFinding> list)
    {
        string id = _rules[_awsKeyIdRule].Id;
        var headers = request.Headers ?? [];
        string pq = request.PathAndQuery ?? string.Empty;
        list.RemoveAll(f =>
        {
            if (!string.Equals(f.RuleId, id, StringComparison.Ordinal))
            {
                return false;
            }

            if (f.Location.Kind == DlpLocationKind.Header && string.Equals(f.Location.Name, "Authorization", StringComparison.OrdinalIgnoreCase)
                && f.Location.Index < headers.Count && headers[f.Location.Index].Value is { } value)
            {
                int k = value.IndexOf("Credential=", StringComparison.Ordinal) + 11;
                return k >= 11 && value.StartsWith("AWS4-HMAC-SHA256 ", StringComparison.Ordinal) && BuiltInRules.SigV4KeyIdAt(value, k) && Overlaps(f.Start, f.Length, k);
            }

            if (f.Location.Kind == DlpLocationKind.Query && string.Equals(f.Location.Name, "AWSAccessKeyId", StringComparison.Ordinal))
            {
                // A Signature Version 2 presigned URL (?AWSAccessKeyId=AKIA…&Expires=…&Signature=…, S3's query-string
                // authentication, https://docs.aws.amazon.com/AmazonS3/latest/API/RESTAuthentication.html), r34
                int q = pq.IndexOf('?', StringComparison.Ordinal);
                var query = q < 0 ? default : pq.AsSpan(q);
                return (query.Contains("&Signature=", StringComparison.Ordinal) || query.Contains("?Signature=", StringComparison.Ordinal))
                    && (query.Contains("&Expires=", StringComparison.Ordinal) || query.Contains("?Expires=", StringComparison.Ordinal));
            }

            if (f.Location.Kind == DlpLocationKind.Query && string.Equals(f.Location.Name, "X-Amz-Credential", StringComparison.OrdinalIgnoreCase))
            {
                int qm = pq.IndexOf('?', StringComparison.Ordinal);
                int k = pq.IndexOf("X-Amz-Credential=", StringComparison.OrdinalIgnoreCase) + 17;
                if (qm < 0 || k < 17 || !BuiltInRules.SigV4KeyIdAt(pq, k))
                {
                    return false;
                }

                // The finding's offset counts from the target's start or from the query's (either is tried).
                return Overlaps(f.Start, f.Length, k) || Overlaps(f.Start + qm + 1, f.Length, k);
            }

            return false;
        });
    }

    private static bool Overlaps(int start, int length, int keyId) => start < keyId + 20 && start + length > keyId;

    private void ScanTarget(string pq, ref ScanState st, List<DlpFinding> list, bool exact)
    {
        int qm = pq.IndexOf('?', StringComparison.Ordinal);
        st.Location = DlpLocation.Path;
        int pathFirst = list.Count;
        var path = pq.AsSpan(0, qm < 0 ? pq.Length : qm);
        ScanCore(path, ref st, Layer.Root, withLayers: true);
        if (list.Count == pathFirst && !st.Full)
        {
            ScanJoinedPathSegments(path, ref st);
        }

        if (qm < 0)
        {
            return;
        }

        int first = list.Count;
        var query = pq.AsSpan(qm + 1);
        st.Location = new DlpLocation(DlpLocationKind.Query);
        st.Offset = qm + 1;
        st.FormEncoded = true;
        ScanCore(query, ref st, Layer.Root, withLayers: true);
        var fields = FormFields.Parse(query, qm + 1);
        if (fields.Count >= 2 && list.Count == first && !st.Full)
        {
            ScanJoinedValues(pq, fields, query.Length, ref st);
        }

        if (exact)
        {
            foreach (var field in fields)
            {
                CheckExact(pq.AsSpan(field.ValueStart, field.ValueEnd - field.ValueStart), field.ValueStart - st.Offset, decode: true, ref st);
            }
        }

        st.FormEncoded = false;
        st.Offset = 0;
        NameByFields(pq, fields, list, first, DlpLocationKind.Query);
        if (list.Count == pathFirst && fields.Count > 0 && !st.Full)
        {
            ScanJoinedPathAndQuery(pq, path, fields, ref st);
        }
    }

    /// <summary>
    /// A key split between the path and the query (<c>/ghp_Rb7WDMMR0bjIhd4P?x=jrLeu4BKVs59wy37DFwJ</c>; red team 12):
    /// when neither holds a finding, the path's trailing stretch of data segments (<see cref="IsDataPiece"/>: the first
    /// a data piece, the later ones any run of its characters; a last segment's extension dropped) is joined with the
    /// query's values that are data pieces and not plain numbers, in order, and scanned once more. A finding spans the whole path (encoding
    /// <c>concat</c>), so the path is what a log or a redaction hides. Path and query are short: this costs the body
    /// scan nothing.
    /// </summary>
    private void ScanJoinedPathAndQuery(string pq, ReadOnlySpan<char> path, List<FormField> fields, ref ScanState st)
    {
        // The trailing stretch: walk back over segments while they are data pieces; it starts at the earliest one
        // that is a data piece in its own right.
        int start = -1, end = path.Length, e = path.Length;
        while (e > 0)
        {
            int slash = path[..e].LastIndexOf('/');
            var piece = PathPiece(path[(slash + 1)..e], last: e == path.Length);
            if (e == path.Length)
            {
                end = slash + 1 + piece.Length;
            }

            if (!IsDataPiece(piece, follows: true))
            {
                break;
            }

            if (IsDataPiece(piece, follows: false))
            {
                start = slash + 1;
            }

            if (slash < 0)
            {
                break;
            }

            e = slash;
        }

        if (start < 0)
        {
            return;
        }

        // Nothing is allocated unless a query value joins the stretch (most requests: none).
        StringBuilder? joined = null;
        int parts = 0;
        foreach (var f in fields)
        {
            var v = pq.AsSpan(f.ValueStart, f.ValueEnd - f.ValueStart);
            if (IsDataPiece(v, follows: true) && v.ContainsAnyExceptInRange('0', '9')) // not ids, pages, timestamps
            {
                if (joined is null)
                {
                    joined = new StringBuilder();
                    foreach (var range in path[start..end].Split('/'))
                    {
                        joined.Append(path[start..end][range]);
                        parts++;
                    }
                }

                joined.Append(v);
                parts++;
            }
        }

        if (joined is not null)
        {
            st.Location = DlpLocation.Path;
            ScanJoined(joined, parts, path.Length, ref st);
        }
    }

    /// <summary>
    /// A token split across query parameters (<c>?a=ghp_Ab…&amp;b=Cd…&amp;c=…</c>, issue 16 fourth round) or across the
    /// fields of a form body (<c>application/x-www-form-urlencoded</c>, up to <see cref="MaxJoinedFormChars"/>; r27 red
    /// team): when the query or body as sent holds no finding, the values that are not plain numbers (ids, timestamps,
    /// pages: joined, they would make card-length digit runs) are joined in order and scanned once more, every finding
    /// spanning the whole query or body (encoding <c>concat</c>).
    /// </summary>
    private void ScanJoinedValues(ReadOnlySpan<char> pq, List<FormField> fields, int queryLength, ref ScanState st)
    {
        var joined = new StringBuilder();
        int parts = 0;
        foreach (var f in fields)
        {
            var v = pq.Slice(f.ValueStart, f.ValueEnd - f.ValueStart);
            if (!v.IsEmpty && v.ContainsAnyExceptInRange('0', '9'))
            {
                joined.Append(v);
                parts++;
            }
        }

        ScanJoined(joined, parts, queryLength, ref st);
    }

    /// <summary>
    /// Scans text joined from <paramref name="parts"/> pieces of a request (the query's values, a stretch of path
    /// segments or of header values) when there are two or more and 16+ characters: a layer of encoding <c>concat</c>
    /// whose findings span [0, <paramref name="extent"/>) of the current location.
    /// </summary>
    private void ScanJoined(StringBuilder joined, int parts, int extent, ref ScanState st)
    {
        if (parts >= 2 && joined.Length >= 16 && !st.Full)
        {
            ScanCore(joined.ToString(), ref st, Layer.Opaque(0, extent, DlpEncodings.Concat), withLayers: true);
        }
    }

    /// <summary>
    /// A piece of data split over parts of a request (fifth issue-16 round): 6–512 characters of
    /// <c>[A-Za-z0-9_+=-]</c> (base64, base64url, hex, a token) with a digit, or with upper- and lower-case letters —
    /// the pieces an agent cuts a key or its encoding into. Words (<c>repos</c>, <c>commits</c>, <c>application</c>)
    /// are not. A first piece may also be a common credential prefix followed by data characters of any shape
    /// (<c>AKIATSZJJV</c>: red team 12 split a key id into two cookies of 10). Numbers are pieces too (hex in chunks has all-digit chunks), so the joined text is not searched for
    /// payment cards or IBANs (<see cref="ScanCore"/>): a request id and a <c>Content-Length</c>, or
    /// <c>/411111/1111/111111</c>, joined would make a Luhn-valid number.
    /// </summary>
    /// <param name="v">The piece.</param>
    /// <param name="follows">A piece after the first of a stretch: any 1–512 such characters (the last piece of a split is often short).</param>
    private static bool IsDataPiece(ReadOnlySpan<char> v, bool follows) =>
        v.Length >= (follows ? 1 : 6) && v.Length <= 512 && !v.ContainsAnyExcept(s_dataPieceChars)
        && (follows || v.ContainsAnyInRange('0', '9') || (v.ContainsAnyInRange('a', 'z') && v.ContainsAnyInRange('A', 'Z')))
        || (!follows && (IsCredentialPrefix(v) || (v.Length <= 512 && !v.ContainsAnyExcept(s_dataPieceChars) && StartsWithCredentialPrefix(v))));

    /// <summary>
    /// Is <paramref name="v"/> exactly one of the common credential prefixes (<see cref="ObfuscatedAnchors"/>:
    /// <c>ghp_</c>, <c>AKIA</c>, <c>sk_live_</c>…)? A split whose first piece is the prefix alone (sixth issue-16
    /// round) starts a stretch like a data piece.
    /// </summary>
    private static bool IsCredentialPrefix(ReadOnlySpan<char> v)
    {
        foreach (var (prefix, _) in ObfuscatedAnchors)
        {
            if (v.SequenceEqual(prefix))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// A header value that is a piece of a JSON Web Token cut at or next to its <c>.</c> separators (tenth issue-16
    /// round; RFC 7515 §7.1 compact serialization: <c>header.payload.signature</c> in base64url): 4–4096 characters of
    /// base64url and <c>.</c>, with a <c>.</c>; with <paramref name="head"/>, it starts with <c>eyJ</c> (the encoding of
    /// <c>{"</c>), the header segment. <c>X-A: eyJhbGciOi….</c> then <c>X-B: eyJzdWIi….sig</c> join to a JWT.
    /// </summary>
    private static bool IsJwtPiece(ReadOnlySpan<char> v, bool head) =>
        v.Length is >= 4 and <= 4096 && v.Contains('.') && (!head || v.StartsWith("eyJ", StringComparison.Ordinal)) && !v.ContainsAnyExcept(s_jwtPieceChars);

    private static readonly SearchValues<char> s_jwtPieceChars =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-.");

    /// <summary>A header value joined pieces skip (sixth issue-16 round): a plain word (<c>gzip</c>, <c>keep-alive</c>: lower-case letters and dashes) or a plain number (<c>Content-Length</c>).</summary>
    private static bool IsPlainWordOrNumber(ReadOnlySpan<char> v) =>
        !v.ContainsAnyExceptInRange('0', '9') || !v.ContainsAnyExcept(s_plainWordChars);

    private static readonly SearchValues<char> s_plainWordChars = SearchValues.Create("abcdefghijklmnopqrstuvwxyz-");

    private static readonly SearchValues<char> s_dataPieceChars =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_+=-");

    /// <summary>
    /// A key or its encoding split over path segments (<c>/Z2hwX0Fi/Y2RlZmdo/…</c>, hex in chunks; fifth issue-16
    /// round): when the path as sent holds no finding, each stretch of two or more consecutive data segments
    /// (<see cref="IsDataPiece"/>: the first a data piece, the rest any run of its characters; the last may carry an extension such as <c>.png</c>, which is dropped) is joined
    /// and scanned once more, a finding spanning the whole path (encoding <c>concat</c>). A path is short, so this
    /// costs the body scan nothing. A segment that is a whole WIF private key (51/52 base58 characters, version 0x80,
    /// base58check; https://en.bitcoin.it/wiki/Wallet_import_format) is reported on the way (ninth round).
    /// </summary>
    private void ScanJoinedPathSegments(ReadOnlySpan<char> path, ref ScanState st)
    {
        // Nothing is allocated until a stretch of two pieces is seen (most paths have none): the first piece is kept
        // as its bounds and copied when the second arrives.
        StringBuilder? joined = null;
        int i = 0, parts = 0, firstStart = 0, firstEnd = 0;
        while (!st.Full)
        {
            int slash = path[i..].IndexOf('/');
            int end = slash < 0 ? path.Length : i + slash;
            var piece = PathPiece(path[i..end], last: slash < 0);
            if (_wifRule >= 0 && piece.Length is 51 or 52 && CryptoRules.IsWif(piece))
            {
                // ninth round: a WIF key as a path segment ("/backup/L2bW…", "/k/5KPC…/x.json"); the path's run holds the '/'
                ReportRule(ref st, Layer.Root, _rules[_wifRule], i, piece.Length, DlpEncodings.Plain, piece[0].ToString(), piece.Length);
            }

            if (IsDataPiece(piece, parts > 0))
            {
                if (parts++ == 0)
                {
                    (firstStart, firstEnd) = (i, i + piece.Length);
                }
                else
                {
                    if (parts == 2)
                    {
                        (joined ??= new StringBuilder()).Clear().Append(path[firstStart..firstEnd]);
                    }

                    joined!.Append(piece);
                }
            }
            else
            {
                if (parts >= 2)
                {
                    ScanJoined(joined!, parts, path.Length, ref st);
                }

                parts = 0;
            }

            if (slash < 0)
            {
                break;
            }

            i = end + 1;
        }

        if (parts >= 2)
        {
            ScanJoined(joined!, parts, path.Length, ref st);
        }
    }

    /// <summary>A path segment without a file extension (<c>….png</c>) when it is the last one.</summary>
    private static ReadOnlySpan<char> PathPiece(ReadOnlySpan<char> seg, bool last)
    {
        int dot = seg.LastIndexOf('.');
        return last && dot > 0 && seg.Length - dot <= 5 ? seg[..dot] : seg;
    }

    /// <summary>
    /// A key split over header values (<c>X-Part-1: ghp_Ab…</c>, <c>X-Part-2: Cd…</c>; fifth issue-16 round): when
    /// the headers hold no finding, the values that are data pieces (<see cref="IsDataPiece"/>) are joined in order —
    /// other headers between them (<c>Accept: application/json</c>, <c>User-Agent: curl/8.5.0</c>) and plain words
    /// or numbers (<see cref="IsPlainWordOrNumber"/>) are skipped, not a break (sixth round) — and the joined text is
    /// scanned from each piece that can start a stretch (a data piece, or a credential prefix alone:
    /// <c>ghp_</c>), until one finds something; a finding spans that header's value (encoding <c>concat</c>).
    /// Headers are few and short, so this costs the body scan nothing.
    /// </summary>
    private void ScanJoinedHeaderValues(IReadOnlyList<KeyValuePair<string, string>> headers, ref ScanState st)
    {
        StringBuilder? joined = null;
        List<(int Header, int Offset)>? starts = null;
        int parts = 0;
        bool jwt = false; // tenth round: a stretch that starts with a JWT's header segment takes pieces with '.' too
        for (int i = 0; i < headers.Count; i++)
        {
            var v = (headers[i].Value ?? string.Empty).AsSpan().Trim();
            bool jwtHead = IsJwtPiece(v, head: true);
            bool first = IsDataPiece(v, follows: false) || jwtHead;
            jwt |= jwtHead;
            if ((parts == 0 ? !first : !(IsDataPiece(v, follows: true) || (jwt && IsJwtPiece(v, head: false))))
                || (IsPlainWordOrNumber(v) && !IsCredentialPrefix(v)))
            {
                continue;
            }

            joined ??= new StringBuilder();
            if (first)
            {
                (starts ??= []).Add((i, joined.Length));
            }

            joined.Append(v);
            parts++;
        }

        if (parts < 2 || joined is null || starts is null)
        {
            return;
        }

        string all = joined.ToString();
        foreach (var (header, offset) in starts)
        {
            if (st.Full || all.Length - offset < 16)
            {
                break;
            }

            var h = headers[header];
            st.Location = new DlpLocation(DlpLocationKind.Header, h.Key ?? string.Empty) { Index = header };
            int before = st.Added;
            var sb = new StringBuilder(all, offset, all.Length - offset, all.Length - offset);
            ScanJoined(sb, 2, (h.Value ?? string.Empty).Length, ref st);
            if (st.Added > before)
            {
                return;
            }
        }
    }

    // addedBefore: findings recorded before this header's value was scanned; a credential already named by a rule is
    // not reported again as an Authorization credential.
    private void ScanHeaderCredentials(string name, string value, ref ScanState st, bool exact, int addedBefore)
    {
        var v = value.AsSpan();
        int lead = v.Length - v.TrimStart().Length;
        var trimmed = v.Trim();
        if (trimmed.IsEmpty)
        {
            return;
        }

        if (exact)
        {
            CheckExact(trimmed, lead, decode: false, ref st);
        }

        bool assignments = _assignRule >= 0 && (st.Detectors & DlpDetectors.TokenPatterns) != 0;
        if (assignments && ContextRules.IsCredentialHeader(name) && ContextRules.IsLiteralSecret(trimmed, quoted: false) && !ContextRules.IsPublicClientKey(name, trimmed))
        {
            // X-Api-Key, Private-Token, X-Auth-Token…: the value is a credential by its name.
            ReportRule(ref st, Layer.Root, _rules[_assignRule], lead, trimmed.Length, DlpEncodings.Plain, name + ": ", trimmed.Length);
        }
        else if (assignments && ContextRules.IsAuthorizationLikeHeader(name))
        {
            // X-Forwarded-Authorization: Bearer …, X-Auth: …: an Authorization value under another name (the route's
            // auth never replaces it).
            int sp = trimmed.IndexOf(' ');
            var cred = sp > 0 && sp <= 8 ? trimmed[(sp + 1)..].TrimStart() : trimmed;
            if (ContextRules.IsLiteralSecret(cred, quoted: false))
            {
                ReportRule(ref st, Layer.Root, _rules[_assignRule], lead + trimmed.Length - cred.Length, cred.Length, DlpEncodings.Plain, name + ": ", cred.Length);
            }
        }

        // "<scheme> <credentials>" (Authorization, Proxy-Authorization and friends)
        int space = trimmed.IndexOf(' ');
        bool isAuth = name.Equals("Authorization", StringComparison.OrdinalIgnoreCase) || name.Equals("Proxy-Authorization", StringComparison.OrdinalIgnoreCase);
        if (isAuth && space > 0)
        {
            var credentials = trimmed[(space + 1)..].TrimStart();
            int credStart = lead + (trimmed.Length - credentials.Length);
            if (exact)
            {
                CheckExact(credentials, credStart, decode: false, ref st);
            }

            if (trimmed[..space].Equals("Basic", StringComparison.OrdinalIgnoreCase))
            {
                ScanBase64Value(credentials, credStart, ref st, exact, splitUserPassword: true);
            }

            if (st.Added == addedBefore)
            {
                CheckAuthorizationCredential(trimmed[..space], credentials, credStart, ref st);
            }

            return;
        }

        if (isAuth)
        {
            // No scheme: the whole value is the credential ("Authorization: <api key>", as some APIs take it).
            if (st.Added == addedBefore)
            {
                CheckAuthorizationCredential(string.Empty, trimmed, lead, ref st);
            }

            return;
        }

        if (name.Equals("Cookie", StringComparison.OrdinalIgnoreCase))
        {
            foreach (var field in FormFields.Parse(v, 0, ';'))
            {
                var raw = v[field.ValueStart..field.ValueEnd];
                var cookie = raw.Trim();
                int cookieStart = field.ValueStart + (raw.Length - raw.TrimStart().Length);
                if (exact)
                {
                    CheckExact(cookie, cookieStart, decode: true, ref st);
                }

                // Session and auth cookies (RFC 6265 §4.2): the value is a bearer credential.
                if (assignments && ContextRules.IsCredentialCookie(v[field.NameStart..field.NameEnd])
                    && (ContextRules.IsLiteralSecret(cookie.Trim('"'), quoted: true) || BuiltInRules.IsSessionCookieValue(cookie.Trim('"')))) // .eJw…: Flask's compressed session (r24)
                {
                    ReportRule(ref st, Layer.Root, _rules[_assignRule], cookieStart, cookie.Length, DlpEncodings.Plain, "cookie " + v[field.NameStart..field.NameEnd].ToString() + "=", cookie.Length);
                }
            }

            // A key (or its base64) split across cookies (`a=ghp_Ab…; b=Cd…`; seventh round): when the field holds no
            // finding, the values that are data pieces are joined in order and scanned, as the query's values are.
            if (st.Added == addedBefore && !st.Full)
            {
                StringBuilder? joined = null;
                int parts = 0;
                AppendCookiePieces(v, ref joined, ref parts); // DlpEngine.CrossJoins.cs
                if (joined is not null)
                {
                    ScanJoined(joined, parts, v.Length, ref st);
                }
            }

            return;
        }

        // A header value that is one base64 string is decoded and scanned as a whole.
        if (trimmed.Length >= 16 && IsBase64Text(trimmed))
        {
            ScanBase64Value(trimmed, lead, ref st, exact, splitUserPassword: false);
        }
    }

    /// <summary>One base64 string: token characters only, at most two '=' of padding, and both upper- and lower-case letters (so "application/json" is not one).</summary>
    private static bool IsBase64Text(ReadOnlySpan<char> s)
    {
        var body = s.TrimEnd('=');
        return s.Length - body.Length <= 2 && !body.ContainsAnyExcept(TokenChars)
            && body.ContainsAnyInRange('A', 'Z') && body.ContainsAnyInRange('a', 'z');
    }

    private void ScanBase64Value(ReadOnlySpan<char> b64, int start, ref ScanState st, bool exact, bool splitUserPassword)
    {
        byte[] bytes = ArrayPool<byte>.Shared.Rent((b64.Length * 3 / 4) + 3);
        try
        {
            int n = Base64Helpers.DecodeLenient(b64, bytes);
            if (n == 0)
            {
                return;
            }

            using var text = BodyText.Decode(bytes.AsSpan(0, n));
            var layer = Layer.Opaque(start, b64.Length, b64.IndexOfAny('-', '_') >= 0 ? DlpEncodings.Base64Url : DlpEncodings.Base64);
            ScanCore(text.Chars, ref st, layer, withLayers: true);
            if (exact)
            {
                var chars = text.Chars;
                CheckExactLayer(chars, ref st, layer);
                int colon = chars.IndexOf(':');
                if (splitUserPassword && colon >= 0)
                {
                    CheckExactLayer(chars[..colon], ref st, layer);
                    CheckExactLayer(chars[(colon + 1)..], ref st, layer);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    /// <summary>Whole-value equality with a short known secret; <paramref name="start"/> is relative to the scanned value (before <see cref="ScanState.Offset"/>).</summary>
    private void CheckExact(ReadOnlySpan<char> value, int start, bool decode, ref ScanState st)
    {
        if (value.IsEmpty || value.Length > 4 * KnownSecret.MinimumSubstringLength)
        {
            return;
        }

        if (TryShortSecret(value, out var secret))
        {
            ReportSecret(ref st, Layer.Root, secret, start, value.Length, DlpEncodings.Plain);
            return;
        }

        if (decode && value.IndexOfAny('%', '+') >= 0)
        {
            Span<char> buffer = stackalloc char[value.Length];
            Span<int> map = stackalloc int[value.Length + 1];
            int n = TextDecoders.PercentDecode(value, buffer, map, plusIsSpace: true);
            if (TryShortSecret(buffer[..n], out secret))
            {
                ReportSecret(ref st, Layer.Root, secret, start, value.Length, DlpEncodings.Percent);
            }
        }
    }

    private void CheckExactLayer(ReadOnlySpan<char> value, ref ScanState st, in Layer layer)
    {
        if (TryShortSecret(value, out var secret))
        {
            ReportSecret(ref st, layer, secret, 0, value.Length, DlpEncodings.Plain);
        }
    }

    private bool TryShortSecret(ReadOnlySpan<char> value, out KnownSecret secret)
    {
        secret = null!;
        if (value.IsEmpty || value.Length >= KnownSecret.MinimumSubstringLength)
        {
            return false;
        }

#if NET9_0_OR_GREATER
        return _shortSecrets.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(value, out secret!);
#else
        return _shortSecrets.TryGetValue(value.ToString(), out secret!);
#endif
    }

    // ---- bodies ---------------------------------------------------------------------------------------------------

    /// <summary>The largest form body whose field values are also scanned joined (characters): a second scan of its values.</summary>
    private const int MaxJoinedFormChars = 64 * 1024;

    private enum BodyKind
    {
        Text,
        Json,
        Form,
        Multipart,
    }

    private void ScanBody(DlpRequest request, ref ScanState st, List<DlpFinding> list, bool exact)
    {
        var body = request.Body.Span;
        string? contentType = request.ContentType ?? HeaderValue(request, "Content-Type");
        var kind = ClassifyBody(contentType, out string? boundary);
        int first = list.Count;
        using var text = BodyText.Decode(body);
        var chars = text.Chars;
        st.Location = DlpLocation.Body;
        st.Offset = 0;
        st.FormEncoded = kind == BodyKind.Form;
        ScanCore(chars, ref st, Layer.Root, withLayers: true);
        st.FormEncoded = false;

        if (kind == BodyKind.Multipart && boundary is not null)
        {
            ScanMultipart(chars, body, text.MultiByte, boundary, ref st, list, first, exact);
        }
        else if (kind == BodyKind.Form)
        {
            var fields = FormFields.Parse(chars, 0);
            if (exact)
            {
                foreach (var field in fields)
                {
                    CheckExact(chars[field.ValueStart..field.ValueEnd], field.ValueStart, decode: true, ref st);
                }
            }

            if (fields.Count >= 2 && list.Count == first && chars.Length <= MaxJoinedFormChars && !st.Full)
            {
                ScanJoinedValues(chars, fields, chars.Length, ref st); // a=ghp_Ab…&b=Cd… (r27)
            }

            NameByFields(chars, fields, list, first, DlpLocationKind.Body);
        }

        string? contentEncoding = HeaderValue(request, "Content-Encoding");
        if (contentEncoding is not null && !st.Full && TryDecompress(request.Body, contentEncoding, out var plain))
        {
            using var decompressed = BodyText.Decode(plain.AsSpan());
            ScanCore(decompressed.Chars, ref st, Layer.Opaque(0, chars.Length, DlpEncodings.Compressed), withLayers: true);
        }
        else if (contentEncoding is null && !st.Full && ArchiveMagic(body))
        {
            // A gzip member, zlib stream or ZIP archive sent without Content-Encoding (curl --data-binary @secrets.tar.gz,
            // gzip -c … | curl -T -, curl --data-binary @x.zip): DlpEngine.Archives.cs.
            ScanRawArchive(body, 0, chars.Length, ref st, Layer.Root);
        }
        else if (contentEncoding is null && !st.Full && UnreadableCompressionMagic(body))
        {
            ReportUnreadableCompression(ref st, Layer.Root, 0, chars.Length, DlpEncodings.Compressed); // bzip2 / xz: DlpEngine.CompressedLayers.cs
        }
        else if (contentEncoding is null && !st.Full)
        {
            TryScanByteCiphers(body, 0, chars.Length, null, ref st, Layer.Root); // DlpEngine.ByteCiphers.cs: a body under a single-byte XOR or in EBCDIC
        }

        if (!st.Full && body.Contains((byte)0))
        {
            ScanUtf16Text(chars, ref st, Layer.Opaque(0, chars.Length, DlpEncodings.Utf16)); // DlpEngine.Utf16.cs: text sent as raw UTF-16
            ScanUtf32Text(chars, ref st, Layer.Opaque(0, chars.Length, DlpEncodings.Utf32)); // DlpEngine.Utf32.cs: text sent as raw UTF-32
        }

        text.ToByteOffsets(list, first);
        if (kind == BodyKind.Json && list.Count > first)
        {
            NameJson(body, list, first);
        }
    }

    private static BodyKind ClassifyBody(string? contentType, out string? boundary)
    {
        boundary = null;
        if (string.IsNullOrWhiteSpace(contentType))
        {
            return BodyKind.Text;
        }

        var ct = contentType.AsSpan();
        int semi = ct.IndexOf(';');
        var media = (semi < 0 ? ct : ct[..semi]).Trim();
        if (media.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
        {
            return BodyKind.Form;
        }

        if (media.StartsWith("multipart/", StringComparison.OrdinalIgnoreCase))
        {
            boundary = Parameter(ct, "boundary");
            return boundary is null ? BodyKind.Text : BodyKind.Multipart;
        }

        if (media.Equals("application/json", StringComparison.OrdinalIgnoreCase) || media.EndsWith("+json", StringComparison.OrdinalIgnoreCase)
            || media.Equals("text/json", StringComparison.OrdinalIgnoreCase))
        {
            return BodyKind.Json;
        }

        return BodyKind.Text;
    }

    /// <summary>A parameter of a header value such as <c>multipart/form-data; boundary="abc"</c> (RFC 9110 §5.6.6), or null.</summary>
    private static string? Parameter(ReadOnlySpan<char> value, string name)
    {
        foreach (var part in value.ToString().Split(';'))
        {
            int eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0 && part.AsSpan(0, eq).Trim().Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                string v = part[(eq + 1)..].Trim();
                if (v.Length >= 2 && v[0] == '"' && v[^1] == '"')
                {
                    v = v[1..^1];
                }

                return v.Length == 0 ? null : v;
            }
        }

        return null;
    }

    private static string? HeaderValue(DlpRequest request, string name)
    {
        foreach (var h in request.Headers ?? [])
        {
            if (string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase))
            {
                return h.Value;
            }
        }

        return null;
    }

    private static bool TryDecompress(ReadOnlyMemory<byte> body, string contentEncoding, out byte[] plain)
    {
        plain = [];
        string coding = contentEncoding.Split(',')[^1].Trim().ToLowerInvariant();
        try
        {
            using var input = new MemoryStream(body.ToArray(), writable: false);
            using var decoder = ContentCodings.Decoder(coding, input);
            if (decoder is null)
            {
                return false;
            }

            using var output = new MemoryStream();
            var buffer = new byte[81920];
            int read;
            while (output.Length < MaxDecompressedBytes && (read = decoder.Read(buffer, 0, (int)Math.Min(buffer.Length, MaxDecompressedBytes - output.Length))) > 0)
            {
                output.Write(buffer, 0, read);
            }

            plain = output.ToArray();
            return plain.Length > 0;
        }
        catch (InvalidDataException)
        {
            return false;
        }
        catch (IOException)
        {
            return false;
        }
        catch (ZstdSharp.ZstdException)
        {
            return false;
        }
    }

    private void ScanMultipart(ReadOnlySpan<char> chars, ReadOnlySpan<byte> body, bool multiByte, string boundary, ref ScanState st, List<DlpFinding> list, int first, bool exact)
    {
        string delimiter = "--" + boundary;
        var parts = new List<(int Start, int End, string? Name, int NameStart, int NameEnd)>();
        int pos = chars.IndexOf(delimiter, StringComparison.Ordinal);
        while (pos >= 0 && !st.Full)
        {
            int lineEnd = chars[pos..].IndexOf('\n');
            if (lineEnd < 0)
            {
                break;
            }

            int partStart = pos + lineEnd + 1;
            int next = chars[partStart..].IndexOf(delimiter, StringComparison.Ordinal);
            int partEnd = next < 0 ? chars.Length : partStart + next;
            var part = chars[partStart..partEnd];
            int headerEnd = part.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            int bodyOffset = headerEnd >= 0 ? headerEnd + 4 : (headerEnd = part.IndexOf("\n\n", StringComparison.Ordinal)) >= 0 ? headerEnd + 2 : -1;
            if (bodyOffset < 0)
            {
                break;
            }

            var headers = part[..headerEnd];
            string? name = null;
            int nameStart = -1, nameEnd = -1;
            bool base64 = false, quotedPrintable = false;
            for (int lineStart = 0; lineStart < headers.Length;)
            {
                int nl = headers[lineStart..].IndexOf('\n');
                int hEnd = nl < 0 ? headers.Length : lineStart + nl;
                var line = headers[lineStart..hEnd].TrimEnd('\r');
                int lineOffset = lineStart;
                lineStart = hEnd + 1;
                if (line.StartsWith("Content-Disposition:", StringComparison.OrdinalIgnoreCase))
                {
                    int n = line.IndexOf("name=", StringComparison.OrdinalIgnoreCase);
                    while (n > 0 && line[n - 1] is not (';' or ' ' or '\t'))
                    {
                        int again = line[(n + 5)..].IndexOf("name=", StringComparison.OrdinalIgnoreCase);
                        n = again < 0 ? -1 : n + 5 + again;
                    }

                    if (n >= 0)
                    {
                        int vs = n + 5;
                        int ve;
                        if (vs < line.Length && line[vs] == '"')
                        {
                            vs++;
                            ve = line[vs..].IndexOf('"');
                            ve = ve < 0 ? line.Length : vs + ve;
                        }
                        else
                        {
                            ve = line[vs..].IndexOf(';');
                            ve = ve < 0 ? line.Length : vs + ve;
                        }

                        name = line[vs..ve].ToString();
                        nameStart = partStart + lineOffset + vs;
                        nameEnd = partStart + lineOffset + ve;
                    }
                }
                else if (line.StartsWith("Content-Transfer-Encoding:", StringComparison.OrdinalIgnoreCase))
                {
                    var cte = line["Content-Transfer-Encoding:".Length..].Trim();
                    base64 = cte.Equals("base64", StringComparison.OrdinalIgnoreCase);
                    quotedPrintable = cte.Equals("quoted-printable", StringComparison.OrdinalIgnoreCase);
                }
            }

            int bodyStart = partStart + bodyOffset;
            int bodyEnd = partEnd;
            if (bodyEnd >= 2 && chars[bodyEnd - 2] == '\r' && chars[bodyEnd - 1] == '\n')
            {
                bodyEnd -= 2;
            }
            else if (bodyEnd >= 1 && chars[bodyEnd - 1] == '\n')
            {
                bodyEnd--;
            }

            parts.Add((partStart, partEnd, name, nameStart, nameEnd));
            if (!base64 && name is not null && _assignRule >= 0 && (st.Detectors & DlpDetectors.TokenPatterns) != 0 && bodyEnd > bodyStart
                && ContextRules.IsCredentialName(name) && ContextRules.IsLiteralSecret(chars[bodyStart..bodyEnd], quoted: true))
            {
                // A form part named like a credential ("password", "api_key") whose content is one literal value.
                ReportRule(ref st, Layer.Root, _rules[_assignRule], bodyStart, bodyEnd - bodyStart, DlpEncodings.Plain, name + " = ", bodyEnd - bodyStart);
            }

            if (base64 && bodyEnd > bodyStart)
            {
                ScanBase64Part(chars[bodyStart..bodyEnd], bodyStart, ref st);
            }
            else if (bodyEnd > bodyStart)
            {
                if (quotedPrintable && chars[bodyStart..bodyEnd].Contains('='))
                {
                    ScanQuotedPrintable(chars[bodyStart..bodyEnd], bodyStart, ref st, Layer.Root); // DlpEngine.Archives.cs (RFC 2045 §6.7)
                }
                else if (ArchiveMagic(chars[bodyStart..bodyEnd]) && !st.Full)
                {
                    ScanArchivePart(body, chars, multiByte, bodyStart, bodyEnd, ref st); // DlpEngine.Archives.cs: curl -F file=@x.tar.gz
                }
                else if (UnreadableCompressionMagic(chars[bodyStart..bodyEnd]) && !st.Full)
                {
                    ReportUnreadableCompression(ref st, Layer.Root, bodyStart, bodyEnd - bodyStart, DlpEncodings.Compressed); // bzip2 / xz part
                }

                if (exact)
                {
                    CheckExact(chars[bodyStart..bodyEnd], bodyStart, decode: false, ref st);
                }
            }

            pos = next < 0 ? -1 : partEnd;
        }

        if (list.Count == first)
        {
            return;
        }

        var index = new SpanIndex(list, first);
        for (int i = first; i < list.Count; i++)
        {
            var f = list[i];
            foreach (var p in parts)
            {
                if (f.Start >= p.Start && f.Start < p.End && p.Name is not null)
                {
                    bool redact = p.NameStart >= 0 && index.Overlaps(p.NameStart, p.NameEnd);
                    list[i] = f.WithLocation(new DlpLocation(DlpLocationKind.Body, redact ? RedactedName : p.Name));
                    break;
                }
            }
        }
    }

    private void ScanBase64Part(ReadOnlySpan<char> encoded, int start, ref ScanState st)
    {
        var compact = ArrayPool<char>.Shared.Rent(encoded.Length);
        var bytes = ArrayPool<byte>.Shared.Rent((encoded.Length * 3 / 4) + 3);
        try
        {
            int n = 0;
            foreach (char c in encoded)
            {
                if (!char.IsWhiteSpace(c))
                {
                    compact[n++] = c;
                }
            }

            int decoded = Base64Helpers.DecodeLenient(compact.AsSpan(0, n), bytes);
            using var text = BodyText.Decode(bytes.AsSpan(0, decoded));
            ScanCore(text.Chars, ref st, Layer.Opaque(start, encoded.Length, DlpEncodings.Base64), withLayers: true);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(compact);
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    private static void NameByFields(ReadOnlySpan<char> text, List<FormField> fields, List<DlpFinding> list, int first, DlpLocationKind kind)
    {
        if (list.Count == first)
        {
            return;
        }

        var index = new SpanIndex(list, first);
        for (int i = first; i < list.Count; i++)
        {
            var f = list[i];
            foreach (var field in fields)
            {
                if (f.Start >= field.NameStart && f.Start < Math.Max(field.ValueEnd, field.NameEnd + 1))
                {
                    string? name = index.Overlaps(field.NameStart, field.NameEnd) ? RedactedName : DecodeName(text[field.NameStart..field.NameEnd]);
                    list[i] = f.WithLocation(new DlpLocation(kind, IsFieldName(name) ? name : null));
                    break;
                }
            }
        }
    }

    /// <summary>
    /// Whether a decoded form field name reads as one: 1–64 letters, digits and <c>_ - . [ ] $ @ :</c> (the names HTML
    /// forms, PHP/Rails nesting and query strings use). A body sent as a form that is not one (<c>curl -d</c> posts a
    /// config file as <c>application/x-www-form-urlencoded</c>) makes everything before its first <c>=</c> a "name";
    /// such a name is text of the body, and the location must not carry it into the audit, so it is dropped.
    /// </summary>
    private static bool IsFieldName(string name)
    {
        if (name == RedactedName)
        {
            return true;
        }

        if (name.Length is 0 or > 64)
        {
            return false;
        }

        foreach (char c in name)
        {
            if (!char.IsLetterOrDigit(c) && c is not ('_' or '-' or '.' or '[' or ']' or '$' or '@' or ':'))
            {
                return false;
            }
        }

        return true;
    }

    private static string DecodeName(ReadOnlySpan<char> raw)
    {
        if (raw.Length > 256)
        {
            raw = raw[..256];
        }

        Span<char> buffer = stackalloc char[raw.Length];
        Span<int> map = stackalloc int[raw.Length + 1];
        int n = TextDecoders.PercentDecode(raw, buffer, map, plusIsSpace: true);
        return buffer[..n].ToString();
    }

    private static void NameJson(ReadOnlySpan<byte> json, List<DlpFinding> list, int first)
    {
        var index = new SpanIndex(list, first);
        var order = Enumerable.Range(first, list.Count - first).OrderBy(i => list[i].Start).ToArray();
        int next = 0;
        var frames = new List<JsonFrame>();
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip, MaxDepth = 1024 });
        try
        {
            while (next < order.Length && reader.Read())
            {
                int ts = (int)reader.TokenStartIndex;
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        {
                            int te = (int)reader.BytesConsumed;
                            var top = frames[^1];
                            bool redact = index.Overlaps(ts, te);
                            frames[^1] = top with { Property = redact ? null : reader.GetString(), Redacted = redact, HasProperty = true };
                            Assign(ts, te);
                            break;
                        }

                    case JsonTokenType.StartObject:
                    case JsonTokenType.StartArray:
                        BumpIndex();
                        frames.Add(new JsonFrame(reader.TokenType == JsonTokenType.StartArray));
                        break;
                    case JsonTokenType.EndObject:
                    case JsonTokenType.EndArray:
                        if (frames.Count > 0)
                        {
                            frames.RemoveAt(frames.Count - 1);
                        }

                        break;
                    default:
                        BumpIndex();
                        Assign(ts, (int)reader.BytesConsumed);
                        break;
                }
            }
        }
        catch (JsonException)
        {
            // Malformed JSON: the remaining findings keep the unnamed body location.
        }

        void BumpIndex()
        {
            if (frames.Count > 0 && frames[^1].IsArray)
            {
                frames[^1] = frames[^1] with { Index = frames[^1].Index + 1 };
            }
        }

        void Assign(int ts, int te)
        {
            while (next < order.Length && list[order[next]].Start < ts)
            {
                next++;
            }

            string? path = null;
            while (next < order.Length && list[order[next]].Start < te)
            {
                path ??= JsonPath(frames);
                list[order[next]] = list[order[next]].WithLocation(new DlpLocation(DlpLocationKind.Body, path));
                next++;
            }
        }
    }

    private static string JsonPath(List<JsonFrame> frames)
    {
        var sb = new StringBuilder("$");
        foreach (var f in frames)
        {
            if (f.IsArray)
            {
                sb.Append('[').Append(f.Index).Append(']');
            }
            else if (f.HasProperty)
            {
                if (f.Redacted || f.Property is null)
                {
                    sb.Append('.').Append(RedactedName);
                }
                else if (f.Property.Length > 0 && f.Property.All(c => char.IsAsciiLetterOrDigit(c) || c == '_' || c == '-'))
                {
                    sb.Append('.').Append(f.Property);
                }
                else
                {
                    sb.Append("['").Append(f.Property.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal)).Append("']");
                }
            }

            if (sb.Length > 512)
            {
                sb.Length = 512;
                sb.Append('…');
                break;
            }
        }

        return sb.ToString();
    }

    private readonly record struct JsonFrame(bool IsArray)
    {
        public int Index { get; init; } = -1;

        public string? Property { get; init; }

        public bool HasProperty { get; init; }

        public bool Redacted { get; init; }
    }

    // ---- redaction ------------------------------------------------------------------------------------------------

    /// <summary>
    /// Returns a copy of <paramref name="request"/> with every finding of <paramref name="report"/> cut out and replaced by
    /// <c>[REDACTED:&lt;ruleId&gt;]</c>: in the path and query (percent-encoded there, <c>%5BREDACTED%3A…%5D</c>, so the
    /// request target stays valid), in header values, and in the body (a bare JSON number becomes a JSON string).
    /// Overlapping findings are merged. A header whose name holds a finding is dropped. Host findings cannot be redacted
    /// and are left in place (rescanning finds them again, so the caller blocks). The caller rescans the result and
    /// fixes <c>Content-Length</c>; a body found through <c>Content-Encoding</c> decompression is replaced whole.
    /// </summary>
    /// <param name="request">The scanned request.</param>
    /// <param name="report">The report <see cref="ScanRequest"/> returned for it.</param>
    /// <returns>The redacted request (<paramref name="request"/> itself when there is nothing to redact).</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">A finding does not fit the request (the report belongs to another request).</exception>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1822:Mark members as static", Justification = "Part of the engine's instance API; callers hold an engine.")]
    public DlpRequest Redact(DlpRequest request, DlpReport report)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(report);
        if (!report.HasFindings)
        {
            return request;
        }

        var headers = request.Headers ?? [];
        var targetSpans = new List<(int Start, int End, string Id)>();
        var bodySpans = new List<(int Start, int End, string Id)>();
        var headerSpans = new Dictionary<int, List<(int Start, int End, string Id)>>();
        var dropped = new HashSet<int>();
        string pq = request.PathAndQuery ?? string.Empty;
        foreach (var f in report.Findings)
        {
            switch (f.Location.Kind)
            {
                case DlpLocationKind.Path:
                case DlpLocationKind.Query:
                    Check(f, pq.Length);
                    targetSpans.Add((f.Start, f.Start + f.Length, f.RuleId));
                    break;
                case DlpLocationKind.Header:
                    if (f.Location.Index < 0 || f.Location.Index >= headers.Count)
                    {
                        throw new ArgumentException($"Finding {f.RuleId} names header #{f.Location.Index}, which the request does not have.", nameof(report));
                    }

                    Check(f, (headers[f.Location.Index].Value ?? string.Empty).Length);
                    if (!headerSpans.TryGetValue(f.Location.Index, out var list))
                    {
                        headerSpans[f.Location.Index] = list = [];
                    }

                    list.Add((f.Start, f.Start + f.Length, f.RuleId));
                    break;
                case DlpLocationKind.HeaderName:
                    dropped.Add(f.Location.Index);
                    break;
                case DlpLocationKind.Body:
                    Check(f, request.Body.Length);
                    bodySpans.Add((f.Start, f.Start + f.Length, f.RuleId));
                    break;
                default:
                    break;
            }
        }

        var newHeaders = new List<KeyValuePair<string, string>>(headers.Count);
        for (int i = 0; i < headers.Count; i++)
        {
            if (dropped.Contains(i))
            {
                continue;
            }

            newHeaders.Add(headerSpans.TryGetValue(i, out var spans)
                ? new KeyValuePair<string, string>(headers[i].Key, ApplyText(headers[i].Value ?? string.Empty, spans, urlEncoded: false))
                : headers[i]);
        }

        bool json = ClassifyBody(request.ContentType ?? HeaderValue(request, "Content-Type"), out _) == BodyKind.Json;
        return new DlpRequest
        {
            Method = request.Method,
            Host = request.Host,
            PathAndQuery = targetSpans.Count == 0 ? pq : ApplyText(pq, targetSpans, urlEncoded: true),
            Headers = newHeaders,
            Body = bodySpans.Count == 0 ? request.Body : ApplyBytes(request.Body.Span, bodySpans, json),
            ContentType = request.ContentType,
        };

        static void Check(DlpFinding f, int length)
        {
            if (f.Start < 0 || f.Length < 0 || f.Start + f.Length > length)
            {
                throw new ArgumentException($"Finding {f.RuleId} at {f.Location} [{f.Start}, +{f.Length}) does not fit the request.", nameof(report));
            }
        }
    }

    /// <summary>
    /// Scans <paramref name="text"/> with every detector and returns it with each finding cut out and replaced by
    /// <c>[REDACTED:&lt;ruleId&gt;]</c> (overlapping findings merged; a finding inside a decoded layer replaces the
    /// encoded stretch it was found in). For log lines that quote what an agent sent (git's standard error in the git
    /// gate's <c>git-service-error</c> event).
    /// </summary>
    /// <param name="text">The text.</param>
    /// <returns>The redacted text; <paramref name="text"/> itself when nothing is found.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    public string RedactText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var findings = new List<DlpFinding>();
        Scan(text, DlpLocation.Body, DlpDetectors.All, findings);
        if (findings.Count == 0)
        {
            return text;
        }

        var spans = findings.Select(f => (Math.Clamp(f.Start, 0, text.Length), Math.Clamp(f.Start + f.Length, 0, text.Length), f.RuleId)).ToList();
        return ApplyText(text, spans, urlEncoded: false);
    }

    private static string Marker(string id)
    {
        var sb = new StringBuilder("[REDACTED:");
        foreach (char c in id)
        {
            sb.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_');
        }

        return sb.Append(']').ToString();
    }

    private static List<(int Start, int End, string Id)> Merge(List<(int Start, int End, string Id)> spans)
    {
        spans.Sort((a, b) => a.Start != b.Start ? a.Start.CompareTo(b.Start) : b.End.CompareTo(a.End));
        var merged = new List<(int Start, int End, string Id)>();
        foreach (var s in spans)
        {
            if (merged.Count > 0 && s.Start < merged[^1].End)
            {
                var last = merged[^1];
                merged[^1] = (last.Start, Math.Max(last.End, s.End), last.Id);
            }
            else
            {
                merged.Add(s);
            }
        }

        return merged;
    }

    private static string ApplyText(string value, List<(int Start, int End, string Id)> spans, bool urlEncoded)
    {
        var sb = new StringBuilder(value.Length);
        int pos = 0;
        foreach (var (start, end, id) in Merge(spans))
        {
            sb.Append(value, pos, start - pos);
            string marker = Marker(id);
            sb.Append(urlEncoded ? Uri.EscapeDataString(marker) : marker);
            pos = end;
        }

        return sb.Append(value, pos, value.Length - pos).ToString();
    }

    private static byte[] ApplyBytes(ReadOnlySpan<byte> body, List<(int Start, int End, string Id)> spans, bool json)
    {
        using var output = new MemoryStream(body.Length);
        int pos = 0;
        foreach (var (start, end, id) in Merge(spans))
        {
            output.Write(body[pos..start]);
            bool quote = json && start > 0 && body[start - 1] != (byte)'"' && IsBareNumber(body[start..end]);
            string marker = quote ? "\"" + Marker(id) + "\"" : Marker(id);
            output.Write(Encoding.UTF8.GetBytes(marker));
            pos = end;
        }

        output.Write(body[pos..]);
        return output.ToArray();
    }

    private static bool IsBareNumber(ReadOnlySpan<byte> s)
    {
        foreach (byte b in s)
        {
            if (b is not ((>= (byte)'0' and <= (byte)'9') or (byte)' ' or (byte)'-'))
            {
                return false;
            }
        }

        return !s.IsEmpty;
    }
}

/// <summary>One <c>name=value</c> pair of a query string, form body or cookie header: absolute char offsets.</summary>
internal readonly record struct FormField(int NameStart, int NameEnd, int ValueStart, int ValueEnd)
{
}

/// <summary>Splits <c>a=1&amp;b=2</c> (or <c>a=1; b=2</c>) into field ranges.</summary>
internal static class FormFields
{
    public static List<FormField> Parse(ReadOnlySpan<char> text, int offset, char separator = '&')
    {
        var fields = new List<FormField>();
        int i = 0;
        while (i <= text.Length)
        {
            int end = text[i..].IndexOf(separator);
            end = end < 0 ? text.Length : i + end;
            if (end > i)
            {
                int eq = text[i..end].IndexOf('=');
                int nameEnd = eq < 0 ? end : i + eq;
                int valueStart = eq < 0 ? end : i + eq + 1;
                int nameStart = i;
                while (nameStart < nameEnd && text[nameStart] == ' ')
                {
                    nameStart++;
                }

                fields.Add(new FormField(offset + nameStart, offset + nameEnd, offset + valueStart, offset + end));
            }

            i = end + 1;
        }

        return fields;
    }
}

/// <summary>Answers "does any finding overlap [s, e)?" in O(log n): findings sorted by start with a running maximum of their ends.</summary>
internal sealed class SpanIndex
{
    private readonly int[] _starts;
    private readonly int[] _maxEnds;

    public SpanIndex(List<DlpFinding> findings, int first)
    {
        var spans = findings.Skip(first).Select(f => (f.Start, End: f.Start + f.Length)).OrderBy(s => s.Start).ToArray();
        _starts = new int[spans.Length];
        _maxEnds = new int[spans.Length];
        int max = int.MinValue;
        for (int i = 0; i < spans.Length; i++)
        {
            _starts[i] = spans[i].Start;
            max = Math.Max(max, spans[i].End);
            _maxEnds[i] = max;
        }
    }

    public bool Overlaps(int start, int end)
    {
        // last finding whose start < end
        int lo = 0, hi = _starts.Length - 1, idx = -1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >> 1;
            if (_starts[mid] < end)
            {
                idx = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return idx >= 0 && _maxEnds[idx] > start;
    }
}
