using BotBottle.Proposals;

namespace BotBottle.Tests.Proposals;

/// <summary>
/// What a bottle files reaches operators' terminals: terminal controls (ECMA-48: C0, DEL, C1) and bidirectional
/// formatting characters (UAX #9) are made visible, everything else is kept as it is.
/// </summary>
public class OperatorTextTests
{
    [Theory]
    [InlineData("\u001b[2K\u001b[1Aallow docs.python.org", "\u241b[2K\u241b[1Aallow docs.python.org")]
    [InlineData("bell\u0007 nul\0 cr\r del\u007f", "bell\u2407 nul\u2400 cr\u240d del\u2421")]
    [InlineData("csi\u009b31m nel\u0085", "csi<U+009B>31m nel<U+0085>")]
    [InlineData("abc\u202edef\u2066x\u200f", "abc<U+202E>def<U+2066>x<U+200F>")]
    [InlineData("tab\there", "tab here")]
    public void Controls_and_bidirectional_marks_are_shown_not_obeyed(string input, string shown) =>
        Assert.Equal(shown, OperatorText.Neutralize(input));

    [Theory]
    [InlineData("allow api.example.com (ports 443) — needs the docs\nsecond line")]
    [InlineData("ünïcödé 名前 emoji 🙂 and ␛ itself")]
    [InlineData("")]
    public void Ordinary_text_and_line_feeds_are_kept_as_the_same_string(string text) =>
        Assert.Same(text, OperatorText.Neutralize(text));

    [Fact]
    public void Null_stays_null() => Assert.Null(OperatorText.Neutralize(null));
}
