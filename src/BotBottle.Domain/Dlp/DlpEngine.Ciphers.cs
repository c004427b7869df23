namespace BotBottle.Dlp;

/// <summary>
/// Red team 12's classical ciphers and character games on a whole token (fourteenth issue-16 round): a Caesar shift of
/// the letters (<c>hiq_Sc7X…</c> is <c>ghp_Rb7W…</c> shifted by one), Atbash (<c>tsk_Iy7D…</c>), the case of every
/// letter swapped (<c>GHP_rB7w…</c>, Python <c>str.swapcase()</c>), and every character written twice
/// (<c>AAKKIIAATTSS…</c>). They extend the reversed / ROT13 anchors (<see cref="ObfuscatedAnchors"/>): each transformed
/// prefix is one more prefilter literal, so finding them costs nothing per position (the trigram Bloom filter's cost
/// does not grow with the number of literals), and a hit undoes the transform on a window of its token run
/// (<see cref="ObfuscatedWindow"/>) and runs the rule's own matcher there.
/// <list type="bullet">
/// <item>A substitution can turn any four letters into a prefix (<c>now_</c> is <c>ghp_</c> shifted by 7), so Caesar,
/// Atbash and swapped case are tried only for the prefixes whose tokens carry a checksum — GitHub's
/// <c>ghp_ gho_ ghu_ ghs_ ghr_</c> and npm's <c>npm_</c>, the base62 CRC-32 of the 30 random characters in the last 6
/// (https://github.blog/2021-04-05-behind-githubs-new-authentication-token-formats/,
/// https://github.blog/2021-09-23-announcing-npms-new-access-token-format/) — and reported only when it verifies once the
/// transform is undone: a random run passes 1 time in 62^6.</item>
/// <item>A doubled prefix (<c>gghhpp__</c>, <c>AAKKIIAA</c>) is a shape ordinary text does not hold; it is tried for
/// every prefix of <see cref="ObfuscatedAnchors"/>, and the token is reported as its rule reports it (an AWS key id has no
/// checksum), when every character of the token is doubled.</item>
/// </list>
/// Each kind bounds its own work, with no skip window shared with the reversed / ROT13 literals, so a decoy of one kind
/// (<c>now_</c>) cannot hide a token of another after it in the same run: a Caesar or Atbash hit undoes
/// <see cref="CipherWindow"/> characters; a doubled stretch is undoubled once; a run holding reversed base64 is read
/// backwards once.
/// ROT47 (its output holds <c>#</c>, <c>(</c>, <c>|</c> and quotes, which cut the token into runs the prefilter does not
/// read) is found only where a layer starts (<see cref="ScanRot47Layer"/>). Not found: Caesar/Atbash of tokens without a checksum (AWS, Stripe, Slack…), and other shifts of
/// digits.
/// </summary>
public sealed partial class DlpEngine
{
    /// <summary>Characters from a Caesar or Atbash hit that are undone: a GitHub or npm token is 40, one more shows its end.</summary>
    private const int CipherWindow = 41;

    /// <summary>The prefixes whose tokens carry a CRC-32 that <see cref="TokenRule.Validates"/> checks: the only ones tried under a letter substitution.</summary>
    private static readonly string[] s_checksummedPrefixes = ["ghp_", "gho_", "ghu_", "ghs_", "ghr_", "npm_"];

    /// <summary>
    /// The cipher and doubled literals of one prefix of <see cref="ObfuscatedAnchors"/> (see the type's remarks): Caesar
    /// shifts 1–25 but 13 and Atbash for a checksummed prefix, the doubled prefix for every one.
    /// </summary>
    /// <param name="prefix">The prefix (<c>ghp_</c>).</param>
    /// <param name="owner">The rule's index.</param>
    /// <param name="anchor">The rule's anchor the prefix extends or is.</param>
    /// <returns>The literals.</returns>
    private static IEnumerable<Literal> CipherLiterals(string prefix, int owner, string anchor)
    {
        if (prefix.Length >= 2)
        {
            yield return new Literal { Text = string.Create(prefix.Length * 2, prefix, static (d, p) => { for (int k = 0; k < p.Length; k++) { d[2 * k] = d[(2 * k) + 1] = p[k]; } }), Kind = LiteralKind.RuleDoubled, Owner = owner, Anchor = anchor };
        }

        if (prefix.Length >= 4)
        {
            foreach (var (_, _, core) in LiteralTable.Base64Cores(System.Text.Encoding.ASCII.GetBytes(prefix)))
            {
                var rev = core.ToCharArray();
                Array.Reverse(rev);
                yield return new Literal { Text = new string(rev), Kind = LiteralKind.RuleReversedBase64, Owner = owner, Anchor = anchor };
            }
        }

        if (Array.IndexOf(s_checksummedPrefixes, prefix) < 0)
        {
            yield break;
        }

        for (int shift = 1; shift < 26; shift++)
        {
            if (shift != 13)
            {
                yield return new Literal { Text = Substitute(prefix, shift), Kind = LiteralKind.RuleCipher, Owner = owner, Anchor = anchor, Shift = shift };
            }
        }

        yield return new Literal { Text = Substitute(prefix, -1), Kind = LiteralKind.RuleCipher, Owner = owner, Anchor = anchor, Shift = -1 };
    }

