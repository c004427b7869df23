using System.Buffers;
using System.Globalization;
using System.Text;

namespace BotBottle.Sidecar.Http;

/// <summary>An HTTP/1.1 header field as received (name and value as Latin-1 strings, value trimmed of OWS).</summary>
internal readonly record struct HeaderField(string Name, string Value);

/// <summary>Why a message could not be parsed; maps to the status the proxy answers with.</summary>
internal sealed class HttpParseException(int status, string message) : Exception(message)
{
    /// <summary>400, 431, 501 …</summary>
    public int Status { get; } = status;
}

/// <summary>
/// A parsed request or response head (RFC 9112). Parsing is strict where leniency enables request smuggling:
/// obs-fold, bare CR, whitespace before the colon, conflicting Content-Length values, Content-Length together with
/// Transfer-Encoding, and transfer codings other than a final <c>chunked</c> are all refused.
/// </summary>
internal sealed class HttpHead
{
    private static readonly SearchValues<byte> TChar = SearchValues.Create("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"u8);

    /// <summary>The fields in order (capacity 8 to start: a typical request or response head has fewer; the list grows).</summary>
    public List<HeaderField> Headers { get; } = new(8);

    // Request line
    public string Method { get; private set; } = string.Empty;

    public string Target { get; private set; } = string.Empty;

    // Status line
    public int StatusCode { get; private set; }

    public string ReasonPhrase { get; private set; } = string.Empty;

    public int VersionMinor { get; private set; } = 1;

    public long? ContentLength { get; private set; }

    public bool Chunked { get; private set; }

    /// <summary>The sender asked to keep the connection open (HTTP/1.1 default unless <c>Connection: close</c>; HTTP/1.0 only with keep-alive).</summary>
    public bool KeepAlive { get; private set; }

    public bool ExpectContinue { get; private set; }

    /// <summary>Value of <c>Upgrade</c> when <c>Connection</c> lists <c>upgrade</c>.</summary>
    public string? Upgrade { get; private set; }

    /// <summary>Names listed in <c>Connection</c> (hop-by-hop for this message); empty when there is none.</summary>
    public IReadOnlyList<string> ConnectionTokens => (IReadOnlyList<string>?)_connectionTokens ?? [];

    /// <summary>Created by the first <c>Connection</c> token: most heads carry none, or only <c>keep-alive</c>/<c>close</c>.</summary>
    private List<string>? _connectionTokens;

    /// <summary>
    /// Field names common in requests and responses, in their usual spelling: a received name that matches one byte for
    /// byte is represented by this string instead of a new one (two to ten fewer strings per message head). A name
    /// spelled differently (another letter case) gets its own string, as before, so what is relayed is what was sent.
    /// </summary>
    private static readonly string[] CommonNames =
    [
        "Host", "User-Agent", "Accept", "Accept-Encoding", "Accept-Language", "Accept-Ranges", "Authorization", "Cache-Control",
        "Connection", "Content-Encoding", "Content-Length", "Content-Type", "Cookie", "Date", "ETag", "Expect", "Last-Modified",
        "Location", "Proxy-Connection", "Server", "Set-Cookie", "Transfer-Encoding", "Upgrade", "Vary", "Keep-Alive",
        "accept", "content-type", "content-length", "user-agent", "authorization", "accept-encoding", "host",
    ];

    public string? Get(string name)
    {
        foreach (var h in Headers)
        {
            if (h.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return h.Value;
            }
        }

        return null;
    }

    public IReadOnlyList<KeyValuePair<string, string>> AsPairs()
    {
        var list = new KeyValuePair<string, string>[Headers.Count];
        for (var i = 0; i < Headers.Count; i++)
        {
            list[i] = new(Headers[i].Name, Headers[i].Value);
        }

        return list;
    }

