using System.Buffers;

namespace BotBottle.Dlp;

/// <summary>
/// Passwords under a label in another language (r31 round): <c>Passwort: …</c>, <c>mot de passe : …</c>,
/// <c>hasło = …</c>, <c>пароль: …</c>, <c>密码：…</c>, <c>パスワード: …</c>, <c>비밀번호: …</c> — what a user's notes,
/// a ticket or a chat message in that language hold, and what the English names of <see cref="FindAssignments{TState}"/>
/// never matched. The label is the word an operating system's or a browser's localisation uses for "password" (the
/// labels of sign-in forms); it must stand as a word, then a separator (<c>:</c>, the full-width <c>：</c>, <c>=</c> or
/// <c>-</c>) or the language's "is" (<c>ist</c>, <c>est</c>, <c>es</c>, <c>é</c>…), then the value: one word of 8–64
/// characters with a generated password's shape (<see cref="IsGeneratedSymbolSecret"/>: upper, lower, digit and a
/// symbol) or a drawn key's (<see cref="IsDrawnAlphanumeric"/>), so that a form's field list (<c>Passwort:
/// ********</c>), a placeholder and a sentence stay quiet.
/// </summary>
internal static partial class ContextRules
{
    /// <summary>
    /// The labels with a character outside ASCII at or near their start, and that character: found by
    /// <see cref="FindForeignScriptLabels{TState}"/>, a separate search of those characters that runs only in a text
    /// that has a character outside ASCII.
    /// </summary>
    private static readonly (string Label, int Mark)[] s_markedLabels =
    [
        ("hasło", 3), ("şifre", 0), ("пароль", 0), ("密码", 0), ("密碼", 0), ("口令", 0), ("パスワード", 0), ("비밀번호", 0), ("κωδικός", 0),
        ("סיסמה", 0), ("mật khẩu", 1), ("पासवर्ड", 0),

        // r32: Swedish, Hungarian, Spanish, Romanian, Lithuanian, Icelandic, Bulgarian, Arabic and Thai (the
        // localisations' sign-in labels), each with a letter outside ASCII
        ("lösenord", 1), ("jelszó", 5), ("contraseña", 8), ("parolă", 5), ("slaptažodis", 6), ("lykilorð", 6), ("парола", 0),
        ("كلمة المرور", 0), ("كلمة السر", 0), ("รหัสผ่าน", 0),
    ];

    /// <summary>The marked characters of <see cref="s_markedLabels"/>, both cases.</summary>
    private static readonly SearchValues<char> s_labelMarks = SearchValues.Create("łŁşŞпП密口パ비κΚסậẬपöÖóÓñÑăĂžŽðÐكร");

    /// <summary>
    /// Passwords under the labels of <see cref="s_markedLabels"/>: each character outside ASCII (an ASCII text has none:
    /// one vectorised test) that is a marked one is tried against the labels that carry it.
    /// </summary>
    private static void FindForeignScriptLabels<TState>(ReadOnlySpan<char> text, ref TState state, AssignmentSink<TState> report)
    {
        int i = 0;
        while (i < text.Length)
        {
            // the next character outside ASCII (a vectorised range test, which a search of the marks' scattered code
            // points is not: that search cost 14 % of a scan of a body with some non-ASCII characters), then its mark test
            int k = text[i..].IndexOfAnyExceptInRange('\0', '\x7F');
            if (k < 0)
            {
                return;
            }

            int hit = i + k;
            i = hit + 1;
            if (!s_labelMarks.Contains(text[hit]))
            {
                continue;
            }

            foreach (var (label, mark) in s_markedLabels)
            {
                int ls = hit - mark;
                if (ls < 0 || char.ToLowerInvariant(text[hit]) != label[mark] || !text[ls..].StartsWith(label, StringComparison.OrdinalIgnoreCase)
                    || (ls > 0 && char.IsLetter(text[ls - 1]) && text[ls - 1] < 0x3000 && !TextDecoders.IsEscapeLetterAt(text, ls - 1)))
                {
                    continue;
                }

                int le = ls + label.Length;
                if ((le >= text.Length || !char.IsLetter(text[le]) || text[le] >= 0x3000) && TryForeignLabelValue(text, le, out int vs, out int ve))
                {
                    report(ref state, vs, ve - vs, text[ls..le]);
                    i = Math.Max(i, ve);
                }

                break;
            }
        }
    }

    /// <summary>The word "is" of the labels' languages, as a sentence puts it between the label and the password.</summary>
    private static readonly string[] s_foreignIs = ["ist", "est", "es", "é", "è", "is", "jest", "je", "är", "er", "on", "это", "adalah", "là"];

    /// <summary>
    /// Is the name <paramref name="ns"/>..<paramref name="ne"/> around a <c>pass</c> hit a label in another language
    /// written in ASCII — German <c>Passwort</c>, Norwegian <c>passord</c>, the <c>passe</c> of French <c>mot de passe</c>?
    /// Returns the label's end, or -1: a length compare for most hits. Labels in ASCII without <c>pass</c> (Kennwort,
    /// senha, contrasena, wachtwoord, heslo, salasana…) are not searched: fourteen more fragments in
    /// <see cref="s_keyFragments"/> cost that search 6 % of a scan (measured, r31).
    /// </summary>
    private static int ForeignLabelAt(ReadOnlySpan<char> t, int ns, int ne)
    {
        int n = ne - ns;
        if (n is 7 or 8 && (t[ns..ne].Equals("passwort", StringComparison.OrdinalIgnoreCase) || t[ns..ne].Equals("passord", StringComparison.OrdinalIgnoreCase)))
        {
            return ne;
        }

        return n == 5 && ns >= 7 && t[ns..ne].Equals("passe", StringComparison.OrdinalIgnoreCase) && t[(ns - 7)..ns].Equals("mot de ", StringComparison.OrdinalIgnoreCase)
            && (ns == 7 || !char.IsLetter(t[ns - 8])) ? ne : -1;
    }

