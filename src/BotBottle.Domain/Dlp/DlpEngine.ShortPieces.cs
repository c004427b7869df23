using System.Buffers;

namespace BotBottle.Dlp;

/// <summary>
/// Red team 12's short-piece family (thirteenth issue-16 round): a vendor key cut into pieces of 10 characters or fewer —
/// JSON array elements or member values (<c>["ghp_Rb7W", "DMMR0bjI", …]</c>, <c>{"f0": "AKIA", "f1": "TSZJ", …}</c>),
/// string literals glued by code (<c>"ghp_Rb7WDM" + "MR0b…"</c>, <c>["…","…"].join("")</c>), lines folded at 10 columns
/// (<c>fold -w 10</c>), and a prefix kept in a shell or Python variable (<c>A=AKIA</c> … <c>$A$B</c>,
/// <c>T="${P}…"</c>, <c>f"{p}…"</c>). None of the pieces is a token run of 16+ characters, so the hot path's anchor
/// search (inside such runs) never stops there. Here one vectorised search of the layer for the common credential
/// prefixes (<see cref="s_shortPieceCores"/>: three characters of each that ordinary text rarely holds) finds a prefix
/// that starts a piece of fewer than 16 token characters; from there the existing walks join the pieces that follow — JSON values
/// (<see cref="ScanJsonJoin"/>), quoted literals (<see cref="QuotedChunks"/>), equal chunks with a separator
/// (<see cref="SeparatedChunks"/>) — or the variable references are resolved (<see cref="JoinVariableReferences"/>),
/// and the join is scanned as a <c>concat</c> layer, where only the vendor's own rule (with its checksum where it has
/// one) can report it. Code that names the prefixes (<c>startswith("ghp_")</c>, a scanner's prefix list, prose) joins
/// to nothing a rule matches. Each walk is bounded and the search resumes after what it walked, so the work stays
/// linear in the layer.
/// </summary>
public sealed partial class DlpEngine
{
    /// <summary>A piece that starts with a prefix and is this long or longer is a token run the hot path reads (characters).</summary>
    private const int ShortPieceMax = 16;

    /// <summary>The most characters after a prefix's assignment in which its variable's references are looked for.</summary>
    private const int VariableWindow = 256;

    /// <summary>
    /// The common credential prefixes (the "Reversed and ROT13 tokens" list): GitHub
    /// (https://github.blog/2021-04-05-behind-githubs-new-authentication-token-formats/), AWS key ids
    /// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-unique-ids), Stripe,
    /// Anthropic, OpenAI, Slack, Google, GitLab, npm; each with the offset of its <see cref="s_shortPieceCores"/> entry.
    /// </summary>
    private static readonly (string Prefix, int Core)[] s_shortPiecePrefixes =
    [
        ("ghp_", 1), ("gho_", 1), ("ghu_", 1), ("ghs_", 1), ("ghr_", 1), ("github_pat_", 5), ("AKIA", 0), ("ASIA", 0), ("sk_live_", 1),
        ("sk_test_", 1), ("rk_live_", 1), ("sk-ant-", 1), ("sk-proj-", 1), ("xoxb-", 2), ("xoxp-", 2), ("AIza", 0), ("glpat-", 3), ("npm_", 1),
    ];

    /// <summary>
    /// What is searched for: three characters of each prefix of <see cref="s_shortPiecePrefixes"/>, taken where one of
    /// them is <c>_</c>, <c>-</c> or an upper-case letter (<c>hp_</c> of <c>ghp_</c>, <c>k_l</c> of <c>sk_live_</c>,
    /// <c>AKI</c>). .NET's multi-string search (Teddy) tests the low and high nibble of each of a pattern's first three
    /// characters; lower-case letters all have the high nibble 6 or 7, so a pattern of three lower-case letters matches
    /// ordinary prose and code nearly everywhere and each candidate needs a verification, while one whose high nibbles are
    /// 5, 4 or 2 rarely does. The whole prefix is then compared (<see cref="ShortPiecePrefixAt"/>). One ordinal pass per
    /// layer.
    /// </summary>
    private static readonly SearchValues<string> s_shortPieceCores = SearchValues.Create(
        ["hp_", "ho_", "hu_", "hs_", "hr_", "b_pat_", "AKIA", "ASIA", "k_live_", "k_test_", "k-ant-", "k-proj-", "xb-", "xp-", "AIza", "at-", "pm_"],
        StringComparison.Ordinal);

    /// <summary>The start of the credential prefix whose core <see cref="s_shortPieceCores"/> found at <paramref name="q"/>, or −1.</summary>
    private static int ShortPiecePrefixAt(ReadOnlySpan<char> text, int q)
    {
        foreach (var (prefix, core) in s_shortPiecePrefixes)
        {
            if (q >= core && text[(q - core)..].StartsWith(prefix, StringComparison.Ordinal))
            {
                return q - core;
            }
        }

        return -1;
    }

