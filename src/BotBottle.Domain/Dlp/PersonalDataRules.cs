namespace BotBottle.Dlp;

/// <summary>
/// The <c>us-ssn</c> rule: US Social Security numbers by their label. Nine digits alone are too common (order numbers,
/// zip+4, phone fragments) to report, so a number counts only next to an SSN label (<c>ssn: 078-05-1120</c>,
/// <c>"social_security_number": "078051120"</c>, <c>Social Security Number: …</c>) or in the column of a table whose
/// header names it (a CSV/TSV dump: <c>name,ssn,dob</c> then rows). The labels are found by the same vectorised search
/// as the credential keys (<see cref="ContextRules.FindAssignments{TState}"/>), so the rule adds no pass over the text.
/// <para>
/// Valid numbers follow the Social Security Administration's rules (https://www.ssa.gov/employer/randomization.html,
/// https://www.ssa.gov/history/ssn/geocard.html): area 001–899 except 666 (000, 666 and 900–999 are never assigned),
/// group 01–99, serial 0001–9999. Written <c>ddd-dd-dddd</c>, <c>ddd dd dddd</c> or as nine digits, not inside a longer
/// run of digits, letters or dashes (so dates <c>2024-05-11</c>, phone numbers <c>555-123-4567</c> and versions do not
/// match the shape).
/// </para>
/// </summary>
internal static class PersonalDataRules
{
    /// <summary>Characters after a label searched for its value (same line).</summary>
    private const int LabelWindow = 64;

    /// <summary>Characters after a table header searched for the column's values.</summary>
    private const int TableWindow = 64 * 1024;

    /// <summary>Numbers reported per table, at most (the request is blocked by the first).</summary>
    private const int MaxPerTable = 64;

