using System.Buffers;

namespace BotBottle.Dlp;

/// <summary>
/// Short passwords on command lines (r27 reach round). The hot path reaches <see cref="CommandPassword"/>,
/// <see cref="PositionalPassword"/>, <see cref="RdpPassword"/>, <see cref="JenkinsAuth"/> and
/// <see cref="PlainTextSecureString"/> only from a token run of 16+ characters that starts at the value, so a password
/// of 8–15 characters, or one whose symbols cut it into short runs (<c>mysql -u root -p'Summer2024!'</c>, <c>docker
/// login -u ci -p Winter#2023</c>, <c>net use Z: \\fs01\share /user:ACME\jdoe Summer2024!</c>) — what shell history
/// and pasted commands hold — was never looked at. Here one ordinal, vectorised search of the layer for the options
/// themselves (<see cref="ShortOptionAnchors"/>) finds them; each hit goes to the same readers with the same program
/// and value tests, so what they report and what they leave is unchanged; only the anchor is new.
/// </summary>
internal static partial class ContextRules
{
    /// <summary>
    /// What <c>DlpEngine</c>'s short-option pass searches for: a blank and the option of <see cref="CommandPassword"/>
    /// (<c>-p</c>, <c>-P</c>, <c>-w</c>, <c>-a</c> — also Jenkins' <c>-auth</c> —, <c>-A</c> — also PowerShell's
    /// <c>-AsPlainText</c> —, <c>-N</c>, <c>-X</c>, <c>-k</c>), FreeRDP's <c>/p:</c>, Windows <c>net use</c>'s
    /// <c>/user:</c> (also <c>/USER:</c>, <c>/u:</c>), <c>rabbitmqctl add_user</c>'s <c>_user </c>, and a <c>.pgpass</c> line's port field
    /// (<c>:5432:</c>, <c>:*:</c>). Each starts with a blank, <c>/</c>, <c>_</c> or <c>:</c>, which .NET's
    /// multi-string search (Teddy, on the first three characters' nibbles) rarely meets in prose: the pass costs about
    /// 2 µs per 64 KiB here (program names that start with a lower-case letter — <c>net user </c>, <c>sqlplus </c> —
    /// cost three times that and are left to the 16-character runs).
    /// </summary>
    internal static readonly SearchValues<string> ShortOptionAnchors = SearchValues.Create(
        [" -p", " -P", " -w", " -a", " -A", " -N", " -X", " -k", " /p:", "/user:", "/USER:", "/u:", "_user ", ":5432:", ":*:"], StringComparison.Ordinal);

    /// <summary>The words after <c>add_user</c> tried as its positional password (the user's name, then the password).</summary>
    private const int PositionalWordsTried = 2;

    /// <summary>
    /// The password that the option found at <paramref name="hit"/> (an anchor of <see cref="ShortOptionAnchors"/>)
    /// gives, read by the rule that owns the option: <see cref="CommandPassword"/> (the program decides), PowerShell's
    /// <c>ConvertTo-SecureString "…" -AsPlainText</c> with the literal before or after the parameter
    /// (<see cref="PlainTextSecureString"/>), Jenkins' <c>-auth USER:SECRET</c> (<see cref="JenkinsAuth"/>), FreeRDP's
    /// <c>/p:</c> (<see cref="RdpPassword"/>), <c>net use … /user:DOMAIN\user PASSWORD</c> and <c>net use \\server\share
    /// PASSWORD /user:…</c>, <c>rabbitmqctl add_user NAME PASSWORD</c> (<see cref="PositionalPassword"/>), and a
    /// <c>.pgpass</c> line (<see cref="PgpassPassword"/>).
    /// </summary>
    /// <param name="t">The layer's text.</param>
    /// <param name="hit">Where the anchor starts (its blank, or the <c>/</c> of <c>/user:</c>).</param>
    /// <param name="vs">The password's start.</param>
    /// <param name="ve">Its end (exclusive).</param>
    /// <param name="label">The finding's visible label.</param>
    /// <returns>True when the option holds a literal password.</returns>
    internal static bool ShortOptionPassword(ReadOnlySpan<char> t, int hit, out int vs, out int ve, out string label)
    {
        vs = ve = 0;
        label = "command-line password ";
        if (hit + 6 >= t.Length)
        {
            return false;
        }

        if (t[hit] == ':')
        {
            label = ".pgpass host:port:db:user:";
            return PgpassLineAt(t, hit, out vs, out ve);
        }

        if (t[hit] == '_')
        {
            // rabbitmqctl add_user NAME PASSWORD (rabbitmqctl(8)): the next words on the line are tried as its positional password
            if (hit < 3 || !t[(hit - 3)..hit].SequenceEqual("add"))
            {
                return false;
            }

            int w = hit + 5;
            for (int n = 0; n < PositionalWordsTried && w < t.Length && w - hit < 256; n++)
            {
                w = SkipBlanks(t, w);
                if (w >= t.Length || t[w] is '\n' or '\r' || (t[w] == '\\' && w + 1 < t.Length && t[w + 1] is 'n' or 'r'))
                {
                    return false;
                }

                if (PositionalPassword(t, w, out vs, out ve, out label))
                {
                    return true;
                }

                while (w < t.Length && t[w] is not (' ' or '\t' or '\n' or '\r'))
                {
                    w++;
                }
            }

            return false;
        }

        if (t[hit] == '/')
        {
            // net use [devicename] \\server\share [password] /user:[domain\]username — or the password after /user:'s word
            // (Microsoft's net use reference); PositionalPassword reads both orders from the word after the user.
            if (hit == 0 || t[hit - 1] is not (' ' or '\t'))
            {
                return false;
            }

            int w = hit + (t[hit + 2] == ':' ? 3 : 6); // /u: or /user:
            while (w < t.Length && w - hit < 140 && t[w] is not (' ' or '\t' or '\n' or '\r' or '"' or '\''))
            {
                w++;
            }

            int word = SkipBlanks(t, w);
            if (word > w && word < t.Length && PositionalPassword(t, word, out vs, out ve, out label))
            {
                return true;
            }

            // net use \\server\share PASSWORD /user:…: the word before the option
            int pe = SkipBlanksBack(t, hit);
            if (pe == hit || pe == 0)
            {
                return false;
            }

            int ps = pe;
            while (ps > 0 && pe - ps < 258 && t[ps - 1] is not (' ' or '\t' or '\n' or '\r'))
            {
                ps--;
            }

            return PositionalPassword(t, ps, out vs, out ve, out label) && ve <= pe;
        }

        if (t[hit + 1] == '/')
        {
            vs = hit + 4; // " /p:"
            ve = RdpPassword(t, vs);
            label = "/p:";
            return ve > 0;
        }

        char flag = t[hit + 2];
        if (flag is 'A' or 'a' && t[(hit + 2)..].StartsWith("AsPlainText", StringComparison.OrdinalIgnoreCase))
        {
            label = "ConvertTo-SecureString ";
            return SecureStringAround(t, hit, hit + 14, out vs, out ve);
        }

        if (flag == 'a' && t[(hit + 2)..].StartsWith("auth ", StringComparison.Ordinal))
        {
            // -auth USER:SECRET, also quoted: the secret starts after the user name's ':'
            int u = SkipBlanks(t, hit + 7);
            int colon = t[u..Math.Min(t.Length, u + 68)].IndexOf(':');
            label = "-auth user:";
            vs = u + colon + 1;
            ve = colon > 0 ? JenkinsAuth(t, vs) : -1;
            return ve > 0;
        }

        ve = CommandPassword(t, hit, out vs);
        return ve >= 0;
    }