    /// <summary>
    /// Finds each common credential prefix in <paramref name="text"/> that starts a piece of fewer than
    /// <see cref="ShortPieceMax"/> token characters and joins the pieces after it (see the type's summary).
    /// </summary>
    private void ScanShortPieces(ReadOnlySpan<char> text, ref ScanState st, in Layer layer)
    {
        int i = 0, floor = 0;
        while (i < text.Length && !st.Full)
        {
            int k = text[i..].IndexOfAny(s_shortPieceCores);
            if (k < 0)
            {
                return;
            }

            int a = ShortPiecePrefixAt(text, i + k);
            i += k + 1;
            if (a < floor || (a > 0 && char.IsAsciiLetterOrDigit(text[a - 1])))
            {
                continue; // no prefix, walked already, or inside a word or a longer run
            }

            int re = a;
            while (re < text.Length && re - a < ShortPieceMax && RunScanner.IsTokenChar(text[re]))
            {
                re++;
            }

            if (re - a >= ShortPieceMax)
            {
                floor = i = Math.Max(i, re); // a token run: the hot path's anchor search reads it
                continue;
            }

            floor = Math.Max(a + 1, JoinShortPieces(text, a, re, ref st, layer));
            i = Math.Max(i, floor);
        }
    }

    /// <summary>
    /// Joins the pieces that follow the short piece [<paramref name="a"/>, <paramref name="re"/>) (which starts with a
    /// credential prefix) and scans the join. Returns the end of what was walked.
    /// </summary>
    private int JoinShortPieces(ReadOnlySpan<char> text, int a, int re, ref ScanState st, in Layer layer)
    {
        int added = st.Added, end = re;
        char before = a > 0 ? text[a - 1] : '\0';
        char after = re < text.Length ? text[re] : '\0';
        if (before is '"' or '\'' && after == before)
        {
            // A string literal: JSON values after it (array elements, member values), else literals glued by code.
            if (before == '"')
            {
                end = Math.Max(end, ScanJsonJoin(text, a - 1, ref st, layer, ShortPieceMax - 1));
            }

            if (st.Added == added && !st.Full)
            {
                end = Math.Max(end, QuotedChunks(text, a - 1, a - 1, ref st, layer, minLiterals: 2, maxLiteral: ShortPieceMax - 1));
            }
        }
        else if (re > a && IsChunkSeparator(after))
        {
            // Bare chunks: lines folded at 10 columns, groups joined by a blank or ':' ("AKIATSZJJV\n3SDAZWYHZC").
            end = Math.Max(end, SeparatedChunks(text, a, after, a, ref st, layer, anchored: true));
        }

        if (st.Added == added && !st.Full)
        {
            // A reference walk that found nothing gives back its window: other prefixes may be assigned in it.
            int walked = JoinVariableReferences(text, a, re, ref st, layer);
            end = st.Added > added ? Math.Max(end, walked) : end;
        }

        return end;
    }

    // ---- a prefix kept in a variable ------------------------------------------------------------------------------

    /// <summary>
    /// A prefix piece that is the value of an assignment — shell <c>NAME=ghp_</c> / <c>NAME="ghp_"</c> (POSIX Shell
    /// Command Language §2.9.1, variable assignments), Python <c>name = "ghp_"</c> — is looked for as a reference in the
    /// next <see cref="VariableWindow"/> characters: <c>$NAME</c>, <c>${NAME}</c> (§2.6.2 parameter expansion) or
    /// <c>{name}</c> (a Python f-string replacement field, https://docs.python.org/3/reference/lexical_analysis.html#f-strings).
    /// After the reference, token characters (<c>"${P}Rb7W…"</c>) or further references to variables assigned a token
    /// run in the window (<c>$A$B</c> with <c>B=Rb7W…</c>) are joined to the value, up to 16 pieces and 1,024
    /// characters, and the join is scanned as one <c>concat</c> layer spanning from the assignment to the last reference.
    /// Returns the end of what was walked (the assignment's value when there is no reference).
    /// </summary>
    private int JoinVariableReferences(ReadOnlySpan<char> text, int a, int re, ref ScanState st, in Layer layer)
    {
        // The name before "=" (blanks and a quote allowed between them).
        int q = a - 1;
        if (q >= 0 && text[q] is '"' or '\'')
        {
            q--;
        }

        while (q >= 0 && text[q] == ' ')
        {
            q--;
        }

        if (q < 1 || text[q] != '=' || st.Depth >= MaxDeepLayers)
        {
            return re;
        }

        int ne = q;
        while (ne > 0 && text[ne - 1] == ' ')
        {
            ne--;
        }

        int ns = ne;
        while (ns > 0 && ne - ns < 64 && IsVariableChar(text[ns - 1]))
        {
            ns--;
        }

        if (ns == ne || char.IsAsciiDigit(text[ns]) || (ns > 0 && text[ns - 1] is not (' ' or '\t' or '\n' or '\r' or ';' or '(' or '{')))
        {
            return re;
        }

        var name = text[ns..ne];
        int from = re, limit = Math.Min(text.Length, re + VariableWindow);
        int r = FindVariableReference(text, from, limit, name, out int refEnd);
        if (r < 0)
        {
            return re;
        }

        Span<char> joined = stackalloc char[SpelledMaxChars];
        int n = re - a;
        text[a..re].CopyTo(joined);
        int at = refEnd;
        for (int pieces = 1; pieces < MaxJsonPieces && n < joined.Length; pieces++)
        {
            // Token characters right after the reference: "${P}Rb7W…", f"{p}Rb7W…".
            int e = at;
            while (e < text.Length && e - at < MaxJsonPiece && IsVariableChar(text[e]))
            {
                e++;
            }

            if (e > at)
            {
                int take = Math.Min(e - at, joined.Length - n);
                text.Slice(at, take).CopyTo(joined[n..]);
                n += take;
                at = e;
                continue;
            }

            // Another reference ($B, ${B}): its variable's value, assigned in the window before it.
            if (!NextReference(text, at, out int vs, out int ve, out int next) || VariableValue(text, ns, at, text[vs..ve]) is not (int ws, int we))
            {
                break;
            }

            int len = Math.Min(we - ws, joined.Length - n);
            text.Slice(ws, len).CopyTo(joined[n..]);
            n += len;
            at = next;
        }

        if (n >= 16 && at > refEnd)
        {
            ScanDecodedChars(joined[..n], ns, at - ns, DlpEncodings.Concat, ref st, layer);
        }

        return at;
    }

