using BotBottle.Dlp;
using static BotBottle.Tests.Dlp.DlpTestHelpers;

namespace BotBottle.Tests.Dlp;

/// <summary>
/// Twelfth red-team round (<c>/work/notes/redteam12.md</c>, families 2, 11 and 12), three shapes the engine missed:
/// <list type="number">
/// <item>Go MySQL driver DSNs, <c>[username[:password]@][protocol[(address)]]/dbname[?params]</c>
/// (github.com/go-sql-driver/mysql README, "DSN (Data Source Name)"): <c>app:…@tcp(db:3306)/prod</c>, <c>@unix(</c>, <c>@tcp6(</c>.</item>
/// <item>AWS access key ids lower-cased as DNS exfiltration does (AKIA/ASIA + 16 of [A-Z2-7],
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-unique-ids): a whole
/// 20-character token <c>akia…</c> in a host label, a query value, a path, a body.</item>
/// <item>BIP-39 phrases (https://github.com/bitcoin/bips/blob/master/bip-0039.mediawiki) joined by <c>-</c>, <c>_</c>
/// or <c>/</c> (one token run).</item>
/// </list>
/// Every malicious case here passed speed12 9e0a2dc's engine. The phrases are generated from random entropy by the
/// BIP-39 algorithm (checksum = the first ENT/32 bits of SHA-256 of the entropy), the key ids and passwords are
/// random characters in the documented shapes; none is a published example or a real credential.
/// </summary>
public sealed class RedTeamTwelfthRoundTests
{
    private const string Phrase12 = "bleak silver spoon hotel video burst vacuum zero pink pair income enable";

    private const string Phrase12B = "time glove educate axis amused left holiday exchange leisure siren always slot";

    private const string Phrase24 = "girl wool apart route foot when oil evidence carpet vessel settle wolf public oyster vintage refuse universe muffin lyrics life sign filter midnight during";

    /// <summary>Twelve wordlist words whose checksum does not verify.</summary>
    private const string NotPhrase12 = "mobile shine upset cruel whale crush stove custom vote face purpose movie";

    private const string LowerAkia = "akiamdjncum4m2r7d44u";

    private const string LowerAsia = "asiaj5xl3tfsywjkyczl";

    private const string Password = "JRac8W8LGzH9MSNhnU2p";

    private const string Password2 = "k69H0NChrRrBhjPcuBon3GWO";

    // ---- 1. Go MySQL driver DSN ------------------------------------------------------------------------------------

    public static TheoryData<string, string> Dsns() => new()
    {
        { "env", $"DSN=app:{Password}@tcp(db.internal:3306)/prod\n" },
        { "go-source", $"db, err := sql.Open(\"mysql\", \"app:{Password}@tcp(10.0.0.5:3306)/prod?parseTime=true\")\n" },
        { "unix", $"dsn: user:{Password2}@unix(/var/run/mysqld/mysqld.sock)/db\n" },
        { "tcp6", $"{{\"dsn\":\"svc:{Password2}@tcp6([::1]:3306)/app\"}}" },
        { "punctuated", $"MYSQL=root:x9!{Password}@tcp(127.0.0.1)/mysql\n" },
    };

    [Theory]
    [MemberData(nameof(Dsns))]
    public void A_go_mysql_dsn_with_a_password_is_found(string name, string body)
    {
        var findings = ScanBody(body, "text/plain");
        Assert.True(findings.Any(f => f.RuleId == BuiltInRules.UrlCredentialsId), $"{name}: {Describe(findings)}");
    }

    [Theory]
    [InlineData("DSN=app:${MYSQL_PASSWORD_FROM_THE_ENVIRONMENT_VAR}@tcp(db:3306)/prod\n")]
    [InlineData("dsn := \"user:password@tcp(127.0.0.1:3306)/dbname_for_the_example_in_readme\"\n")]
    [InlineData("dsn := \"user:<pass>@unix(/var/run/mysqld/mysqld_example_socket.sock)/db\"\n")]
    [InlineData("DSN=app:********************@tcp(db:3306)/prod\n")]
    [InlineData("dsn := \"user@tcp(127.0.0.1:3306)/database_without_any_password?x=1\"\n")]
    [InlineData("contact: someone_with_a_long_handle_name@tcp-consulting.example.com\n")]
    public void Dsn_placeholders_and_look_alikes_are_not_findings(string body) =>
        Assert.DoesNotContain(ScanBody(body, "text/plain"), f => f.RuleId == BuiltInRules.UrlCredentialsId);

    // ---- 2. lower-cased AWS access key ids -------------------------------------------------------------------------