    /// <summary>
    /// Applies a letter substitution to <paramref name="s"/>: a Caesar shift by <paramref name="shift"/> (1–25; 26 −
    /// shift undoes it) or, for −1, Atbash (its own inverse). Digits and other characters are kept.
    /// </summary>
    private static string Substitute(ReadOnlySpan<char> s, int shift)
    {
        var r = new char[s.Length];
        for (int k = 0; k < s.Length; k++)
        {
            char c = s[k];
            char b = c is >= 'a' and <= 'z' ? 'a' : c is >= 'A' and <= 'Z' ? 'A' : '\0';
            r[k] = b == '\0' ? c : shift < 0 ? (char)(b + 25 - (c - b)) : (char)(b + ((c - b + shift) % 26));
        }

        return new string(r);
    }

    /// <summary>
    /// A cipher or doubled literal at <paramref name="i"/> in the run <paramref name="rs"/> … <paramref name="re"/>:
    /// undoes the transform on a window of the run and runs the rule's matcher there (see the type's remarks).
    /// </summary>
    private void HandleCipher(ReadOnlySpan<char> text, int i, Literal lit, int rs, int re, ref ScanState st, in Layer layer, ref RunContext ctx)
    {
        var rule = _rules[lit.Owner];
        if (rule.Trigger != RuleTrigger.Anchor)
        {
            return;
        }

        if (lit.Kind == LiteralKind.RuleReversedBase64)
        {
            // The whole run is read on its first hit, so no hit of another kind (a now_ decoy) can hide it.
            if (i >= ctx.ReversedBase64Until)
            {
                ctx.ReversedBase64Until = re;
                ScanReversedBase64(text, rs, re, ref st, layer);
            }

            return;
        }

        if (lit.Kind == LiteralKind.RuleDoubled)
        {
            if (i < ctx.DoubledUntil)
            {
                return; // inside a doubled stretch already undoubled
            }

            // Undouble from the prefix on while the pairs hold: the token is where they stop.
            int end = Math.Min(re, i + (2 * ObfuscatedWindow));
            var plain = new char[(end - i) / 2];
            int n = 0, k = i;
            for (; k + 1 < end && text[k] == text[k + 1]; k += 2)
            {
                plain[n++] = text[k];
            }

            ctx.DoubledUntil = k;

            if (rule.Matcher(plain.AsSpan(0, n), 0, out int s, out int len))
            {
                ReportRule(ref st, layer, rule, i + (2 * s), 2 * len, DlpEncodings.Doubled, lit.Text, 2 * len, rule.Validates(plain.AsSpan(s, len)));
            }

            return;
        }

        // A substituted prefix is often an ordinary word piece (now_), so each hit is handled on its own, with a window
        // just past the longest checksummed token (40 characters), and no skip window that a decoy could spend.
        int ws = Math.Max(rs, i - 1), we = Math.Min(re, i + CipherWindow);
        string undone = Substitute(text[ws..we], lit.Shift < 0 ? -1 : 26 - lit.Shift);
        if (rule.Validator is not null && rule.Matcher(undone, i - ws, out int cs, out int clen) && rule.Validates(undone.AsSpan(cs, clen)))
        {
            ReportRule(ref st, layer, rule, ws + cs, clen, lit.Shift < 0 ? DlpEncodings.Atbash : DlpEncodings.Caesar, lit.Anchor!, clen, true);
        }
    }

    /// <summary>
    /// Beginnings of a layer that, written in ROT47, start a ROT47 layer (<see cref="ScanRot47Layer"/>): the prefixes of
    /// <see cref="ObfuscatedAnchors"/> and the first words of credential files (<c>.env</c> dumps, <c>~/.aws/credentials</c>,
    /// PEM keys, <c>export</c> lines).
    /// </summary>
    /// <remarks>A nested type, so that it is built after <see cref="ObfuscatedAnchors"/> (static fields of partial files initialise in no set order).</remarks>
    private static class Rot47Heads
    {
        /// <summary>The heads, in ROT47.</summary>
        public static readonly string[] All =
        [
            .. ObfuscatedAnchors.Select(a => Rot47(a.Prefix)).Where(h => h.Length >= 3),
            .. CredentialFileHeads.Select(Rot47),
        ];

        /// <summary>The first characters of <see cref="All"/>: a layer starting with none of them is left at one compare.</summary>
        public static readonly System.Buffers.SearchValues<char> First = System.Buffers.SearchValues.Create(string.Concat(All.Select(h => h[0]).Distinct()));
    }

    /// <summary>The most characters of a layer read as ROT47.</summary>
    private const int MaxRot47 = 4096;

