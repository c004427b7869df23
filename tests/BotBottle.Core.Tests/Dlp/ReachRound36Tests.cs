using BotBottle.Dlp;
using static BotBottle.Tests.Dlp.DlpTestHelpers;

namespace BotBottle.Tests.Dlp;

/// <summary>
/// The r36 round of issue 16: BIP-39 seed phrases as people write them. A phrase written by hand fails its checksum
/// 15 times in 16, so under a label naming a seed (<c>mnemonic</c>, <c>seed phrase</c>, <c>recovery phrase</c>,
/// <c>wallet</c>) a whole list, numbered list, slug or capitalised phrase of a phrase's length is reported, unvalidated;
/// one word per JSON-escaped line is read wherever the probe lands; <c>my seed …</c> is read without its label word.
/// Without a label, lists of wordlist words stay quiet (tags, keyword lists).
/// </summary>
public sealed class ReachRound36Tests
{
    /// <summary>Twelve wordlist words whose checksum fails (checked with the BIP-39 algorithm).</summary>
    private const string Unchecked = "lift plug govern kite glass depend noble video keep engine abuse monster";

    /// <summary>Twelve wordlist words whose checksum verifies.</summary>
    private const string Checked = "reward ask viable crumble multiply glove custom palace wire toddler harvest puppy";

    private static string[] W(string phrase) => phrase.Split(' ');

    private static string Json(string key, string value) => "{\"" + key + "\": \"" + value + "\"}";

    /// <summary>The phrase in the layouts the earlier rounds read only with a valid checksum: (name, body).</summary>
    private static IEnumerable<(string Name, string Body)> Layouts(string label, string phrase)
    {
        var w = W(phrase);
        yield return ("escaped-lines", Json("text", label + ":\\n" + string.Join("\\n", w)));
        yield return ("escaped-tabs", Json("text", label + ":\\t" + string.Join("\\t", w)));
        yield return ("escaped-crlf", Json("text", label + ":\\r\\n" + string.Join("\\r\\n", w)));
        yield return ("numbered", Json("text", label + "\\n" + string.Join("\\n", w.Select((x, i) => $"{i + 1}. {x}"))));
        yield return ("bullets", Json("text", label + ":\\n" + string.Join("\\n", w.Select(x => "- " + x))));
        yield return ("title", Json("text", label + ": " + string.Join(' ', w.Select(x => char.ToUpperInvariant(x[0]) + x[1..]))));
        yield return ("upper", Json("text", label + ": " + phrase.ToUpperInvariant()));
        yield return ("slug", Json("text", label + ":\\n" + string.Join('-', w)));
        yield return ("path", Json("text", label + ": " + string.Join('/', w)));
        yield return ("array", "{\"" + label + "\": [\"" + string.Join("\", \"", w) + "\"]}");
    }

