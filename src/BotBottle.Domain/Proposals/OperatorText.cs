using System.Buffers;
using System.Globalization;
using System.Text;

namespace BotBottle.Proposals;

/// <summary>
/// Makes text that came from inside a bottle safe to show an operator on a terminal. A proposal's justification is the
/// agent's own words, and its summary can carry names the agent chose (a pushed file's path); on a terminal, an ESC
/// (0x1B) or a C1 control (0x9B is CSI) starts an escape sequence that can move the cursor, erase what the table
/// showed and write something else there (ECMA-48 §5.3, §8.3), so an operator could read "allow docs.python.org"
/// while approving another host. Bidirectional formatting characters (Unicode UAX #9: U+202A–U+202E, U+2066–U+2069,
/// U+200E, U+200F, U+061C) reorder what follows them on screen. Each such character is replaced by a visible
/// stand-in: C0 controls by their Control Pictures (U+2400–U+241F, so ESC shows as ␛), DEL by ␡, and C1 controls and
/// bidirectional marks by <c>&lt;U+XXXX&gt;</c>. Line feeds stay (a justification may have several lines); a tab
/// becomes a space.
/// </summary>
public static class OperatorText
{
    /// <summary>Returns <paramref name="text"/> with every terminal control and bidirectional formatting character made visible.</summary>
    /// <param name="text">Text from a bottle (null gives null).</param>
    /// <returns>The same text when there was nothing to replace (no copy), else the neutralised copy.</returns>
    public static string? Neutralize(string? text)
    {
        if (text is null)
        {
            return null;
        }

        var first = text.AsSpan().IndexOfAny(Replaced);
        if (first < 0)
        {
            return text;
        }

        var sb = new StringBuilder(text.Length + 16);
        sb.Append(text, 0, first);
        for (var i = first; i < text.Length; i++)
        {
            var c = text[i];
            if (!Replaced.Contains(c))
            {
                sb.Append(c);
            }
            else if (c == '\t')
            {
                sb.Append(' ');
            }
            else if (c < 0x20)
            {
                sb.Append((char)(0x2400 + c));
            }
            else if (c == 0x7F)
            {
                sb.Append('\u2421');
            }
            else
            {
                sb.Append("<U+").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture)).Append('>');
            }
        }

        return sb.ToString();
    }

    /// <summary>What <see cref="Neutralize"/> replaces: C0 controls but the line feed, DEL and C1 controls, and the bidirectional formatting characters.</summary>
    private static readonly SearchValues<char> Replaced = SearchValues.Create(
        string.Concat(Enumerable.Range(0, 0x20).Where(c => c != '\n').Select(c => (char)c))
        + string.Concat(Enumerable.Range(0x7F, 0x21).Select(c => (char)c))
        + "\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069\u200E\u200F\u061C");
}
