namespace BotBottle.Dlp;

/// <summary>
/// Luhn-valid numbers that are not payment cards (second false-positive hunt): one in ten digit strings passes the
/// Luhn check (ISO/IEC 7812-1 Annex B), so in math code and number tables the check alone does not tell a card.
/// </summary>
internal static partial class BuiltInRules
{
    /// <summary>
    /// JCB's test card number as the payment processors' test-card lists print it (Stripe's, Braintree's, PayPal's): it
    /// ends in five zeros but is a card the "well-known test numbers" include (r35 red team).
    /// </summary>
    private const string JcbTestCard = "3530111333300000";

    /// <summary>
    /// True when the card-shaped number [<paramref name="s"/>, <paramref name="e"/>) is an operand of a multiplication
    /// or power (<c>4828147466240000*t**12</c>, <c>2*4111…</c>; a Markdown <c>**bold**</c> number is not one: a
    /// blank, a line break or punctuation follows its closing stars), a number of 13+ digits ending in five zeros (a
    /// product or a power of ten in math code: <c>4031078400000</c>, <c>390625000000000000</c>; a card ends so one time in
    /// 100,000), or, written in groups (<paramref name="groups"/> &gt; 1), four groups of four digits inside a longer
    /// run of four-digit groups with the same separator (<c>4002 4013 4024 4035 4045 4056</c>, a table of code points or
    /// a distribution) that is not itself a run of card numbers: a sorted run is a table; otherwise a card is reported
    /// when one extra group stands beside it (an expiry) or the run's groups are a whole number of cards, each
    /// Luhn-valid. The run also takes groups of four or five hexadecimal digits (third false-positive hunt: a
    /// code-point table such as <c>5538 552E 555C 552C 5563 5533 5541 5557</c> or <c>2542F 25430 4100 7944</c>); a run with
    /// such a group is no run of cards. An ungrouped number of 17–19 digits (the rare card lengths) is an id when
    /// another number of its length on the same line is no card (<see cref="IsIdBesideNonCardIds"/>).
    /// </summary>
    private static bool IsNumberInCodeOrList(ReadOnlySpan<char> t, int s, int e, int groups, char sep)
    {
        if (groups == 1)
        {
            return IsArithmeticOperand(t, s, e) || (t[(e - 5)..e].SequenceEqual("00000") && !t[s..e].SequenceEqual(JcbTestCard)) || IsIdBesideNonCardIds(t, s, e) || IsUnderIdName(t, s);
        }

        return groups == 4 && e - s == 19 && sep != '\0' && IsInsideNumberList(t, s, e, sep);
    }

    /// <summary>
    /// Is the ungrouped number at <paramref name="s"/> the value of a key that names an id or a code, not a card (r31 red
    /// team: <c>"tracking_number": "4696…"</c>, <c>"order_ids": [9308…, 2212…]</c>, <c>ean=…</c>)? The key is read back
    /// over the value's quote or a JSON array's earlier numbers (up to 1,024 characters), <c>:</c> or <c>=</c>, and a
    /// quote: its letters (lower case) hold <c>tracking</c>, <c>order</c>, <c>invoice</c>, <c>shipment</c>,
    /// <c>parcel</c>, <c>barcode</c>, <c>ean</c>, <c>gtin</c>, <c>upc</c>, <c>isbn</c> or <c>sku</c>, or end in
    /// <c>id</c> / <c>ids</c>, and hold neither <c>card</c> nor <c>pan</c> (<c>card_id</c>, <c>pan</c> stay cards).
    /// </summary>
    private static bool IsUnderIdName(ReadOnlySpan<char> t, int s)
    {
        int k = s, floor = Math.Max(0, s - 1024);
        while (k > floor && (char.IsAsciiDigit(t[k - 1]) || t[k - 1] is ' ' or ',' or '"' or '\'' or '[' or '\n' or '\r' or '\t'))
        {
            k--;
        }

        if (k == 0 || t[k - 1] is not (':' or '='))
        {
            return false;
        }

        k--;
        while (k > 0 && t[k - 1] is ' ' or '"' or '\'')
        {
            k--;
        }

        Span<char> name = stackalloc char[48];
        int n = 0;
        for (int j = k - 1; j >= 0 && k - j <= 48 && (char.IsAsciiLetterOrDigit(t[j]) || t[j] is '_' or '-' or '.'); j--)
        {
            if (char.IsAsciiLetter(t[j]))
            {
                name[n++] = char.ToLowerInvariant(t[j]); // reversed
            }
        }

        var key = name[..n];
        key.Reverse();
        if (key.Contains("card", StringComparison.Ordinal) || key.Contains("pan", StringComparison.Ordinal))
        {
            return false;
        }

        return key.EndsWith("id", StringComparison.Ordinal) || key.EndsWith("ids", StringComparison.Ordinal)
            || key.ContainsAny(s_idNameWords);
    }

