using System.Globalization;
using System.Text;
using BotBottle.Dlp;
using static BotBottle.Tests.Dlp.DlpTestHelpers;

namespace BotBottle.Tests.Dlp;

/// <summary>
/// Issue 16, seventh round (<c>dlpreach7</c>): the bypasses the sixth round's review left open — a spelled-out key
/// glued to a word (<c>the key is A K I A …</c>) or spelled out with <c>-</c> after the words of the same token run
/// (<c>/notes/my-key-is-g-h-p-…</c>), a key at the end of a character-code list or octal-escape run longer
/// than one 1,024-character piece, <c>user:password</c> in base64 of UTF-16LE, a key (or its base64) split across
/// cookies of one <c>Cookie</c> field — and the benign look-alikes that must stay quiet. Every malicious case here
/// passed the engine before this round (checked by stashing it), except
/// <see cref="A_spelled_out_key_directly_after_a_word_is_still_found"/>, which guards the placement an earlier fix of
/// the glued case lost.
/// </summary>
public sealed class RedTeamSeventhRoundTests
{
    private static readonly string[] Rules = ["github-pat-classic", "aws-access-key-id", "anthropic-api-key"];

    [Theory]
    [InlineData("the key is{0}ok", " ")]
    [InlineData("the key is{0}", " ")]
    [InlineData("id was{0}done", ".")]
    [InlineData("send it:{0}and stop", " ")]
    public void A_spelled_out_key_glued_to_a_word_is_found(string shape, string sep)
    {
        foreach (var rule in Rules)
        {
            string spread = string.Join(sep, Tokens.Samples[rule].ToCharArray());
            string text = string.Format(CultureInfo.InvariantCulture, shape, sep + spread + sep);
            var f = Assert.Single(Scan(text), x => x.RuleId == rule);
            Assert.Equal(DlpEncodings.Separated, f.Encoding);
        }
    }

    [Fact]
    public void A_spelled_out_key_directly_after_a_word_is_still_found()
    {
        // The placement the sixth round's review lost when it trimmed the stretch's edges: the key's first character
        // glued to the word before it, the separator only after it.
        foreach (var rule in Rules)
        {
            string text = "lor" + string.Join(".", Tokens.Samples[rule].ToCharArray()) + " ipsum";
            Assert.Contains(Scan(text), x => x.RuleId == rule && x.Encoding == DlpEncodings.Separated);
        }
    }

    [Theory]
    [InlineData("/notes/my-key-is{0}", "-")]
    [InlineData("slug: the-secret{0}\n", "-")]
    [InlineData("x=token_value{0} y", "_")]
    [InlineData("/u/mine{0}?a=1", "-_")]
    public void A_key_spelled_out_with_token_separators_after_words_of_the_same_run_is_found(string shape, string sep)
    {
        foreach (var rule in Rules)
        {
            string text = string.Format(CultureInfo.InvariantCulture, shape, sep + string.Join(sep, Tokens.Samples[rule].ToCharArray()));
            var f = Assert.Single(Scan(text), x => x.RuleId == rule);
            Assert.Equal(DlpEncodings.Separated, f.Encoding);
        }
    }

    [Theory]
    [InlineData("/docs/how-to-spell-a-b-c-d-e-f-g-h-i-j-k-l-m-n-o-p-q-r-s\n")]
    [InlineData("release-notes-for-v-1-2-3-4-5-6-7-8-9-10-11-12-13-14-15-16\n")]
    [InlineData("key_path_a_b_c_d_e_f_g_h_i_j_k_l_m_n_o_p_q_r_s_t_u_v_w_x_y_z\n")]
    public void Dashed_slugs_ending_in_single_letters_are_not_findings(string text)
    {
        Assert.Empty(Scan(text));
    }

    [Theory]
    [InlineData("the answer is a b c d e f g h i j k l m n o p q r s t u v w x y z and that is all\n")]
    [InlineData("Item is A B C D E F G H I J K L M N O P Q R S T U V W X Y Z in order\n")]
    [InlineData("grades were A A B C B A A C D B A B C A A B and so on\n")]
    public void Spelled_out_letters_after_a_word_are_not_findings(string text)
    {
        Assert.Empty(Scan(text));
    }