    /// <summary>
    /// A PostgreSQL password file line whose port field (<c>5432</c>, PostgreSQL's default, or <c>*</c>) starts at the
    /// colon <paramref name="colon"/>: the database and user fields are passed over to the fourth colon, and the line
    /// is <see cref="PgpassPassword"/>'s (which checks every field and that the host starts the line) with the password
    /// read to the line's end — a short one (<c>db:5432:*:app:Summer2024!</c>) is cut by its symbols into runs the hot
    /// path never visits.
    /// </summary>
    private static bool PgpassLineAt(ReadOnlySpan<char> t, int colon, out int vs, out int ve)
    {
        vs = ve = 0;
        int k = colon + (t[colon + 1] == '*' ? 2 : 5); // the colon after the port
        for (int field = 0; field < 2; field++)
        {
            int from = k + 1;
            k = from;
            while (k < t.Length && k - from < 64 && (t[k] != ':' || t[k - 1] == '\\') && t[k] > ' ')
            {
                k++;
            }

            if (k >= t.Length || t[k] != ':' || k == from)
            {
                return false;
            }
        }

        vs = k + 1;
        ve = PgpassPasswordEnd(t, vs, vs);

        if (ve - vs < 6)
        {
            return false;
        }

        ve = PgpassPassword(t, vs, ve);
        return ve > 0;
    }

    /// <summary>
    /// The literal of <c>ConvertTo-SecureString "…" -AsPlainText</c> around the parameter <c>-AsPlainText</c> (its blank
    /// at <paramref name="blank"/>, its end at <paramref name="after"/>): the quoted string that ends just before the
    /// blank, or the first one after the parameter on the line (<c>-AsPlainText -Force -String "…"</c>); either must
    /// be <see cref="PlainTextSecureString"/>'s.
    /// </summary>
    private static bool SecureStringAround(ReadOnlySpan<char> t, int blank, int after, out int vs, out int ve)
    {
        vs = ve = 0;
        int q = SkipBlanksBack(t, blank + 1) - 1;
        if (q > 24 && t[q] is '"' or '\'')
        {
            int from = Math.Max(0, q - 258);
            if (t[from..q].LastIndexOfAny(t[q], '\n') is int open and >= 0 && t[from + open] == t[q] && from + open >= 23)
            {
                vs = from + open + 1;
                ve = PlainTextSecureString(t, vs);
                if (ve == q || (ve == q - 1 && t[ve] == '\\'))
                {
                    return true;
                }
            }
        }

        int end = Math.Min(t.Length, after + 64);
        if (after < end && t[after..end].IndexOfAny('"', '\'') is int next and >= 0 && !t[after..(after + next)].Contains('\n'))
        {
            vs = after + next + 1;
            ve = vs < t.Length ? PlainTextSecureString(t, vs) : -1;
            return ve > 0;
        }

        return false;
    }
}