    /// <summary>Words in a key that make a number under it an id or a code (<see cref="IsUnderIdName"/>).</summary>
    private static readonly System.Buffers.SearchValues<string> s_idNameWords = System.Buffers.SearchValues.Create(
        ["tracking", "order", "invoice", "shipment", "parcel", "barcode", "ean", "gtin", "upc", "isbn", "sku"], StringComparison.Ordinal);

    private static bool IsArithmeticOperand(ReadOnlySpan<char> t, int s, int e)
    {
        // after: "*x", "**2", "^2" (not "/": a card is a path segment, "/4111…/12")
        if (e < t.Length && t[e] is '*' or '^')
        {
            int k = e + 1;
            if (t[e] == '*' && k < t.Length && t[k] == '*')
            {
                k++;
            }

            if (k < t.Length && (char.IsAsciiLetterOrDigit(t[k]) || t[k] == '('))
            {
                return true;
            }
        }

        // before: "2*", "x**", ")^"
        if (s > 0 && t[s - 1] is '*' or '^')
        {
            int k = s - 2;
            if (t[s - 1] == '*' && k >= 0 && t[k] == '*')
            {
                k--;
            }

            return k >= 0 && (char.IsAsciiLetterOrDigit(t[k]) || t[k] == ')');
        }

        return false;
    }

