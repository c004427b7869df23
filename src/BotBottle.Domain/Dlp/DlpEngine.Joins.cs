using System.Buffers;
using System.Runtime.CompilerServices;

namespace BotBottle.Dlp;

/// <summary>
/// Eighth issue-16 round: a key split across JSON string values (RFC 8259 §4 members, §5 array elements; also across
/// the lines of NDJSON, https://github.com/ndjson/ndjson-spec) and a key in RFC 2047 <c>Q</c> encoded-words. Both are
/// reached only from places the hot path already stops at — a vendor anchor whose token is too short, a token run of
/// 16+ characters that is a JSON array element, a token run right after <c>=XX</c> or <c>?Q?</c> — so a body without
/// those pays a few compares per long run and nothing else. Each trigger's work is bounded (16 values of 512
/// characters; 64 encoded-words), a join stops at the next value that starts with a credential prefix (the next
/// trigger), and decoded encoded-words are skipped by a cursor, so the work stays linear in the body.
/// </summary>
public sealed partial class DlpEngine
{
    /// <summary>At most this many string values are joined (the first included).</summary>
    private const int MaxJsonPieces = 16;

    /// <summary>A joined value is at most this long (characters).</summary>
    private const int MaxJsonPiece = 512;

    /// <summary>
    /// A token run of 16+ characters that is a JSON array element (<paramref name="rs"/>: its first character, after the
    /// quote; RFC 8259 §5): when the element before it is a string of 3–15 characters that starts with one of the common
    /// credential prefixes (<see cref="ObfuscatedAnchors"/>: <c>ghp_</c>, <c>AKIA</c>, <c>sk_live_</c>, <c>xoxb-</c>…),
    /// the elements from that one on are joined and scanned (<see cref="ScanJsonJoin"/>). A long prefixed value is
    /// handled where its anchor is found (<see cref="JsonSplitAfterAnchor"/>). A member value (<c>"b": "…"</c>) is
    /// looked back from only when it has the length and shape of the rest of a common key (<see cref="JsonMemberSplitBeforeRun"/>).
    /// </summary>
    private void JsonSplitBeforeRun(ReadOnlySpan<char> text, int rs, int re, ref ScanState st, in Layer layer)
    {
        // rs > 3 and text[rs - 1] == '"' (the caller). Straight-line compares first: most long values in JSON are
        // member values (':' before them), which the first compares rule out.
        int k = rs - 2;
        if (text[k] == ' ')
        {
            k--;
        }

        char c = text[k];

        // An array element: the ',' after the element before (a newline or more blanks of pretty-printed JSON too).
        for (int n = 0; n < 8 && k > 0 && c is ' ' or '\n' or '\r' or '\t'; n++)
        {
            c = text[--k];
        }

        if (c != ',')
        {
            // The shape tests inline (GitHub node ids "I_kwDO…" fail the second character, UUIDs the ninth): the
            // issues body's 16- and 36-character member values then never make the call.
            if (c == ':' && HasKeyRemainderShape(text, rs, re))
            {
                JsonMemberSplitBeforeRun(text, k, rs, re, ref st, layer);
            }

            return;
        }

        JoinFromPrefixedValueBefore(text, k, ref st, layer);
    }

    /// <summary>
    /// Back over JSON separators from <paramref name="k"/> (<c>,</c>, blanks) to the closing quote of the value before:
    /// when that value is a string of 3–15 characters starting with a credential prefix, the values from it on are
    /// joined and scanned (<see cref="ScanJsonJoin"/>).
    /// </summary>
    private void JoinFromPrefixedValueBefore(ReadOnlySpan<char> text, int k, ref ScanState st, in Layer layer)
    {
        k = SkipJsonSeparatorsBack(text, k);
        if (k < 4 || text[k] != '"')
        {
            return;
        }

        int vfrom = Math.Max(0, k - 16);
        int open = text[vfrom..k].LastIndexOf('"');
        if (open < 0 || k - (vfrom + open) - 1 < 3 || !StartsWithCredentialPrefix(text[(vfrom + open + 1)..k]))
        {
            return;
        }

        ScanJsonJoin(text, vfrom + open, ref st, layer);
    }