    /// <summary>A character of a shell or Python variable name (<c>[A-Za-z0-9_]</c>).</summary>
    private static bool IsVariableChar(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';

    /// <summary>
    /// The first reference to <paramref name="name"/> in [<paramref name="from"/>, <paramref name="limit"/>):
    /// <c>${name}</c>, <c>{name}</c> or <c>$name</c> not followed by a name character. Returns its start (or −1) and,
    /// in <paramref name="end"/>, the position after it.
    /// </summary>
    private static int FindVariableReference(ReadOnlySpan<char> text, int from, int limit, ReadOnlySpan<char> name, out int end)
    {
        end = -1;
        for (int i = from; i < limit;)
        {
            int k = text[i..limit].IndexOfAny('$', '{');
            if (k < 0)
            {
                return -1;
            }

            int p = i + k;
            i = p + 1;
            int s = p + 1;
            bool brace = text[p] == '{';
            if (!brace && s < limit && text[s] == '{')
            {
                brace = true;
                s++;
            }

            if (s + name.Length > limit || !text.Slice(s, name.Length).SequenceEqual(name))
            {
                continue;
            }

            int e = s + name.Length;
            if (brace && e < limit && text[e] == '}')
            {
                end = e + 1;
                return p;
            }

            if (!brace && (e >= text.Length || !IsVariableChar(text[e])))
            {
                end = e;
                return p;
            }
        }

        return -1;
    }

    /// <summary>A reference <c>$NAME</c> or <c>${NAME}</c> at <paramref name="at"/>: the name's span and the position after the reference.</summary>
    private static bool NextReference(ReadOnlySpan<char> text, int at, out int ns, out int ne, out int next)
    {
        ns = ne = next = -1;
        if (at + 1 >= text.Length || text[at] != '$')
        {
            return false;
        }

        bool brace = text[at + 1] == '{';
        ns = at + (brace ? 2 : 1);
        ne = ns;
        while (ne < text.Length && ne - ns < 64 && IsVariableChar(text[ne]))
        {
            ne++;
        }

        if (ne == ns || (brace && (ne >= text.Length || text[ne] != '}')))
        {
            return false;
        }

        next = brace ? ne + 1 : ne;
        return true;
    }

    /// <summary>
    /// The value of the last assignment <c>name=value</c> / <c>name="value"</c> in [<paramref name="from"/>,
    /// <paramref name="to"/>) at a line start, after <c>;</c> or <c>export </c>: a token run of 1–512 characters
    /// (<c>[A-Za-z0-9_]</c>), or null.
    /// </summary>
    private static (int S, int E)? VariableValue(ReadOnlySpan<char> text, int from, int to, ReadOnlySpan<char> name)
    {
        for (int i = to; i > from;)
        {
            int k = text[from..i].LastIndexOf(name);
            if (k < 0)
            {
                return null;
            }

            int s = from + k;
            i = s;
            if (s > 0 && text[s - 1] is not (' ' or '\t' or '\n' or '\r' or ';'))
            {
                continue;
            }

            int eq = s + name.Length;
            if (eq >= to || text[eq] != '=')
            {
                continue;
            }

            int vs = eq + 1;
            if (vs < to && text[vs] is '"' or '\'')
            {
                vs++;
            }

            int ve = vs;
            while (ve < to && ve - vs < MaxJsonPiece && IsVariableChar(text[ve]))
            {
                ve++;
            }

            return ve > vs ? (vs, ve) : null;
        }

        return null;
    }
}