    [Theory]
    [InlineData(1000)]
    [InlineData(1010)]
    [InlineData(1020)]
    public void A_key_across_the_end_of_a_long_character_code_list_piece_is_found(int lead)
    {
        foreach (var rule in Rules)
        {
            string plain = new string('q', lead) + "=" + Tokens.Samples[rule] + ";" + new string('q', 40);
            string text = "String.fromCharCode(" + string.Join(',', plain.Select(c => ((int)c).ToString(CultureInfo.InvariantCulture))) + ")";
            Assert.Contains(Scan(text), x => x.RuleId == rule && x.Encoding == DlpEncodings.CharCodes);
        }
    }

    [Theory]
    [InlineData(1000, "\\")]
    [InlineData(1015, "\\")]
    [InlineData(790, "\\\\")]
    [InlineData(805, "\\\\")]
    public void A_key_across_the_end_of_a_long_octal_escape_piece_is_found(int lead, string backslash)
    {
        foreach (var rule in Rules)
        {
            string plain = new string('q', lead) + "=" + Tokens.Samples[rule] + ";" + new string('q', 40);
            string text = "printf '" + string.Concat(plain.Select(c => backslash + Convert.ToString(c, 8).PadLeft(3, '0'))) + "'\n";
            Assert.Contains(Scan(text), x => x.RuleId == rule && x.Encoding == DlpEncodings.Escape);
        }
    }

    [Fact]
    public void Long_code_lists_and_octal_runs_of_ordinary_text_are_not_findings()
    {
        var rnd = new Random(7);
        string prose = string.Concat(Enumerable.Range(0, 300).Select(i => "the quick brown fox ".AsSpan(i % 20, 1).ToString()));
        string words = string.Join(' ', Enumerable.Range(0, 400).Select(_ => "lorem ipsum dolor sit amet consectetur".Split(' ')[rnd.Next(6)]));
        Assert.Empty(Scan("String.fromCharCode(" + string.Join(',', words.Select(c => ((int)c).ToString(CultureInfo.InvariantCulture))) + ")"));
        Assert.Empty(Scan("printf '" + string.Concat(words.Select(c => "\\" + Convert.ToString(c, 8).PadLeft(3, '0'))) + "'\n" + prose));
    }

    private static string Utf16B64(string s) => Convert.ToBase64String(Encoding.Unicode.GetBytes(s));

    [Theory]
    [InlineData("deploy:Tr0ub4dor&3xyz")]
    [InlineData("ci-bot@example.com:s3cr3t-P4ss!")]
    public void A_user_password_pair_in_base64_of_utf16_is_found(string pair)
    {
        string text = "{\"auth\": \"" + Utf16B64(pair) + "\"}";
        var f = Assert.Single(Scan(text), x => x.RuleId == BuiltInRules.EncodedUserPasswordId);
        Assert.Equal(DlpEncodings.Base64 + "+" + DlpEncodings.Utf16, f.Encoding);
    }

    [Theory]
    [InlineData("Namespace:4f2a9c01")]
    [InlineData("https://example.com/a:b")]
    [InlineData("time:12:30:00.000")]
    [InlineData("user:password")]
    public void Utf16_base64_of_ids_times_and_placeholders_is_not_a_finding(string text)
    {
        Assert.Empty(Scan("{\"v\": \"" + Utf16B64(text) + "\"}"));
    }

    [Fact]
    public void A_key_or_its_base64_split_across_cookies_is_found()
    {
        string key = Tokens.Samples["github-pat-classic"];
        string b64 = Convert.ToBase64String(Encoding.UTF8.GetBytes(key));
        foreach (var cookie in new[] { "a=" + key[..20] + "; b=" + key[20..], "theme=dark; p1=" + b64[..28] + "; p2=" + b64[28..] })
        {
            var f = Assert.Single(Engine.ScanRequest(Request(headers: [("Cookie", cookie)]), DlpDetectors.All).Findings);
            Assert.Equal(("github-pat-classic", "Cookie"), (f.RuleId, f.Location.Name));
        }
    }

    [Fact]
    public void Ordinary_browser_cookies_are_not_joined_into_findings()
    {
        var request = Request(headers: [("Cookie", "theme=dark; lang=en-US; _ga=GA1.2.1234567890.1700000000; _gid=GA1.2.987654321.1700000001; ab=variant-B; "
            + "consent=eyJhbmFseXRpY3MiOiBmYWxzZSwgImFkcyI6IGZhbHNlfQ; last_seen=1700000123; tz=Europe%2FBerlin; cart=3f2a9c01e8b7d6c5")]);
        Assert.Empty(Engine.ScanRequest(request, DlpDetectors.All).Findings);
    }
}