    /// <summary>
    /// A rule anchor at a token run's start whose matcher failed (the token too short): when the run is a whole JSON
    /// string (a quote on both sides), the string values from it on are joined and scanned (<see cref="ScanJsonJoin"/>).
    /// </summary>
    private void JsonSplitAfterAnchor(ReadOnlySpan<char> text, int at, int rs, int re, ref ScanState st, in Layer layer)
    {
        if (at == rs && rs > 0 && text[rs - 1] == '"' && re < text.Length && text[re] == '"' && st.Depth < MaxDeepLayers)
        {
            ScanJsonJoin(text, rs - 1, ref st, layer);
        }
    }

    /// <summary>
    /// A member value that is a whole token run (<paramref name="rs"/>..<paramref name="re"/>, the <c>:</c> before it at
    /// <paramref name="colon"/>; ninth issue-16 round): when it has the length and alphabet of what follows a common
    /// vendor prefix — 16 of <c>[A-Z2-7]</c> (after <c>AKIA</c>/<c>ASIA</c>), 34–36 (after <c>hf_</c>, <c>AIza</c>,
    /// <c>ghp_</c>…<c>npm_</c>; not a UUID), 82 with <c>_</c> at 22 (after <c>github_pat_</c>) — the member before it is
    /// looked at, and when its value is a string of 3–15 characters that starts with a credential prefix
    /// (<c>{"a": "ghp_", "b": "…"}</c>, <c>{"p": "AKIA", "r": "…"}</c>) the values from it on are joined and scanned
    /// (<see cref="ScanJsonJoin"/>). The eighth round walked back from every long member value (about 230 per 64 KiB of
    /// an issues export) and cost 2–3 %; the length and a few character compares leave almost none of them
    /// (GitHub node ids <c>I_kwDO…</c> have <c>_</c> second, UUIDs <c>-</c> ninth).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)] // rare: kept out of JsonSplitBeforeRun, which runs for every quoted long value
    private void JsonMemberSplitBeforeRun(ReadOnlySpan<char> text, int colon, int rs, int re, ref ScanState st, in Layer layer)
    {
        if (re >= text.Length || text[re] != '"' || st.Depth >= MaxDeepLayers)
        {
            return;
        }

        // The member name's closing quote before the ':' (blanks allowed), then its opening quote (names up to 64).
        int q = colon - 1;
        while (q > 0 && text[q] is ' ' or '\t')
        {
            q--;
        }

        if (q < 6 || text[q] != '"')
        {
            return;
        }

        int from = Math.Max(0, q - 65);
        int nameOpen = text[from..q].LastIndexOf('"');
        if (nameOpen < 0)
        {
            return;
        }

        JoinFromPrefixedValueBefore(text, from + nameOpen - 1, ref st, layer);
    }

    /// <summary>
    /// True when the token run <paramref name="rs"/>..<paramref name="re"/> has the length and alphabet of what follows a
    /// common vendor prefix (see <see cref="JsonMemberSplitBeforeRun"/>): 16 of <c>[A-Z2-7]</c>, 34–36 that is not a
    /// UUID, 82 with <c>_</c> at 22.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool HasKeyRemainderShape(ReadOnlySpan<char> text, int rs, int re) => (re - rs) switch
    {
        16 => IsAwsIdTail(text[rs + 1]) && IsAwsIdTail(text[rs]) && IsAwsIdTail(text[rs + 15]),
        34 or 35 or 36 => text[rs + 8] != '-',
        82 => text[rs + 22] == '_',
        _ => HasOtherKeyRemainderShape(text, rs, re), // DlpEngine.Tenth.cs: after sk_live_, glpat-, xoxb-
    };

    /// <summary>A character of an AWS access key id after its prefix (<c>[A-Z2-7]</c>, base32).</summary>
    private static bool IsAwsIdTail(char c) => char.IsAsciiLetterUpper(c) || c is >= '2' and <= '7';