    public static HttpHead ParseRequest(ReadOnlySpan<byte> head)
    {
        var h = new HttpHead();
        var lineEnd = head.IndexOf("\r\n"u8);
        var line = head[..lineEnd];
        var sp1 = line.IndexOf((byte)' ');
        var sp2 = sp1 < 0 ? -1 : line[(sp1 + 1)..].IndexOf((byte)' ');
        if (sp1 <= 0 || sp2 <= 0)
        {
            throw new HttpParseException(400, "malformed request line");
        }

        sp2 += sp1 + 1;
        var method = line[..sp1];
        var target = line[(sp1 + 1)..sp2];
        var version = line[(sp2 + 1)..];
        if (method.IndexOfAnyExcept(TChar) >= 0)
        {
            throw new HttpParseException(400, "invalid method");
        }

        if (target.Length == 0 || target.IndexOfAnyInRange((byte)0, (byte)0x20) >= 0 || target.Contains((byte)0x7f))
        {
            throw new HttpParseException(400, "invalid request target");
        }

        h.VersionMinor = ParseVersion(version);
        h.Method = method.SequenceEqual("GET"u8) ? "GET" : method.SequenceEqual("POST"u8) ? "POST" : method.SequenceEqual("CONNECT"u8) ? "CONNECT" : Encoding.ASCII.GetString(method);
        h.Target = Encoding.Latin1.GetString(target);
        h.ParseFields(head[(lineEnd + 2)..], isRequest: true);
        return h;
    }

    public static HttpHead ParseResponse(ReadOnlySpan<byte> head)
    {
        var h = new HttpHead();
        var lineEnd = head.IndexOf("\r\n"u8);
        var line = head[..lineEnd];
        if (line.Length < 12 || line[8] != ' ')
        {
            throw new HttpParseException(502, "malformed status line from upstream");
        }

        h.VersionMinor = ParseVersion(line[..8]);
        if (!int.TryParse(line.Slice(9, 3), NumberStyles.None, CultureInfo.InvariantCulture, out var status) || status < 100)
        {
            throw new HttpParseException(502, "malformed status code from upstream");
        }

        h.StatusCode = status;
        h.ReasonPhrase = line.Length <= 13 ? string.Empty : line[13..].SequenceEqual("OK"u8) ? "OK" : Encoding.Latin1.GetString(line[13..]);
        h.ParseFields(head[(lineEnd + 2)..], isRequest: false);
        return h;
    }

    /// <summary>The field name as a string: one of <see cref="CommonNames"/> when it matches byte for byte, else a new string.</summary>
    private static string NameString(ReadOnlySpan<byte> name)
    {
        foreach (var common in CommonNames)
        {
            if (common.Length == name.Length && Ascii.Equals(name, common))
            {
                return common;
            }
        }

        return Encoding.ASCII.GetString(name);
    }

    private static int ParseVersion(ReadOnlySpan<byte> v)
    {
        if (v.SequenceEqual("HTTP/1.1"u8))
        {
            return 1;
        }

        if (v.SequenceEqual("HTTP/1.0"u8))
        {
            return 0;
        }

        throw new HttpParseException(505, "only HTTP/1.0 and HTTP/1.1 are supported");
    }