    /// <summary>
    /// True when the key name <c>text[ns..ne]</c> labels an SSN: <c>ssn</c>, <c>ssn_…</c>, <c>…_ssn</c>,
    /// <c>…social_security…</c>, <c>Social</c> followed by <c>Security</c>, or the word <c>social</c> followed at once
    /// (after <c>:</c>, <c>#</c>, <c>=</c>, <c>is</c>, <c>was</c> or <c>'s</c>) by an SSN grouped with <c>-</c> or a blank
    /// (prose: "my social is 536-22-8147").
    /// </summary>
    public static bool IsSsnLabel(ReadOnlySpan<char> text, int ns, int ne)
    {
        // Every accepted label has an 's' ("ssn", "social"): most names that reach here ("token", "api_key") fail at once.
        if (!text[ns..ne].ContainsAny('s', 'S'))
        {
            return false;
        }

        Span<char> norm = stackalloc char[64];
        var key = Normalized(text[ns..ne], norm);
        if (key.StartsWith("ssn", StringComparison.Ordinal) || key.EndsWith("ssn", StringComparison.Ordinal) || key.Contains("socialsecurity", StringComparison.Ordinal))
        {
            return true;
        }

        if (!key.EndsWith("social", StringComparison.Ordinal))
        {
            return false;
        }

        bool bare = key.Length == "social".Length; // "antisocial" is no label

        int i = ne;
        while (i < text.Length && i - ne < 3 && text[i] is ' ' or '_' or '-')
        {
            i++;
        }

        if (text[i..].StartsWith("security", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        // "social" alone as the label of a value in prose: "my social is 536-22-8147", "my social 536-22-8147",
        // "Social: 536 22 8147", "social #536-22-8147", "social's 536-22-8147" — only when the SSN, grouped with '-' or
        // a blank, follows at once (so a table header "social notes" or "Social: 412345678 impressions" is none).
        if (!bare)
        {
            return false;
        }

        var rest = text[ne..];
        for (int joints = 0; joints < 2; joints++) // "social # is …"
        {
            rest = rest[Math.Max(0, rest.IndexOfAnyExcept(' '))..];
            foreach (var joint in s_socialJoints)
            {
                if (rest.StartsWith(joint, StringComparison.OrdinalIgnoreCase))
                {
                    rest = rest[joint.Length..];
                    break;
                }
            }
        }

        rest = rest[Math.Max(0, rest.IndexOfAnyExcept(' '))..];
        return rest.Length >= 11 && rest[3] is '-' or ' ' && At(rest, 0, out _);
    }

    /// <summary>
    /// Does a tax-id label stand just before the number at <paramref name="i"/> on its line (r32 round: a red team's
    /// <c>{"tax_id": "491-90-6819"}</c>, <c>TIN:</c>, <c>SS#</c>, <c>soc sec</c> were allowed)? Back over up to six
    /// blanks, quotes, <c>:</c>, <c>=</c>, <c>#</c>, <c>&gt;</c> or backslashes, then a name of up to 40 letters,
    /// digits, <c>_</c>, <c>-</c>, <c>.</c> or blanks whose letters and digits, lower case, end in <c>taxid</c>,
    /// <c>taxidnumber</c>, <c>taxidno</c>, <c>taxpayerid</c>, <c>socsec</c>, <c>socsecno</c> or <c>socsecnumber</c>,
    /// or, as a word of their own, <c>tin</c>, <c>ss</c>, <c>ssno</c> or <c>ssnumber</c> (not the end of "Martin" or
    /// "class"). The US IRS calls the SSN, the ITIN and the EIN taxpayer identification numbers; an SSN-shaped value
    /// (<see cref="At"/>: no ITIN, whose area is 9xx) under such a label is an SSN.
    /// </summary>
    public static bool IsTaxIdLabelBefore(ReadOnlySpan<char> t, int i)
    {
        int j = i;
        while (j > 0 && i - j < 6 && t[j - 1] is ' ' or '\t' or '"' or '\'' or ':' or '=' or '#' or '>' or '\\')
        {
            j--;
        }

        int e = j;
        while (j > 0 && e - j < 40 && (char.IsAsciiLetterOrDigit(t[j - 1]) || t[j - 1] is '_' or '-' or '.' or ' '))
        {
            j--;
        }

        var raw = t[j..e].TrimEnd(" -_.");
        Span<char> norm = stackalloc char[40];
        var key = Normalized(raw, norm);
        foreach (var ending in (ReadOnlySpan<string>)["taxid", "taxidnumber", "taxidno", "taxpayerid", "socsec", "socsecno", "socsecnumber"])
        {
            if (key.EndsWith(ending, StringComparison.Ordinal))
            {
                return true;
            }
        }

        foreach (var word in (ReadOnlySpan<string>)["tin", "ss", "ssno", "ssnumber"])
        {
            // the word's letters end the name, and what stands before them in the name is no letter
            if (key.EndsWith(word, StringComparison.Ordinal))
            {
                int letters = 0, k = raw.Length;
                while (k > 0 && letters < word.Length)
                {
                    letters += char.IsAsciiLetterOrDigit(raw[--k]) ? 1 : 0;
                }

                return k == 0 || !char.IsAsciiLetter(raw[k - 1]);
            }
        }

        return false;
    }

    /// <summary>The letters and digits of <paramref name="name"/>, lower case, written into <paramref name="norm"/> (as many as fit): <c>Tax_ID</c> → <c>taxid</c>.</summary>
    private static Span<char> Normalized(ReadOnlySpan<char> name, Span<char> norm)
    {
        int n = 0;
        foreach (char c in name)
        {
            if (char.IsAsciiLetterOrDigit(c) && n < norm.Length)
            {
                norm[n++] = char.ToLowerInvariant(c);
            }
        }

        return norm[..n];
    }

    /// <summary>What may stand between a bare <c>social</c> and its number (after blanks).</summary>
    private static readonly string[] s_socialJoints = [":", "#", "=", "is:", "is ", "was ", "'s ", "number:", "number ", "no. ", "no: ", "no.: "];

    /// <summary>
    /// Reports the SSN after a label ending at <paramref name="labelEnd"/> (same line, within <see cref="LabelWindow"/>
    /// characters), and when the label is a column of a table header (a separator follows it on its line) the SSNs in
    /// the rows below. Returns the position scanning may resume from.
    /// </summary>
    public static int ReportAfterLabel<TState>(ReadOnlySpan<char> text, int labelEnd, ref TState state, ContextRules.AssignmentSink<TState> report, ReadOnlySpan<char> label)
    {
        // The number glued to its label by '-' or '_' (red team 12: a DNS label "ssn-649982009.x.example.com", where
        // names run over '-', '.' and digits): the key name swallowed the number, which starts after the label's words.
        int ls = labelEnd - label.Length, d = label.IndexOfAnyInRange('0', '9');
        if (d > 3 && label[d - 1] is '-' or '_' && !label[..(d - 1)].ContainsAnyInRange('0', '9') && IsSsnLabel(text, ls, ls + d - 1)
            && At(text[(ls + d)..], 0, out int glued))
        {
            report(ref state, ls + d, glued, label[..(d - 1)]);
            return ls + d + glued;
        }

        int lineEnd = text[labelEnd..].IndexOfAny('\n', '\r');
        lineEnd = lineEnd < 0 ? text.Length : labelEnd + lineEnd;
        int windowEnd = Math.Min(lineEnd, labelEnd + LabelWindow);
        for (int i = labelEnd; i < windowEnd; i++)
        {
            if (char.IsAsciiDigit(text[i]))
            {
                if (At(text, i, out int length))
                {
                    report(ref state, i, length, label);
                    return i + length;
                }

                break; // the first number after the label is its value, or the label has none
            }
        }

        // A table header ("name,ssn,dob", "name\tssn", "| name | ssn |"): separators, and no value, digit or assignment on the line.
        int lineStart = text[..labelEnd].LastIndexOfAny('\n', '\r') + 1;
        var line = text[lineStart..lineEnd];
        if (line.IndexOfAny(s_columnSeparators) < 0 || line.IndexOfAny(':', '=') >= 0 || line.ContainsAnyInRange('0', '9'))
        {
            return labelEnd;
        }

        int end = Math.Min(text.Length, lineEnd + TableWindow), found = 0;
        for (int i = lineEnd; i < end - 8 && found < MaxPerTable; i++)
        {
            if (char.IsAsciiDigit(text[i]) && (i == 0 || !IsWordChar(text[i - 1])))
            {
                if (At(text, i, out int length))
                {
                    report(ref state, i, length, label);
                    found++;
                    i += length;
                }
                else
                {
                    while (i < end && IsWordChar(text[i]))
                    {
                        i++;
                    }
                }
            }
        }

        return found > 0 ? end : labelEnd;
    }

    private static readonly System.Buffers.SearchValues<char> s_columnSeparators = System.Buffers.SearchValues.Create(",\t|;");

    private static bool IsWordChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.';

    /// <summary>A valid SSN starts at <paramref name="i"/> (<c>ddd-dd-dddd</c>, <c>ddd dd dddd</c> or nine digits) and is not part of a longer token.</summary>
    public static bool At(ReadOnlySpan<char> t, int i, out int length)
    {
        length = 0;
        if (i > 0 && IsWordChar(t[i - 1]) && !TextDecoders.IsEscapeLetterAt(t, i - 1))
        {
            return false; // part of a longer token (a JSON string's \n or \t before it is a break: r32)
        }

        int e;
        if (i + 11 <= t.Length && t[i + 3] is '-' or ' ' && t[i + 6] == t[i + 3])
        {
            if (!Digits(t.Slice(i, 3)) || !Digits(t.Slice(i + 4, 2)) || !Digits(t.Slice(i + 7, 4)))
            {
                return false;
            }

            e = i + 11;
        }
        else if (i + 9 <= t.Length && Digits(t.Slice(i, 9)))
        {
            e = i + 9;
        }
        else
        {
            return false;
        }

        if (e < t.Length && (char.IsAsciiLetterOrDigit(t[e]) || t[e] == '_' || (t[e] is '-' or '.' && e + 1 < t.Length && char.IsAsciiDigit(t[e + 1]))))
        {
            return false;
        }

        int area = Num(t, i, 3);
        int group = e - i == 11 ? Num(t, i + 4, 2) : Num(t, i + 3, 2);
        int serial = e - i == 11 ? Num(t, i + 7, 4) : Num(t, i + 5, 4);
        if (area is 0 or 666 or >= 900 || group == 0 || serial == 0)
        {
            return false;
        }

        length = e - i;
        return true;
    }

    private static bool Digits(ReadOnlySpan<char> s) => !s.ContainsAnyExceptInRange('0', '9');

    private static int Num(ReadOnlySpan<char> t, int i, int n)
    {
        int v = 0;
        for (int k = 0; k < n; k++)
        {
            v = (v * 10) + (t[i + k] - '0');
        }

        return v;
    }
}