    /// <summary>Is the four-group card [<paramref name="s"/>, <paramref name="e"/>) part of a longer run of four-digit groups that is not a run of cards?</summary>
    private static bool IsInsideNumberList(ReadOnlySpan<char> t, int s, int e, char sep)
    {
        // Four-digit groups, and groups of hexadecimal digits (a code-point table: third false-positive hunt).
        int before = 0, runStart = s, length;
        bool hex = false;
        while (runStart >= 5 && t[runStart - 1] == sep)
        {
            if (IsFourDigitGroup(t, runStart - 5))
            {
                length = 4;
            }
            else if ((length = HexGroupBefore(t, runStart - 1)) > 0)
            {
                hex = true;
            }
            else
            {
                break;
            }

            runStart -= length + 1;
            before++;
        }

        int after = 0, runEnd = e;
        while (runEnd + 5 <= t.Length && t[runEnd] == sep)
        {
            if (IsFourDigitGroup(t, runEnd + 1))
            {
                length = 4;
            }
            else if ((length = HexGroupAt(t, runEnd + 1)) > 0)
            {
                hex = true;
            }
            else
            {
                break;
            }

            runEnd += length + 1;
            after++;
        }

        if (before == 0 && after == 0)
        {
            return false;
        }

        if (hex)
        {
            return before + after >= 2;
        }

        // A sorted run is a table (code points, a distribution); a card followed or preceded by one more group
        // (an expiry written 1229) is still a card; otherwise only a run of cards written one after another, every
        // aligned window of four groups a card, holds cards.
        if (IsNonDecreasing(t, runStart, runEnd))
        {
            return true;
        }

        if (before % 4 != 0 || after % 4 != 0)
        {
            return before + after >= 2;
        }

        Span<byte> d = stackalloc byte[16];
        for (int w = runStart; w < runEnd; w += 20)
        {
            int n = 0;
            for (int k = w; k < w + 19; k++)
            {
                if (char.IsAsciiDigit(t[k]))
                {
                    d[n++] = (byte)(t[k] - '0');
                }
            }

            if (!IsCard(d))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The four-digit groups of the run [<paramref name="s"/>, <paramref name="e"/>) (one separator between each) never decrease.</summary>
    private static bool IsNonDecreasing(ReadOnlySpan<char> t, int s, int e)
    {
        int last = -1;
        for (int g = s; g + 4 <= e; g += 5)
        {
            int v = ((t[g] - '0') * 1000) + ((t[g + 1] - '0') * 100) + ((t[g + 2] - '0') * 10) + (t[g + 3] - '0');
            if (v < last)
            {
                return false;
            }

            last = v;
        }

        return true;
    }

    /// <summary>
    /// The length (4 or 5) of a group of hexadecimal digits with at least one letter or five digits (a code point:
    /// <c>552E</c>, <c>2542F</c>, <c>25430</c>) starting at <paramref name="i"/> between non-alphanumeric characters,
    /// or 0. Letters only count in upper case or beside a digit, so prose words (<c>face</c>, <c>dead</c>) are no
    /// group; decimal groups of four are left to <see cref="IsFourDigitGroup"/>.
    /// </summary>
    private static int HexGroupAt(ReadOnlySpan<char> t, int i)
    {
        int n = 0;
        bool digit = false, upper = false, lower = false;
        while (i + n < t.Length && n <= 5 && char.IsAsciiHexDigit(t[i + n]))
        {
            digit |= char.IsAsciiDigit(t[i + n]);
            upper |= char.IsAsciiLetterUpper(t[i + n]);
            lower |= char.IsAsciiLetterLower(t[i + n]);
            n++;
        }

        bool bounded = (i == 0 || !char.IsAsciiLetterOrDigit(t[i - 1])) && (i + n == t.Length || !char.IsAsciiLetterOrDigit(t[i + n]));
        bool codePoint = n == 5 ? digit || !lower : n == 4 && (upper || lower) && (digit || !lower) && !(upper && lower);
        return bounded && codePoint ? n : 0;
    }

    /// <summary>The length of a group for <see cref="HexGroupAt"/> that ends right before <paramref name="end"/>, or 0.</summary>
    private static int HexGroupBefore(ReadOnlySpan<char> t, int end)
    {
        int k = end;
        while (k > 0 && end - k <= 5 && char.IsAsciiHexDigit(t[k - 1]))
        {
            k--;
        }

        return end - k is 4 or 5 && HexGroupAt(t, k) == end - k ? end - k : 0;
    }

    /// <summary>
    /// True when the ungrouped number [<paramref name="s"/>, <paramref name="e"/>) has 17–19 digits (lengths only some
    /// Visa, Discover, JCB, UnionPay and Diners numbers have) and another number of exactly its length, on the same line
    /// within 256 characters, is no card: a list of 64-bit ids (<c>(4851313991485447985,4295098369,"…")</c> in an
    /// <c>ioreg</c> dump), in which one id in ten passes the Luhn check. Cards listed together are each cards.
    /// </summary>
    private static bool IsIdBesideNonCardIds(ReadOnlySpan<char> t, int s, int e)
    {
        int n = e - s;
        if (n < 17)
        {
            return false;
        }

        Span<byte> d = stackalloc byte[19];
        int from = Math.Max(0, s - 256), to = Math.Min(t.Length, e + 256);
        for (int k = from; k < to; k++)
        {
            if (t[k] is '\n' or '\r')
            {
                if (k < s)
                {
                    from = k + 1;
                    continue;
                }

                break;
            }

            if (!char.IsAsciiDigit(t[k]) || (k > 0 && char.IsAsciiLetterOrDigit(t[k - 1])) || k == s)
            {
                continue;
            }

            int m = k;
            while (m < t.Length && char.IsAsciiDigit(t[m]))
            {
                m++;
            }

            if (m - k == n && (m == t.Length || !char.IsAsciiLetter(t[m])))
            {
                for (int j = 0; j < n; j++)
                {
                    d[j] = (byte)(t[k + j] - '0');
                }

                if (!IsCard(d[..n]))
                {
                    return true;
                }
            }

            k = m;
        }

        return false;
    }

    /// <summary>Exactly four digits at <paramref name="i"/>, not preceded or followed by another digit or a letter.</summary>
    private static bool IsFourDigitGroup(ReadOnlySpan<char> t, int i) =>
        i >= 0 && i + 4 <= t.Length && char.IsAsciiDigit(t[i]) && char.IsAsciiDigit(t[i + 1]) && char.IsAsciiDigit(t[i + 2]) && char.IsAsciiDigit(t[i + 3])
        && (i == 0 || !char.IsAsciiLetterOrDigit(t[i - 1])) && (i + 4 == t.Length || !char.IsAsciiLetterOrDigit(t[i + 4]));
}