    [Theory]
    [InlineData(LowerAkia)]
    [InlineData(LowerAsia)]
    public void A_lower_cased_aws_key_id_is_found_unvalidated(string id)
    {
        var requests = new[]
        {
            Request("/", host: id + ".x.example.com"),
            Request("/", host: "k-" + id + ".x.example.com"),
            Request("/c?k=" + id),
            Request("/c/" + id + "/upload"),
            Request("/collect", "{\"key\":\"" + id + "\"}", "application/json"),
        };
        foreach (var request in requests)
        {
            var findings = Engine.ScanRequest(request, DlpDetectors.All).Findings;
            Assert.True(findings.Any(f => f.RuleId == "aws-access-key-id" && !f.Validated), $"{request.PathAndQuery} @ {request.Host}: {Describe(findings)}");
        }
    }

    [Theory]
    [InlineData("akiamdjncum4m2r7d44ux is one character too long")] // 21 characters
    [InlineData("xakiamdjncum4m2r7d44u glued to a letter")]
    [InlineData("akiamdjncumamrbdaaau has no digit")]
    [InlineData("akiamdjncum4m2r8d44u has an 8 (not base32)")]
    [InlineData("asiapacificregionsxy asia-northeast1-docker.pkg.dev")]
    [InlineData("/nix/store/akiamdjncum4m2r7d44uxyzabcde23-hello-2.12.1")] // a Nix store hash: 32 characters
    [InlineData("akiamdjncum4m2r7d44uakiamdjncum4m2r7d44uakiamdjnc.onion")] // an onion address: 56 characters
    public void Lower_case_look_alikes_are_not_aws_key_ids(string body) =>
        Assert.DoesNotContain(ScanBody(body, "text/plain"), f => f.RuleId == "aws-access-key-id");

    // ---- 3. BIP-39 phrases joined by - _ / -------------------------------------------------------------------------

    private static IEnumerable<(string Name, string Body, string ContentType)> JoinedShapes(string phrase)
    {
        foreach (char sep in "-_/")
        {
            string joined = phrase.Replace(' ', sep);
            yield return ($"{sep}-bare", joined + "\n", "text/plain");
            yield return ($"{sep}-json", "{\"note\":\"" + joined + "\"}", "application/json");
            yield return ($"{sep}-path", "GET /c/" + joined + " HTTP/1.1\n", "text/plain");
        }
    }

    public static TheoryData<string, string, string> JoinedPhrases()
    {
        var data = new TheoryData<string, string, string>();
        foreach (string phrase in new[] { Phrase12, Phrase12B, Phrase24 })
        {
            foreach (var (name, body, type) in JoinedShapes(phrase))
            {
                data.Add($"{phrase.Split(' ').Length}{name}", body, type);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(JoinedPhrases))]
    public void A_seed_phrase_joined_by_a_token_character_is_found(string name, string body, string contentType)
    {
        var findings = ScanBody(body, contentType);
        Assert.True(findings.Any(f => f.RuleId == "crypto-seed-phrase" && f.Validated), $"{name}: {Describe(findings)}");
    }

    [Fact]
    public void A_joined_seed_phrase_is_found_in_the_url_path_and_query()
    {
        string joined = Phrase12.Replace(' ', '-');
        foreach (var request in new[] { Request("/" + Phrase12.Replace(' ', '/')), Request("/c?m=" + joined), Request("/c/" + Phrase12.Replace(' ', '_')) })
        {
            var findings = Engine.ScanRequest(request, DlpDetectors.All).Findings;
            Assert.True(findings.Any(f => f.RuleId == "crypto-seed-phrase"), $"{request.PathAndQuery}: {Describe(findings)}");
        }
    }

    public static TheoryData<string, string, string> JoinedLookAlikes()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var (name, body, type) in JoinedShapes(NotPhrase12))
        {
            data.Add("checksum" + name, body, type);
        }

        foreach (var (name, body, type) in JoinedShapes("abandon ability able about above absent absorb abstract absurd abuse access accident"))
        {
            data.Add("sorted" + name, body, type);
        }

        foreach (var (name, body, type) in JoinedShapes(string.Join(' ', Phrase12.Split(' ')[..11])))
        {
            data.Add("eleven" + name, body, type);
        }

        data.Add("slug", "https://blog.example.com/how-to-build-a-small-wallet-app-with-rust-and-tokio-in-one-weekend-part-two\n", "text/plain");
        data.Add("path", "/api/v1/repos/owner/name/contents/src/main/java/com/example/service/impl/user/account/Handler.java\n", "text/plain");
        data.Add("snake", "def test_when_the_user_has_no_wallet_the_balance_page_shows_an_empty_state_and_a_button(): pass\n", "text/plain");
        return data;
    }

    [Theory]
    [MemberData(nameof(JoinedLookAlikes))]
    public void Joined_words_that_are_no_phrase_are_not_findings(string name, string body, string contentType)
    {
        var findings = ScanBody(body, contentType);
        Assert.True(!findings.Any(f => f.RuleId == "crypto-seed-phrase"), $"{name}: {Describe(findings)}");
    }
}
