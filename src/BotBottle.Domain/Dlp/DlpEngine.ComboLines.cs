namespace BotBottle.Dlp;

/// <summary>
/// The <c>credential-combo-line</c> rule's scan (<see cref="ContextRules.ComboLineAt"/>): the <c>@</c> characters of
/// each chunk, found by one vectorised <c>IndexOf</c> while the chunk is still in cache. A line whose value has three
/// character classes is reported alone; a plainer password-shaped value only in a table whose header line names a
/// password column (<c>email,password</c>), carried down the table's consecutive rows.
/// </summary>
public sealed partial class DlpEngine
{
    /// <summary>Combo lines reported per scanned text, at most (the request is blocked by the first).</summary>
    private const int MaxComboFindings = 64;

    /// <summary>The table the last combo line belonged to: its line start, separator and header.</summary>
    private struct ComboTable(int lastLine)
    {
        public int LastLine = lastLine;
        public char Sep;
        public ContextRules.ComboHeader Header;
        public int Reported;
    }

    private void ScanComboLines(ReadOnlySpan<char> text, int from, int to, ref ScanState st, in Layer layer, ref ComboTable table)
    {
        int i = from;
        while (i < to && table.Reported < MaxComboFindings && !st.Full)
        {
            int at = text[i..to].IndexOf('@');
            if (at < 0)
            {
                return;
            }

            at += i;
            i = at + 1;
            var strength = ContextRules.ComboLineAt(text, at, out int vs, out int ve, out char sep, out int lineStart);
            if (strength == ContextRules.ComboStrength.None)
            {
                continue;
            }

            int prev = ContextRules.PreviousLine(text, lineStart, out int prevEnd);
            ContextRules.ComboHeader header;
            if (prev >= 0 && prev == table.LastLine && sep == table.Sep)
            {
                header = table.Header; // the next row of the same table
            }
            else
            {
                header = prev >= 0 ? ContextRules.HeaderOf(text[prev..prevEnd], sep) : ContextRules.ComboHeader.None;
            }

            table.LastLine = lineStart;
            table.Sep = sep;
            table.Header = header;

            bool report = header switch
            {
                ContextRules.ComboHeader.Password => true,
                ContextRules.ComboHeader.Other => strength == ContextRules.ComboStrength.Strong && text[vs..ve].ContainsAnyExcept(s_comboPlain),
                _ => strength == ContextRules.ComboStrength.Strong,
            };
            if (report)
            {
                ReportRule(ref st, layer, _rules[_comboRule], vs, ve - vs, DlpEncodings.Plain, "email" + sep switch { '\t' => "\\t", _ => sep.ToString() }, ve - vs);
                table.Reported++;
            }

            i = Math.Max(i, ve);
        }
    }

    /// <summary>Letters, digits and <c>._-</c>: a value of only these under a header naming other columns is a user name or an identifier.</summary>
    private static readonly System.Buffers.SearchValues<char> s_comboPlain =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-");
}