    /// <summary>
    /// A value after a foreign label and <c>:</c> / <c>=</c>: a literal by <see cref="IsSecretValue"/>, ASCII, with an
    /// upper- and a lower-case letter and two digits, or a symbol other than <c>. , ; ! ?</c>, or one digit and a final
    /// <c>!</c> / <c>?</c> (a chosen password's shape: <c>LimbFix78!</c>, <c>VSTJwMEPj#c*Tr</c>, <c>Xk9mQ2vL…</c>; a form's
    /// hint has one digit: <c>Mindestens8</c>), and no technical word
    /// (<see cref="ContainsProseTechWord"/>). A field list's <c>********</c>, a sentence's word or a placeholder fails.
    /// </summary>
    private static bool IsAssignedForeignValue(ReadOnlySpan<char> v, bool quoted)
    {
        bool upper = false, lower = false, symbol = false;
        int digits = 0;
        foreach (char c in v)
        {
            if (c is <= ' ' or >= '\x7F' or '\\')
            {
                return false; // a backslash escape: the decoded layer reads the value (Mindestl\u00e4nge8 is no password)
            }

            upper |= char.IsAsciiLetterUpper(c);
            lower |= char.IsAsciiLetterLower(c);
            digits += char.IsAsciiDigit(c) ? 1 : 0;
            symbol |= !char.IsAsciiLetterOrDigit(c) && c is not ('.' or ',' or ';' or '!' or '?');
        }

        // one digit alone is a form's hint ("Mindestens8", "Min8Zeichen", "Obligatoria1": the r32 red team's UI strings)
        return upper && lower && (digits >= 2 || symbol || (digits == 1 && v[^1] is '!' or '?')) && !ContainsProseTechWord(v) && IsSecretValue(v, quoted) && !IsIdentifierValue(v);
    }

    /// <summary>
    /// The value after a foreign label that ends at <paramref name="le"/>: a key's closing quote, blanks, a separator (<c>:</c>, <c>：</c>,
    /// <c>=</c>, a dash, the particles 是 / 为 / は / 는 / 은) or the word "is" (<see cref="s_foreignIs"/>), blanks, an optional quote, and one word with a
    /// generated password's or a drawn key's shape. Returns whether one is there.
    /// </summary>
    private static bool TryForeignLabelValue(ReadOnlySpan<char> t, int le, out int vs, out int ve)
    {
        vs = ve = 0;
        int s = le < t.Length && t[le] is '"' or '\'' ? le + 1 : le; // a JSON or YAML key's closing quote
        s = SkipBlanks(t, s);
        bool assigned = s < t.Length && t[s] is ':' or '：' or '=';
        if (s < t.Length && t[s] is ':' or '：' or '=' or '-' or '—' or '–' or '是' or '为' or '為' or 'は' or '는' or '은')
        {
            s = SkipBlanks(t, s + 1);
        }
        else if (s > le)
        {
            int w = s;
            while (w < t.Length && w - s < 8 && char.IsLetter(t[w]))
            {
                w++;
            }

            if (w == s || w >= t.Length || t[w] != ' ' || !IsOneOf(t[s..w], s_foreignIs))
            {
                return false;
            }

            s = SkipBlanks(t, w);
            if (s < t.Length && t[s] == ':')
            {
                s = SkipBlanks(t, s + 1);
            }
        }
        else
        {
            return false;
        }

        char quote = s < t.Length && t[s] is '"' or '\'' or '`' or '«' or '„' or '「' ? t[s] : '\0';
        s += quote == '\0' ? 0 : 1;
        int e = s;
        while (e < t.Length && e - s <= 64 && t[e] > ' ' && t[e] is not ('"' or '\'' or '`' or '»' or '“' or '」' or '\u3000'))
        {
            e++;
        }

        // After ':' or '=' the label assigns (r32): the value as the English names take it (IsSecretValue: no reference,
        // placeholder, template or binary noise) when it mixes letters with digits or with symbols as chosen passwords
        // do ("LimbFix78!", "ResembleLounge28#", "VSTJwMEPj#c*Tr"), before any sentence punctuation is cut off.
        if (assigned && e - s is >= 8 and <= 64 && IsAssignedForeignValue(t[s..e], quote != '\0'))
        {
            (vs, ve) = (s, e);
            return true;
        }

        while (quote == '\0' && e > s && t[e - 1] is '.' or ',' or ';' or '!' or '?' or ')' or '。' or '、')
        {
            e--; // the sentence's punctuation
        }

        var v = t[s..e];
        if (v.Length is < 8 or > 64 || ContainsProseTechWord(v) || !(IsGeneratedSymbolSecret(v) || IsDrawnAlphanumeric(v)))
        {
            return false;
        }

        (vs, ve) = (s, e);
        return true;
    }
}
