namespace BotBottle.Dlp;

/// <summary>
/// Passwords under a label in another language (r31 round): <c>Passwort: …</c>, <c>mot de passe : …</c>,
/// <c>contraseña = …</c>, <c>пароль: …</c>, <c>密码：…</c>, <c>パスワード: …</c>, <c>비밀번호: …</c> — what a user's notes,
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
    /// The labels, lower case, found by <see cref="s_keyFragments"/> (those that hold <c>pass</c> through it): German
    /// Passwort and Kennwort, French mot de passe, Spanish contraseña, Portuguese senha, Dutch wachtwoord, Polish hasło,
    /// Czech and Slovak heslo, Swedish lösenord, Norwegian passord, Danish adgangskode, Finnish salasana, Hungarian
    /// jelszó, Turkish şifre and parola, Russian and Ukrainian пароль, Chinese 密码 / 密碼 / 口令, Japanese パスワード,
    /// Korean 비밀번호, Greek κωδικός, Hebrew סיסמה, Vietnamese mật khẩu, Indonesian kata sandi, Hindi पासवर्ड
    /// (each also without its diacritics where people type it so: contrasena, haslo, losenord, jelszo, sifre).
    /// </summary>
    internal static readonly string[] ForeignPasswordLabels =
    [
        "passwort", "kennwort", "mot de passe", "contraseña", "contrasena", "senha", "wachtwoord", "hasło", "haslo", "heslo",
        "lösenord", "losenord", "passord", "adgangskode", "salasana", "jelszó", "jelszo", "şifre", "sifre", "parola",
        "пароль", "密码", "密碼", "口令", "パスワード", "비밀번호", "κωδικός", "סיסמה", "mật khẩu", "kata sandi", "पासवर्ड",
    ];

    /// <summary>The word "is" of the labels' languages, as a sentence puts it between the label and the password.</summary>
    private static readonly string[] s_foreignIs = ["ist", "est", "es", "é", "è", "is", "jest", "je", "är", "er", "on", "это", "adalah", "là"];

    /// <summary>
    /// Does a label of <see cref="ForeignPasswordLabels"/> start at or around the fragment hit <paramref name="hit"/>
    /// (the name <paramref name="ns"/>..<paramref name="ne"/> around it)? Returns the label's end, or -1. The English
    /// fragments' hits (<c>pass</c>, <c>secret</c>…), which are most of them, cost a compare per label and at most three
    /// string compares (labels that start with the same letter).
    /// </summary>
    private static int ForeignLabelAt(ReadOnlySpan<char> t, int hit, int ns, int ne)
    {
        int n = ne - ns;
        if (n is 7 or 8 && (t[ns..ne].Equals("passwort", StringComparison.OrdinalIgnoreCase) || t[ns..ne].Equals("passord", StringComparison.OrdinalIgnoreCase)))
        {
            return ne;
        }

        if (n == 5 && ns >= 7 && t[ns..ne].Equals("passe", StringComparison.OrdinalIgnoreCase) && t[(ns - 7)..ns].Equals("mot de ", StringComparison.OrdinalIgnoreCase)
            && (ns == 7 || !char.IsLetter(t[ns - 8])))
        {
            return ne;
        }

        char c = char.ToLowerInvariant(t[hit]);
        // lösenord: the fragment is inside the label (its ö is no fragment's letter)
        if (hit >= 2 && c == 's' && t[hit..].StartsWith("senord", StringComparison.OrdinalIgnoreCase) && (t[hit - 1] | 0x20) is 'o' or 'ö' && (t[hit - 2] | 0x20) == 'l'
            && (hit == 2 || !char.IsLetter(t[hit - 3])))
        {
            return hit + 6;
        }

        if (hit > 0 && char.IsLetter(t[hit - 1]) && t[hit - 1] < 0x3000)
        {
            return -1; // inside a word (CJK has no blanks between words: any character may precede)
        }

        var rest = t[hit..];
        foreach (var label in ForeignPasswordLabels)
        {
            if (label[0] == c && rest.StartsWith(label, StringComparison.OrdinalIgnoreCase)) // the labels are lower case: one compare for most
            {
                int end = hit + label.Length;
                return end < t.Length && char.IsLetter(t[end]) && t[end] < 0x3000 ? -1 : end;
            }
        }

        return -1;
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
