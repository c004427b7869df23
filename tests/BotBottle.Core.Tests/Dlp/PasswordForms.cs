using static BotBottle.Tests.Dlp.DlpTestHelpers;

namespace BotBottle.Tests.Dlp;

/// <summary>
/// Command-line password forms shared by the r24–r27 reach rounds' tests: in a form, <c>{0}</c> stands for
/// <see cref="Short"/> and <c>{1}</c> for <see cref="Long"/>.
/// </summary>
internal static class PasswordForms
{
    /// <summary>A 12-character password: shorter than a token run (16), so only a form found from a credential word reaches it.</summary>
    public const string Short = "Wq7#mZ2!kR9x";

    /// <summary>A 20-character password without symbols: one token run, as the run-start forms need.</summary>
    public const string Long = "Wint3rQ7xmPz9kLr2024";

    /// <summary><paramref name="form"/> with <c>{0}</c> and <c>{1}</c> replaced by <see cref="Short"/> and <see cref="Long"/>.</summary>
    public static string Fill(string form) => form.Replace("{0}", Short, StringComparison.Ordinal).Replace("{1}", Long, StringComparison.Ordinal);

    /// <summary>
    /// Asserts that the form's password (<see cref="Short"/> when the form holds <c>{0}</c>, else <see cref="Long"/>) is
    /// found exactly in the filled form, in it as a model request's message and, with <paramref name="afterPrompt"/>,
    /// after a transcript's prompt (<c>me@box:~$ </c>).
    /// </summary>
    public static void AssertFormFound(string form, bool afterPrompt = false)
    {
        string text = Fill(form);
        string value = form.Contains("{0}", StringComparison.Ordinal) ? Short : Long;
        AssertFoundExactly(text, value);
        AssertFoundExactly(InModelRequest(text), value); // the command inside a model request
        if (afterPrompt)
        {
            AssertFoundExactly("me@box:~$ " + text, value);
        }
    }

    /// <summary>Asserts that <paramref name="text"/> has no <c>credential-assignment</c> finding, as it is and as a model request's message.</summary>
    public static void AssertQuiet(string text)
    {
        Assert.Empty(Assignments(text));
        Assert.Empty(Assignments(InModelRequest(text)));
    }
}