    /// <summary>
    /// ROT47 (each of <c>!</c>–<c>~</c> rotated by 47 among those 94; its own inverse; the characters <c>tr '!-~' 'P-~!-O'</c>
    /// maps) of <paramref name="s"/>. Blanks and other characters are kept.
    /// </summary>
    private static string Rot47(string s) => string.Create(s.Length, s, static (d, src) =>
    {
        for (int k = 0; k < src.Length; k++)
        {
            char c = src[k];
            d[k] = c is >= '!' and <= '~' ? (char)('!' + ((c - '!' + 47) % 94)) : c;
        }
    });

    /// <summary>
    /// A layer of text written in ROT47 as a whole (red team 12's J18: <c>89A0#3f(s||#_3…</c> is <c>ghp_Rb7W…</c>).
    /// ROT47 turns a third of a token's characters into punctuation, which cuts it into runs too short for the prefilter,
    /// so it is found where an agent's encoded body starts instead: when the layer (after leading blanks) begins with one
    /// of <see cref="Rot47Heads"/>, its first <see cref="MaxRot47"/> characters are rotated back and scanned as a layer
    /// one level deeper (<see cref="DlpEncodings.Rot47"/>), where every rule applies. One compare per layer otherwise.
    /// Not found: ROT47 text that starts anywhere else in a layer.
    /// </summary>
    private void ScanRot47Layer(ReadOnlySpan<char> text, ref ScanState st, in Layer layer)
    {
        int s = 0;
        while (s < text.Length && s < 64 && char.IsWhiteSpace(text[s]))
        {
            s++;
        }

        if (s >= text.Length || !Rot47Heads.First.Contains(text[s]))
        {
            return;
        }

        var rest = text[s..];
        foreach (var head in Rot47Heads.All)
        {
            if (rest.StartsWith(head, StringComparison.Ordinal))
            {
                var piece = rest[..Math.Min(rest.Length, MaxRot47)];
                ScanDecodedChars(Rot47(piece.ToString()), s, piece.Length, DlpEncodings.Rot47, ref st, layer);
                return;
            }
        }
    }

    /// <summary>The longest token run read backwards as base64 (characters): a token of every rule fits many times over.</summary>
    private const int MaxReversedBase64 = 4096;

    /// <summary>
    /// A token run [<paramref name="rs"/>, <paramref name="re"/>) that holds the reversed base64 of a credential prefix:
    /// the run (up to <see cref="MaxReversedBase64"/> characters) is read backwards (its <c>=</c> padding, sent in front,
    /// is then at the end, where it belongs), decoded as base64 (or base64url) and scanned as a layer (<see cref="DlpEncodings.ReversedBase64"/>,
    /// findings span the run). A run that does not decode is left alone.
    /// </summary>
    private void ScanReversedBase64(ReadOnlySpan<char> text, int rs, int re, ref ScanState st, in Layer layer)
    {
        if (re - rs > MaxReversedBase64)
        {
            return;
        }

        Span<char> chars = stackalloc char[re - rs + 3];
        int n = 0;
        for (int k = re - 1; k >= rs; k--)
        {
            chars[n++] = text[k] switch { '-' => '+', '_' => '/', var c => c };
        }

        while (n > 0 && chars[n - 1] == '=')
        {
            n--;
        }

        while (n % 4 != 0)
        {
            chars[n++] = '=';
        }

        Span<byte> bytes = stackalloc byte[(n / 4 * 3) + 3];
        if (Convert.TryFromBase64Chars(chars[..n], bytes, out int written))
        {
            ScanDecoded(bytes[..written], rs, re - rs, DlpEncodings.ReversedBase64, ref st, layer);
        }
    }

    /// <summary>
    /// An upper-cased prefix (<c>GHP_</c>) whose token holds lower-case letters, so it was not upper-cased as a whole
    /// (<see cref="HandleUpperCased"/>): the case of every letter in the window [<paramref name="ws"/>,
    /// <paramref name="we"/>) is swapped back and, for a checksummed rule whose checksum then verifies, the token is
    /// reported (encoding <see cref="DlpEncodings.SwapCase"/>).
    /// </summary>
    private static void TrySwappedCase(ReadOnlySpan<char> text, int ws, int we, int at, TokenRule rule, Literal lit, ref ScanState st, in Layer layer)
    {
        if (rule.Validator is null || Array.IndexOf(s_checksummedPrefixes, lit.Text.ToLowerInvariant()) < 0)
        {
            return;
        }

        var chars = new char[we - ws];
        for (int k = 0; k < chars.Length; k++)
        {
            char c = text[ws + k];
            chars[k] = char.IsAsciiLetter(c) ? (char)(c ^ 0x20) : c;
        }

        if (rule.Matcher(chars, at, out int s, out int len) && rule.Validates(chars.AsSpan(s, len)))
        {
            ReportRule(ref st, layer, rule, ws + s, len, DlpEncodings.SwapCase, lit.Text, len, true);
        }
    }
}
