using System.Text;

namespace BotBottle.Dlp;

/// <summary>
/// Keys split across different parts of one request (red team 12: <c>Cookie: a=AKIA…</c> and a second
/// <c>Cookie: b=…</c> header; the first half of a key id as a host label and the rest as the path; a token's head in a
/// header and its tail in the body). Each part alone is scanned where it is; these joins run only when the parts held no
/// finding and one of them starts with a common credential prefix (<see cref="ObfuscatedAnchors"/>) or, for the host,
/// is a data label — all short, so they cost the body scan nothing.
/// </summary>
public sealed partial class DlpEngine
{
    /// <summary>Largest body (in bytes) whose pieces are joined with a token's head found in a header.</summary>
    private const int MaxDanglingBody = 4096;

    /// <summary>Most body pieces tried after a dangling head.</summary>
    private const int MaxDanglingPieces = 8;

    /// <summary>
    /// Cookie values spread over several <c>Cookie</c> headers (RFC 6265 §5.4 says a user agent sends one, but a
    /// client may send several and servers join them): the values that are data pieces (<see cref="IsDataPiece"/>),
    /// in order over every <c>Cookie</c> header, are joined and scanned; a finding spans the first contributing header's
    /// value (encoding <c>concat</c>). The single-header case is <see cref="ScanHeaderCredentials"/>'s.
    /// </summary>
    private void ScanJoinedCookieHeaders(IReadOnlyList<KeyValuePair<string, string>> headers, ref ScanState st)
    {
        StringBuilder? joined = null;
        int parts = 0, first = -1, cookieHeaders = 0;
        for (int i = 0; i < headers.Count; i++)
        {
            if (!(headers[i].Key ?? string.Empty).Equals("Cookie", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            cookieHeaders++;
            int before = parts;
            AppendCookiePieces((headers[i].Value ?? string.Empty).AsSpan(), ref joined, ref parts);
            if (first < 0 && parts > before)
            {
                first = i;
            }
        }

        if (cookieHeaders >= 2 && joined is not null && first >= 0)
        {
            var h = headers[first];
            st.Location = new DlpLocation(DlpLocationKind.Header, h.Key ?? string.Empty) { Index = first };
            ScanJoined(joined, parts, (h.Value ?? string.Empty).Length, ref st);
        }
    }

    /// <summary>
    /// A key cut between the host's labels and the path (<c>https://akiatszjjv.x.example.com/3SDAZWYHZC</c>): when
    /// neither holds a finding, each stretch of the host's labels before the last two (the registrable domain, roughly)
    /// that starts with a data label (<see cref="IsDataPiece"/>, or a credential prefix in either case) is joined with
    /// the path's leading data segments and scanned — the route's wildcard may cover labels after the data, so every end
    /// is tried (at most 8 labels and 8 segments). DNS names are case-insensitive (RFC 4343) and clients and resolvers
    /// lower-case them, so a stretch of lower-case labels is also scanned lower-cased with its path (the engine's
    /// lower-case rules, e.g. <c>akia</c>+16). A finding spans the host (encoding <c>concat</c>), which cannot be
    /// redacted, so the request is blocked.
    /// </summary>
    private void ScanJoinedHostAndPath(string host, ReadOnlySpan<char> path, ref ScanState st)
    {
        var h = host.AsSpan();
        int colon = h.LastIndexOf(':');
        if (colon >= 0 && h.IndexOf(':') == colon)
        {
            h = h[..colon];
        }

        // Leading labels, up to the registrable domain (roughly: the last two labels).
        int dots = h.Count('.');
        if (dots < 2 || h.ContainsAny(':', '['))
        {
            return;
        }

        Span<Range> labels = stackalloc Range[8];
        int n = 0, i = 0;
        for (int l = 0; l < dots - 1 && n < labels.Length; l++)
        {
            int dot = h[i..].IndexOf('.');
            labels[n++] = new Range(i, i + dot);
            i += dot + 1;
        }

        // The path's leading data segments: nothing to join without them (most requests).
        var tail = new StringBuilder();
        int tailParts = 0;
        foreach (var range in path.Split('/'))
        {
            var seg = path[range];
            if (seg.IsEmpty)
            {
                continue;
            }

            if (!IsDataPiece(seg, follows: true) || tailParts == 8)
            {
                break;
            }

            tail.Append(seg);
            tailParts++;
        }

        if (tailParts == 0)
        {
            return;
        }

        // Every stretch of labels that starts with a data label (or a credential prefix in either case) and ends
        // before the registrable domain: the route's wildcard may cover labels after the data (akia….x.example.com).
        st.Location = DlpLocation.Host;
        for (int a = 0; a < n && !st.Full; a++)
        {
            var head = h[labels[a]];
            if (!(IsDataPiece(head, follows: false) || StartsWithCredentialPrefixAnyCase(head)))
            {
                continue;
            }

            var joined = new StringBuilder();
            bool upper = false;
            for (int b = a; b < n; b++)
            {
                var label = h[labels[b]];
                if (b > a && !IsDataPiece(label, follows: true))
                {
                    break;
                }

                joined.Append(label);
                upper |= label.ContainsAnyInRange('A', 'Z');
                int before = st.Added;
                var candidate = new StringBuilder(joined.Length + tail.Length).Append(joined).Append(tail);
                ScanJoined(candidate, b - a + 1 + tailParts, host.Length, ref st);
                if (st.Added == before && !upper)
                {
                    ScanJoined(new StringBuilder(candidate.ToString().ToLowerInvariant()), b - a + 1 + tailParts, host.Length, ref st);
                }

                if (st.Added > before)
                {
                    return;
                }
            }
        }
    }

    /// <summary>
    /// A token's head in a header and its tail in the body (<c>X-Req: ghp_Rb7WDMMR0bjIhd4P</c>, body
    /// <c>x=jrLeu4BKVs59wy37DFwJ</c>): when the headers held no finding, a header value that is a data piece starting
    /// with a common credential prefix is joined with each of the first <see cref="MaxDanglingPieces"/> data pieces of a
    /// short body (at most <see cref="MaxDanglingBody"/> bytes: its form values, or its whole trimmed text) and scanned;
    /// a finding spans that header's value (encoding <c>concat</c>).
    /// </summary>
    private void ScanDanglingHeadWithBody(IReadOnlyList<KeyValuePair<string, string>> headers, ReadOnlySpan<byte> body, ref ScanState st)
    {
        if (body.Length > MaxDanglingBody)
        {
            return;
        }

        List<string>? pieces = null; // the body's pieces, read once, when the first prefix-led header is seen
        for (int i = 0; i < headers.Count && !st.Full; i++)
        {
            var v = (headers[i].Value ?? string.Empty).AsSpan().Trim();
            if (v.Length is < 4 or > 200 || !StartsWithCredentialPrefix(v) || !IsDataPiece(v, follows: true))
            {
                continue;
            }

            pieces ??= BodyPieces(Encoding.UTF8.GetString(body).AsSpan().Trim());
            var h = headers[i];
            st.Location = new DlpLocation(DlpLocationKind.Header, h.Key ?? string.Empty) { Index = i };
            foreach (var piece in pieces)
            {
                int before = st.Added;
                ScanJoined(new StringBuilder(v.Length + piece.Length).Append(v).Append(piece), 2, (h.Value ?? string.Empty).Length, ref st);
                if (st.Added > before)
                {
                    return;
                }
            }
        }
    }

    /// <summary>
    /// The data pieces of a short body (<see cref="ScanDanglingHeadWithBody"/>): the whole trimmed text when it is one
    /// data piece (an <c>=</c> only as base64 padding), otherwise its form values that are data pieces and not plain
    /// numbers, at most <see cref="MaxDanglingPieces"/>.
    /// </summary>
    private static List<string> BodyPieces(ReadOnlySpan<char> text)
    {
        var pieces = new List<string>();
        int eq = text.IndexOf('=');
        if (IsDataPiece(text, follows: true) && (eq < 0 || eq >= text.TrimEnd('=').Length)) // base64 padding is not a form
        {
            pieces.Add(text.ToString());
            return pieces;
        }

        foreach (var f in FormFields.Parse(text, 0))
        {
            var value = text[f.ValueStart..f.ValueEnd];
            if (IsDataPiece(value, follows: true) && value.ContainsAnyExceptInRange('0', '9'))
            {
                pieces.Add(value.ToString());
                if (pieces.Count == MaxDanglingPieces)
                {
                    break;
                }
            }
        }

        return pieces;
    }

    /// <summary>
    /// Appends the values of one <c>Cookie</c> header <paramref name="v"/> that are data pieces (<see cref="IsDataPiece"/>,
    /// quotes dropped, not plain numbers) to <paramref name="joined"/>, counting them in <paramref name="parts"/>: the
    /// pieces a key split across cookies is joined from (<see cref="ScanHeaderCredentials"/>, <see cref="ScanJoinedCookieHeaders"/>).
    /// </summary>
    private static void AppendCookiePieces(ReadOnlySpan<char> v, ref StringBuilder? joined, ref int parts)
    {
        foreach (var field in FormFields.Parse(v, 0, ';'))
        {
            var cookie = v[field.ValueStart..field.ValueEnd].Trim().Trim('"');
            if (IsDataPiece(cookie, follows: parts > 0) && cookie.ContainsAnyExceptInRange('0', '9'))
            {
                (joined ??= new StringBuilder()).Append(cookie);
                parts++;
            }
        }
    }

    /// <summary><see cref="StartsWithCredentialPrefix"/> for a DNS label, which may have been lower-cased (<c>akia…</c>, <c>ghp_</c> cannot be a label).</summary>
    private static bool StartsWithCredentialPrefixAnyCase(ReadOnlySpan<char> label) =>
        StartsWithCredentialPrefix(label) || label.StartsWith("akia", StringComparison.Ordinal) || label.StartsWith("asia", StringComparison.Ordinal);
}