    public static TheoryData<string, string> LabelledUnchecked()
    {
        var data = new TheoryData<string, string>();
        foreach (string label in new[] { "Seed phrase", "mnemonic", "Recovery phrase", "wallet" })
        {
            foreach (var (name, body) in Layouts(label, Unchecked))
            {
                data.Add($"{label}/{name}", body);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(LabelledUnchecked))]
    public void A_phrase_under_a_seed_label_is_found_though_its_checksum_fails(string name, string body)
    {
        var found = ScanBody(body).FindAll(f => f.RuleId == "crypto-seed-phrase");
        Assert.True(found.Count > 0 && found.All(f => !f.Validated), $"{name}: {Describe(found)}");
    }

    public static TheoryData<string, string> UnlabelledUnchecked()
    {
        var data = new TheoryData<string, string>();
        foreach (string label in new[] { "tags", "Keywords", "Passphrase ideas", "linseed" })
        {
            foreach (var (name, body) in Layouts(label, Unchecked))
            {
                data.Add($"{label}/{name}", body);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(UnlabelledUnchecked))]
    public void Wordlist_words_that_fail_the_checksum_without_a_seed_label_stay_quiet(string name, string body) =>
        Assert.True(!ScanBody(body).Any(f => f.RuleId == "crypto-seed-phrase"), name);

    [Fact]
    public void One_word_per_escaped_line_is_found_wherever_the_probe_lands()
    {
        // The probe pass samples every 44 characters; it may land on the escape's backslash or letter.
        var missed = new List<int>();
        foreach (string words in new[] { Checked, Unchecked })
        {
            string list = string.Join("\\n", W(words));
            for (int pad = 0; pad < 90; pad++)
            {
                string label = words == Checked ? "notes" : "seed";
                string body = "{\"pad\": \"" + new string('Z', pad) + "\", \"text\": \"" + label + ":\\n" + list + "\"}";
                if (!ScanBody(body).Any(f => f.RuleId == "crypto-seed-phrase" && f.Validated == (words == Checked)))
                {
                    missed.Add(pad);
                }
            }
        }

        Assert.True(missed.Count == 0, "missed at " + string.Join(", ", missed));
    }

    [Theory]
    [InlineData("my seed ")]
    [InlineData("Here is the wallet seed ")]
    [InlineData("seed phrase ")]
    [InlineData("my secret phrase ")]
    public void A_run_that_starts_with_words_naming_the_phrase_is_read_without_them(string prefix)
    {
        // (a 12-word window over the label words may pass the 4-bit checksum by chance: then that window is reported,
        // validated, as for any run; "seed phrase lift …" does)
        string body = Json("text", prefix + Unchecked);
        var finding = Assert.Single(ScanBody(body), f => f.RuleId == "crypto-seed-phrase");
        if (!finding.Validated)
        {
            Assert.Equal(body.IndexOf("lift", StringComparison.Ordinal), finding.Start);
        }
    }

    [Theory]
    [InlineData("{\"mnemonic\": \"abandon ability able about above absent absorb abstract absurd abuse access accident\"}", true)]
    [InlineData("{\"words\": \"abandon ability able about above absent absorb abstract absurd abuse access accident\"}", false)]
    [InlineData("# BIP-39 seed words, sorted\nabandon\nability\nable\nabout\nabove\nabsent\nabsorb\nabstract\nabsurd\nabuse\naccess\naccident\naccount\n", false)]
    public void The_wordlist_s_first_twelve_words_are_a_phrase_under_a_seed_label_only(string body, bool found) =>
        Assert.Equal(found, ScanBody(body).Any(f => f.RuleId == "crypto-seed-phrase"));

    [Fact]
    public void Double_spaced_words_are_one_run() =>
        Assert.Contains(ScanBody(Json("text", string.Join("  ", W(Checked)))), f => f.RuleId == "crypto-seed-phrase" && f.Validated);

    [Theory]
    [InlineData("{\"mnemonic\": [\"lift\", \"plug\", \"govern\", \"kite\", \"glass\", \"depend\", \"noble\", \"video\", \"keep\", \"engine\", \"abuse\", \"monster\", \"grape\"]}")]
    [InlineData("{\"seed\": 42, \"labels\": [\"lift\", \"plug\", \"govern\", \"kite\", \"glass\", \"depend\", \"noble\", \"video\", \"keep\", \"engine\", \"abuse\"]}")]
    [InlineData("{\"mnemonic\": [\"cat\", \"dog\", \"cat\", \"dog\", \"cat\", \"dog\", \"cat\", \"dog\", \"cat\", \"dog\", \"cat\", \"dog\"]}")]
    public void Labelled_lists_that_are_not_a_phrase_s_shape_stay_quiet(string body) =>
        Assert.DoesNotContain(ScanBody(body), f => f.RuleId == "crypto-seed-phrase");

    [Theory]
    [InlineData("DB_PASSWORD=password123\n")]
    [InlineData("NODE_ENV=production\nexport PGPASSWORD=hunter2\n")]
    [InlineData("{\"env\": \"HOME=/root\\nMYSQL_PASSWORD=admin123\\nPATH=/usr/bin\"}")]
    public void An_example_password_in_an_environment_dump_is_reported(string text) =>
        Assert.Contains(Scan(text), f => f.RuleId == "credential-assignment");

    [Theory]
    [InlineData("password = \"hunter2\"\n")]
    [InlineData("{\"username\": \"alice\", \"password\": \"admin123\"}")]
    [InlineData("db_password=password123\n")] // not an environment variable's name
    [InlineData("echo DB_PASSWORD=password123 >> .env\n")] // not at a line's start
    [InlineData("DB_PASSWORD=changeme\n")] // a placeholder, not an example password
    public void Example_passwords_in_code_and_placeholders_stay_quiet(string text) =>
        Assert.DoesNotContain(Scan(text), f => f.RuleId == "credential-assignment");

    [Theory]
    [InlineData("postgres://admin:password123@prod-db.corp.example.com:5432/app", true)]
    [InlineData("mongodb://admin:admin123@mongo.internal:27017/app", true)]
    [InlineData("postgres://app:password123@localhost:5432/app_test", false)]
    [InlineData("postgres://app:hunter2@db:5432/app", false)] // a compose service
    [InlineData("mysql://root:P@ssw0rd@127.0.0.1/db", false)]
    [InlineData("redis://:hunter2@cache.local:6379", false)]
    public void An_example_password_in_a_url_counts_off_a_development_host(string url, bool reported)
    {
        var found = Scan("url: " + url + "\n").FindAll(f => f.RuleId == "url-credentials");
        Assert.Equal(reported, found.Count > 0);
        Assert.All(found, f => Assert.False(f.Validated));
    }

    [Theory]
    [InlineData("-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA...\n-----END RSA PRIVATE KEY-----\n", true)]
    [InlineData("{\"k\": \"-----BEGIN OPENSSH PRIVATE KEY-----\\nb3BlbnNzaC1rZXktdjEAAAAAFAKE\\n-----END OPENSSH PRIVATE KEY-----\"}", true)]
    [InlineData("key=\"-----BEGIN PRIVATE KEY-----\\nXXXX\\nXXXX\\n-----END PRIVATE KEY-----\"\n", false)]
    [InlineData("a file that starts with -----BEGIN RSA PRIVATE KEY----- and ends with -----END RSA PRIVATE KEY-----.", false)]
    [InlineData("-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIBx...\n-----END RSA PRIVATE KEY-----\n", false)] // END of another label
    public void A_private_key_cut_short_is_reported_unvalidated(string text, bool reported)
    {
        var found = Scan(text).FindAll(f => f.RuleId == "private-key");
        Assert.Equal(reported, found.Count > 0);
        Assert.All(found, f => Assert.False(f.Validated));
    }

    [Fact]
    public void Hex_bytes_separated_by_blanks_alone_are_decoded()
    {
        string key = Tokens.Samples["github-pat-classic"];
        string spaced = string.Join(' ', key.Select(c => "0x" + ((int)c).ToString("x2", System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Contains(ScanBody(Json("text", spaced)), f => f.RuleId == "github-pat-classic" && f.Validated);
        Assert.Empty(ScanBody(Json("text", string.Join(' ', Enumerable.Range(0, 40).Select(i => "0x" + (i * 37 % 256).ToString("x2", System.Globalization.CultureInfo.InvariantCulture))))));
    }

    [Theory]
    [InlineData("HRKU-3ed1b725-ac57-40cd-a9d4-fcdeb703b781", true)]
    [InlineData("HRKU-AAxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", false)] // no digit
    [InlineData("HRKU-short1", false)]
    public void A_heroku_key_after_its_prefix_is_reported_unvalidated(string value, bool reported)
    {
        var found = ScanBody(Json("text", value)).FindAll(f => f.RuleId == "heroku-api-key");
        Assert.Equal(reported, found.Count > 0);
        Assert.All(found, f => Assert.False(f.Validated));
    }
}
