using BotBottle.Dlp;
using static BotBottle.Tests.Dlp.DlpTestHelpers;

namespace BotBottle.Tests.Dlp;

/// <summary>
/// The r36 round of issue 16: BIP-39 seed phrases as people write them. A phrase written by hand fails its checksum
/// 15 times in 16, so under a label naming a seed (<c>mnemonic</c>, <c>seed phrase</c>, <c>recovery phrase</c>,
/// <c>wallet</c>) a whole list, numbered list, slug or capitalised phrase of a phrase's length is reported, unvalidated;
/// one word per JSON-escaped line is read wherever the probe lands; <c>my seed …</c> is read without its label word.
/// Without a label, lists of wordlist words stay quiet (tags, keyword lists), and so do lists near everyday words that
/// only sound like one (<c>random.seed(42)</c>, a hangman game's secret words, an opcode mnemonic table: the rt37
/// false-positive hunt).
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
        foreach (string label in new[] { "Seed phrase", "mnemonic", "Recovery phrase", "WALLET_MNEMONIC", "Secret Recovery Phrase (12 words)" })
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
        foreach (string label in new[] { "tags", "Keywords", "Passphrase ideas", "linseed", "seed", "phrase", "wallet colours", "recovery regions", "secret words", "MNEMONICS", "opcode mnemonic table", "phrase_keys" })
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
                string label = words == Checked ? "notes" : "seed phrase";
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
    [InlineData("# .env.example\nPOSTGRES_PASSWORD=password123\n")]
    [InlineData("# weak sample for strength-meter tests\nWEAK_PASSWORD=password123\n")]
    public void Example_passwords_in_code_and_placeholders_stay_quiet(string text) =>
        Assert.DoesNotContain(Scan(text), f => f.RuleId == "credential-assignment");

    /// <summary>
    /// Tried in r36 and dropped after its false-positive hunt: example passwords in URLs to hosts that are not local
    /// (documentation and development hosts are too many to list: example.com, host.docker.internal, private addresses,
    /// *.svc, *.internal…) and private keys cut short (tutorials cut keys after their fixed first bytes).
    /// </summary>
    [Theory]
    [InlineData("url: postgres://app:password123@db.example.com:5432/app\n")]
    [InlineData("url: postgres://app:hunter2@host.docker.internal:5432/app\n")]
    [InlineData("-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA...\n-----END RSA PRIVATE KEY-----\n")]
    [InlineData("-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjE...\n-----END OPENSSH PRIVATE KEY-----\n")]
    [InlineData("key=\"-----BEGIN PRIVATE KEY-----\\nXXXX\\nXXXX\\n-----END PRIVATE KEY-----\"\n")]
    public void Example_passwords_in_urls_and_cut_keys_in_tutorials_stay_quiet(string text) =>
        Assert.Empty(Scan(text));

    [Theory]
    [InlineData("In tests we use the dummy key sk_test_1234567890 everywhere.")]
    [InlineData("def test_mask_sk_live_prefix_v2(): pass")]
    [InlineData("new Stripe('sk_test_mock_key_123')")]
    [InlineData("checksum sha256-sk-Ab12Cd34Ef56Gh78Ij90")]
    [InlineData("fake token glpat-1234567890abcdef for tests")]
    [InlineData("token glpat-abc123def456")]
    [InlineData("Deploy tokens look like gldt-0000000000000.")]
    [InlineData("Slack token example xoxb-123-456-789abc")]
    [InlineData("SLACK_APP_TOKEN=xapp-1-A0000000000-...")]
    public void Dummies_and_names_shaped_like_short_keys_stay_quiet(string text) =>
        Assert.DoesNotContain(Scan(text + "\n"), f => f.RuleId is "stripe-secret-key" or "openai-api-key" or "gitlab-pat" or "gitlab-deploy-token" or "slack-bot-token" or "slack-app-token");

    [Theory]
    [InlineData("# list of secret words for the hangman game\nwords = [\"dog\", \"cat\", \"horse\", \"pig\", \"goat\", \"lion\", \"tiger\", \"wolf\", \"fox\", \"rabbit\", \"mouse\", \"eagle\"]")]
    [InlineData("{\"seed\": 42, \"labels\": [\"person\", \"bicycle\", \"car\", \"bus\", \"train\", \"truck\", \"boat\", \"bird\", \"cat\", \"dog\", \"horse\", \"elephant\"]}")]
    [InlineData("Seed data (fruits):\n- apple\n- banana\n- cherry\n- grape\n- lemon\n- orange\n- mango\n- pear\n- kiwi\n- olive\n- tomato\n- potato")]
    [InlineData("// wallet theme palette\nconst colors = ['blue','green','yellow','black','pink','brown','silver','gold','orange','olive','cherry','lemon'];")]
    [InlineData("# toy VM: opcode mnemonic table\nMNEMONICS = [\"load\", \"move\", \"copy\", \"add\", \"jump\", \"call\", \"return\", \"push\", \"loop\", \"input\", \"output\", \"print\"]")]
    [InlineData("import random\nrandom.seed(42)\nFRUITS = [\"apple\", \"banana\", \"cherry\", \"grape\", \"lemon\", \"orange\", \"mango\", \"pear\", \"kiwi\", \"olive\", \"tomato\", \"potato\"]")]
    [InlineData("// memory game: player must recall the phrase\nconst phrase = [\"dog\", \"cat\", \"horse\", \"pig\", \"goat\", \"lion\", \"tiger\", \"wolf\", \"fox\", \"rabbit\", \"mouse\", \"eagle\"];")]
    public void Lists_near_everyday_seed_words_stay_quiet(string text) =>
        Assert.DoesNotContain(ScanBody(text, "text/plain"), f => f.RuleId == "crypto-seed-phrase");

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

    [Fact]
    public void A_label_that_ends_in_a_wordlist_word_is_not_counted_in_the_list()
    {
        // "seed phrase\nlift\nplug\n…": "phrase" is a wordlist word glued to the list like its items (13 words)
        string body = Json("text", "seed phrase\\n" + string.Join("\\n", W(Unchecked)));
        var finding = Assert.Single(ScanBody(body), f => f.RuleId == "crypto-seed-phrase");
        Assert.Equal(body.IndexOf("lift", StringComparison.Ordinal), finding.Start);
    }
}