    /// <summary>Is <paramref name="v"/> one of the common credential prefixes followed by nothing or by token characters?</summary>
    private static bool StartsWithCredentialPrefix(ReadOnlySpan<char> v)
    {
        if (v.IsEmpty || v[0] is not ('g' or 'A' or 's' or 'r' or 'x' or 'n' or 'h'))
        {
            return false; // the first characters of ObfuscatedAnchors
        }

        foreach (var (prefix, _) in ObfuscatedAnchors)
        {
            if (v.StartsWith(prefix, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>From <paramref name="k"/> backwards over JSON whitespace, <c>,</c>, <c>{</c>, <c>}</c>, <c>[</c>, <c>]</c> (at most 8); the first other position, or −1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int SkipJsonSeparatorsBack(ReadOnlySpan<char> text, int k)
    {
        for (int n = 0; k >= 0 && n < 8 && text[k] is ' ' or '\t' or '\r' or '\n' or ',' or '{' or '}' or '[' or ']'; n++)
        {
            k--;
        }

        return k >= 0 && text[k] is not (' ' or '\t' or '\r' or '\n' or ',' or '{' or '}' or '[' or ']') ? k : -1;
    }

    /// <summary>From <paramref name="k"/> forwards over the separators of <see cref="SkipJsonSeparatorsBack"/> (at most 8); the first other position, or −1.</summary>
    private static int SkipJsonSeparators(ReadOnlySpan<char> text, int k)
    {
        for (int n = 0; k < text.Length && n < 8 && text[k] is ' ' or '\t' or '\r' or '\n' or ',' or '{' or '}' or '[' or ']'; n++)
        {
            k++;
        }

        return k < text.Length && text[k] is not (' ' or '\t' or '\r' or '\n' or ',' or '{' or '}' or '[' or ']') ? k : -1;
    }

    /// <summary>
    /// Joins the JSON string value whose opening quote is at <paramref name="open"/> with up to
    /// <see cref="MaxJsonPieces"/> − 1 following string values — array elements, or member values (their names
    /// skipped, and members with number, <c>true</c>, <c>false</c> or <c>null</c> values passed over), across the
    /// newlines of NDJSON — and scans the join as one layer (encoding <c>concat</c>) spanning from the first value's
    /// opening quote to the last one's closing quote. Values are taken while they hold only base64/base64url
    /// characters (<c>[A-Za-z0-9+/_=-]</c>, no escapes, up to <see cref="MaxJsonPiece"/>) and do not themselves start
    /// with a credential prefix (<c>["sk_live_orders", "sk_live_refunds", …]</c> are names, each its own start); the
    /// join is scanned only when a following value has a digit or both cases (a list of words —
    /// <c>["ghp_", "alpha", "beta", …]</c> — is not a key), and is 16+ characters. Returns the position after the last
    /// value taken (the walk's end). <paramref name="maxPiece"/>: the longest value taken (15 from a prefix that starts a
    /// short piece, <see cref="ScanShortPieces"/>: a longer value after a prefix alone is the member look-back's, which
    /// checks its shape first).
    /// </summary>
    private int ScanJsonJoin(ReadOnlySpan<char> text, int open, ref ScanState st, in Layer layer, int maxPiece = MaxJsonPiece)
    {
        Span<(int S, int E)> pieces = stackalloc (int, int)[MaxJsonPieces];
        int count = 0, total = 0, end = open;
        bool dataFollows = false;
        int i = open + 1, prose = 0;
        while (count < MaxJsonPieces)
        {
            int limit = Math.Min(text.Length, i + maxPiece + 1);
            int close = text[i..limit].IndexOfAnyExcept(s_jsonPieceChars);
            if (close >= 0 && count > 0 && prose < MaxProseBetweenPieces && text[i + close] == ' ' && SkipProseValue(text, i) is int next and >= 0)
            {
                // r33: a value of words between the pieces ({"a": "ghp_…", "note": "hello world", "b": "…"}) is passed
                // over, not the join's end: no token holds a blank.
                prose++;
                i = next + 1;
                continue;
            }

            if (close < 0 || text[i + close] != '"' || (close == 0 && count == 0))
            {
                break;
            }

            var piece = text.Slice(i, close);
            if (count > 0)
            {
                if (StartsWithCredentialPrefix(piece))
                {
                    break; // another prefixed value starts its own join (a list of names such as "sk_live_orders")
                }

                dataFollows |= piece.ContainsAnyInRange('0', '9') || (piece.ContainsAnyInRange('a', 'z') && piece.ContainsAnyInRange('A', 'Z'));
            }

            pieces[count++] = (i, i + close);
            total += close;
            end = i + close + 1;

            // The next string value: over separators, member names and non-string member values.
            int k = NextJsonString(text, end);
            if (k < 0)
            {
                break;
            }

            i = k + 1;
        }

        if (count < 2 || !dataFollows || total < 16 || st.Full)
        {
            return end;
        }

        ScanJoinedPieces(text, pieces[..count], total, open, end - open, ref st, layer); // DlpEngine.Decoders.cs
        return end;
    }

    /// <summary>String values of words passed over between the pieces of a join, at most (<see cref="ScanJsonJoin"/>).</summary>
    private const int MaxProseBetweenPieces = 2;

    /// <summary>
    /// The string value starting at <paramref name="i"/> (after its opening quote) holds a blank: the opening quote of
    /// the next string value after it (<see cref="NextJsonString"/>), or −1 when it does not close within
    /// <see cref="MaxJsonPiece"/> characters without an escape, or no string value follows.
    /// </summary>
    private static int SkipProseValue(ReadOnlySpan<char> text, int i)
    {
        var rest = text[i..Math.Min(text.Length, i + MaxJsonPiece)];
        int close = rest.IndexOfAny('"', '\\');
        return close < 0 || rest[close] != '"' ? -1 : NextJsonString(text, i + close + 1);
    }

    /// <summary>The opening quote of the next string value after position <paramref name="k"/> (a value's end), or −1: over separators, over a member name and its <c>:</c>, and over up to 4 members whose values are numbers or literals.</summary>
    private static int NextJsonString(ReadOnlySpan<char> text, int k)
    {
        for (int skipped = 0; skipped <= 4; skipped++)
        {
            k = SkipJsonSeparators(text, k);
            if (k < 0 || text[k] != '"')
            {
                return -1;
            }

            // A member name is a string followed by ':'.
            int limit = Math.Min(text.Length, k + 66);
            int close = text[(k + 1)..limit].IndexOf('"');
            if (close < 0)
            {
                return k; // a long value: the caller reads it
            }

            int after = k + 1 + close + 1;
            while (after < text.Length && text[after] is ' ' or '\t')
            {
                after++;
            }

            if (after >= text.Length || text[after] != ':')
            {
                return k; // a value
            }

            after++;
            while (after < text.Length && text[after] is ' ' or '\t' or '\r' or '\n')
            {
                after++;
            }

            if (after < text.Length && text[after] == '"')
            {
                return after;
            }

            // A number or literal: passed over to the next separator.
            int stop = after < text.Length ? text[after..Math.Min(text.Length, after + 32)].IndexOfAny(',', '}', ']') : -1;
            if (stop <= 0)
            {
                return -1;
            }

            k = after + stop;
        }

        return -1;
    }

    private static readonly SearchValues<char> s_jsonPieceChars =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_+/=-");

    // ---- RFC 2047 Q encoded-words -----------------------------------------------------------------------------------

    /// <summary>An encoded-word is at most 75 characters (RFC 2047 §2); a little more is searched for its start.</summary>
    private const int EncodedWordReach = 80;

    /// <summary>
    /// A token run at <paramref name="rs"/> right after <c>=XX</c> or right after
    /// <c>?Q?</c>: when it lies in an RFC 2047 <c>Q</c> encoded-word (<c>=?charset?Q?text?=</c>, §2, §4.2: <c>_</c>
    /// is a space, <c>=XX</c> a byte in hex), the word and the encoded-words adjacent to it (only whitespace between
    /// them, which §6.2 says to drop) are decoded (bytes as UTF-8) and scanned as one layer (encoding
    /// <c>q-encoding</c>) spanning the words. <c>B</c> words are base64 and found as such.
    /// </summary>
    private void CheckEncodedWord(ReadOnlySpan<char> text, int rs, ref ScanState st, in Layer layer, ref RunContext ctx)
    {
        if (rs < ctx.EncodedWordSkipUntil || st.Depth >= MaxDeepLayers)
        {
            return;
        }

        int from = Math.Max(0, rs - EncodedWordReach);
        int start = text[from..rs].LastIndexOf("=?", StringComparison.Ordinal);
        if (start < 0 || !EncodedWordText(text, from + start, out int ts, out int te) || rs < ts || rs > te)
        {
            return;
        }

        start += from;
        byte[] bytes = ArrayPool<byte>.Shared.Rent(4096);
        try
        {
            int n = 0, end = start, w = start;
            for (int words = 0; words < 64 && EncodedWordText(text, w, out ts, out te); words++)
            {
                for (int i = ts; i < te && n < bytes.Length; i++)
                {
                    char c = text[i];
                    if (c == '=' && i + 2 < te && char.IsAsciiHexDigit(text[i + 1]) && char.IsAsciiHexDigit(text[i + 2]))
                    {
                        bytes[n++] = (byte)((QHexValue(text[i + 1]) << 4) | QHexValue(text[i + 2]));
                        i += 2;
                    }
                    else
                    {
                        bytes[n++] = c == '_' ? (byte)' ' : (byte)Math.Min((int)c, 0x7f);
                    }
                }

                end = te + 2;
                w = end;
                while (w < text.Length && text[w] is ' ' or '\t' or '\r' or '\n')
                {
                    w++;
                }
            }

            ctx.EncodedWordSkipUntil = end;
            ScanDecoded(bytes.AsSpan(0, n), start, end - start, DlpEncodings.QEncoding, ref st, layer);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    /// <summary>
    /// Is there a <c>Q</c> encoded-word at <paramref name="at"/> (<c>=?charset?Q?text?=</c>, the charset up to 40
    /// characters of <c>[A-Za-z0-9_*-]</c> with an optional RFC 2231 <c>*language</c>)? Out: [<paramref name="ts"/>,
    /// <paramref name="te"/>) is the encoded text, <paramref name="te"/> the position of the closing <c>?=</c>.
    /// </summary>
    private static bool EncodedWordText(ReadOnlySpan<char> text, int at, out int ts, out int te)
    {
        ts = te = -1;
        if (at + 8 > text.Length || text[at] != '=' || text[at + 1] != '?')
        {
            return false;
        }

        int q = at + 2;
        while (q < text.Length && q - at < 42 && (char.IsAsciiLetterOrDigit(text[q]) || text[q] is '-' or '_' or '*'))
        {
            q++;
        }

        if (q == at + 2 || q + 3 > text.Length || text[q] != '?' || (text[q + 1] | 0x20) != 'q' || text[q + 2] != '?')
        {
            return false;
        }

        ts = q + 3;
        int close = text[ts..Math.Min(text.Length, ts + MaxEncodedText)].IndexOf("?=", StringComparison.Ordinal);
        if (close < 0 || text[ts..(ts + close)].ContainsAny(s_encodedWordStops))
        {
            return false;
        }

        te = ts + close;
        return true;
    }

    /// <summary>The longest encoded text read in one word (256 characters): RFC 2047 allows 75 for the whole word, senders that ignore it write longer ones; the bound keeps the search for <c>?=</c> short when a run start has <c>=?</c> before it but no word.</summary>
    private const int MaxEncodedText = 256;

    private static readonly SearchValues<char> s_encodedWordStops = SearchValues.Create(" \t\r\n?");

    private static int QHexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}