    private void ParseFields(ReadOnlySpan<byte> fields, bool isRequest)
    {
        var bad = isRequest ? 400 : 502;
        bool? keepAliveToken = null;
        var sawTe = false;
        while (fields.Length > 2)
        {
            var end = fields.IndexOf("\r\n"u8);
            if (end < 0)
            {
                throw new HttpParseException(bad, "malformed header section");
            }

            var line = fields[..end];
            fields = fields[(end + 2)..];
            if (line.Length == 0)
            {
                break;
            }

            if (line[0] is (byte)' ' or (byte)'\t')
            {
                throw new HttpParseException(bad, "obsolete line folding is not accepted");
            }

            var colon = line.IndexOf((byte)':');
            if (colon <= 0)
            {
                throw new HttpParseException(bad, "header line without a name");
            }

            var name = line[..colon];
            if (name.IndexOfAnyExcept(TChar) >= 0)
            {
                throw new HttpParseException(bad, "invalid header name");
            }

            var value = line[(colon + 1)..].Trim(" \t"u8);
            foreach (var b in value)
            {
                if ((b < 0x20 && b != '\t') || b == 0x7f)
                {
                    throw new HttpParseException(bad, "control character in a header value");
                }
            }

            var n = NameString(name);
            var v = Encoding.Latin1.GetString(value);
            Headers.Add(new HeaderField(n, v));
            if (Headers.Count > 256)
            {
                throw new HttpParseException(isRequest ? 431 : 502, "too many header fields");
            }

            if (n.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                // Split as spans (each part trimmed like string.Trim): no array and no strings per response.
                foreach (var range in v.AsSpan().Split(','))
                {
                    var t = v.AsSpan(range).Trim();
                    if (t.Length == 0 || t.Length > 18 || !long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var len))
                    {
                        throw new HttpParseException(bad, "invalid Content-Length");
                    }

                    if (ContentLength is { } existing && existing != len)
                    {
                        throw new HttpParseException(bad, "conflicting Content-Length values");
                    }

                    ContentLength = len;
                }
            }
            else if (n.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
            {
                sawTe = true;
                var codings = v.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
                if (codings.Length == 0 || !codings[^1].Equals("chunked", StringComparison.OrdinalIgnoreCase))
                {
                    throw new HttpParseException(isRequest ? 501 : 502, "only the chunked transfer coding is supported");
                }

                if (codings.Length > 1)
                {
                    throw new HttpParseException(isRequest ? 501 : 502, "transfer codings other than chunked are not supported");
                }

                Chunked = true;
            }
            else if (n.Equals("Connection", StringComparison.OrdinalIgnoreCase) || n.Equals("Proxy-Connection", StringComparison.OrdinalIgnoreCase))
            {
                foreach (var range in v.AsSpan().Split(','))
                {
                    var span = v.AsSpan(range).Trim();
                    if (span.IsEmpty)
                    {
                        continue;
                    }

                    // The two tokens nearly every head carries are shared strings when spelled so; others get their own.
                    var token = span.SequenceEqual("keep-alive") ? "keep-alive" : span.SequenceEqual("close") ? "close" : span.ToString();
                    (_connectionTokens ??= []).Add(token);
                    if (token.Equals("close", StringComparison.OrdinalIgnoreCase))
                    {
                        keepAliveToken = false;
                    }
                    else if (token.Equals("keep-alive", StringComparison.OrdinalIgnoreCase) && keepAliveToken is null)
                    {
                        keepAliveToken = true;
                    }
                }
            }
            else if (n.Equals("Expect", StringComparison.OrdinalIgnoreCase))
            {
                if (!v.Equals("100-continue", StringComparison.OrdinalIgnoreCase))
                {
                    throw new HttpParseException(isRequest ? 417 : 502, "unsupported expectation");
                }

                ExpectContinue = true;
            }
        }

        if (sawTe && ContentLength is not null)
        {
            throw new HttpParseException(bad, "both Transfer-Encoding and Content-Length are present");
        }

        KeepAlive = keepAliveToken ?? VersionMinor == 1;
        if (_connectionTokens?.Exists(t => t.Equals("upgrade", StringComparison.OrdinalIgnoreCase)) == true)
        {
            Upgrade = Get("Upgrade");
        }
    }

    /// <summary>
    /// Hop-by-hop fields never forwarded (RFC 9110 §7.6.1): Connection and the names it lists, Upgrade, and
    /// <see cref="BotBottle.Egress.EgressRequest.HopByHopFields"/> (the list the policy leaves out too, so what it
    /// judges is what is forwarded; the proxy writes Connection and Upgrade again itself on a WebSocket upgrade).
    /// </summary>
    public bool IsHopByHop(string name)
    {
        if (name.Equals("Connection", StringComparison.OrdinalIgnoreCase) || name.Equals("Upgrade", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (BotBottle.Egress.EgressRequest.IsHopByHopField(name))
        {
            return true;
        }

        if (_connectionTokens is not { } tokens)
        {
            return false;
        }

        foreach (var t in tokens)
        {
            if (t.Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
