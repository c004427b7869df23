using BotBottle.Dlp;
using static BotBottle.Tests.Dlp.DlpTestHelpers;

namespace BotBottle.Tests.Dlp;

/// <summary>
/// Thirteenth round (red team 12, <c>seed13</c>): shapes with a strong validator the engine already had, in forms it
/// did not reach.
/// <list type="number">
/// <item>BIP-39 phrases (https://github.com/bitcoin/bips/blob/master/bip-0039.mediawiki) written without separators
/// (concatenated, CamelCase, upper-case) or as host-name labels (one word a label, or hyphen-joined words a label).</item>
/// <item>OpenAI and Google API keys lower-cased (a DNS label, a lower-cased log): <c>sk-…t3blbkfj…</c>, <c>aiza</c> + 35.</item>
/// <item>JWTs (RFC 7519, RFC 7515 §7.1) with their segments glued by <c>~</c> or by nothing, sent as three query
/// parameters, or without the header (payload and signature).</item>
/// <item>Payment card numbers grouped by dots, 4-4-4-4 and 4-6-5 (ISO/IEC 7812-1: IIN and Luhn).</item>
/// </list>
/// Every malicious case here passed main 9057a4c's engine. The phrases are generated from random entropy by the BIP-39
/// algorithm; the keys are random characters in each vendor's documented shape; the JWT is signed with a random
/// HMAC key; the card numbers are random digits after an issuer prefix with a computed Luhn digit. None is a published
/// example or a real credential.
/// </summary>
public sealed class RedTeamValidatorShapesTests
{
    private const string Phrase12 = "permit fatigue hip doctor hope strategy scene salmon lucky syrup taste defense";

    private const string Phrase12B = "chaos flee deal move keen try twelve absurd pencil crumble alarm gallery";

    private const string Phrase24 = "brisk stomach turtle secret upon voyage ten aisle cool grape hint engage sick bubble frame cheese tackle shield action fresh onion saddle indoor symbol";

    /// <summary>Twelve wordlist words whose checksum does not verify.</summary>
    private const string NotPhrase12 = "mobile shine upset cruel whale crush stove custom vote face purpose movie";

    private const string OpenAiLower = "sk-proj-_buat3mdpdylegdu3gt4ldjp_o04af9g689adjkh9kz4j8lprcfzwcn2y_oeyk1zqlmr8y1sobt3blbkfjxk8ducqqe9kq4plm6-ey7uni4wpii2-u-0-7c81z3057luy1nx78xdx1d075zijsn50k0h3ego";

    private const string OpenAiLowerShort = "sk-2rln3oj7wloxv4pazbuut3blbkfjqyr8eugon2sau5f9czjh";

    private const string GoogleLower = "aiza58hwrzc6_aschl656i-oech0qpi8v0vo534";

    private const string JwtHeader = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9";

    /// <summary>{"sub":"svc-ci-runner","iat":1733400000,"exp":1733486400,"iss":"https://auth.internal.example"}</summary>
    private const string JwtPayload = "eyJzdWIiOiJzdmMtY2ktcnVubmVyIiwiaWF0IjoxNzMzNDAwMDAwLCJleHAiOjE3MzM0ODY0MDAsImlzcyI6Imh0dHBzOi8vYXV0aC5pbnRlcm5hbC5leGFtcGxlIn0";

    private const string JwtSignature = "i8sO8eCtWxfF9q6FqGsBRcFSIlzuyCzULFOFsYh0ETQ";

    private const string Visa = "4914784181303591";

    private const string Mastercard = "5316799377892521";

    private const string Amex = "373168622012882";

    private static string Concat(string phrase) => phrase.Replace(" ", string.Empty, StringComparison.Ordinal);

    private static string Camel(string phrase) => string.Concat(phrase.Split(' ').Select(w => char.ToUpperInvariant(w[0]) + w[1..]));

    private static string Hyphen4(string phrase)
    {
        var words = phrase.Split(' ');
        return string.Join('.', words.Chunk(4).Select(c => string.Join('-', c)));
    }

    private static bool Seed(IEnumerable<DlpFinding> findings) => findings.Any(f => f.RuleId == "crypto-seed-phrase");

    private static List<DlpFinding> Get(string pathAndQuery, string host = "api.example.com") =>
        [.. Engine.ScanRequest(Request(pathAndQuery, host: host), DlpDetectors.All).Findings];

    // ---- 1. BIP-39 phrases without separators, and as host labels ---------------------------------------------------

    public static TheoryData<string, string> UnseparatedPhraseBodies() => new()
    {
        { "concatenated", Concat(Phrase12) },
        { "concatenated-json", $"{{\"note\": \"{Concat(Phrase12B)}\"}}" },
        { "concatenated-24", "wallet=" + Concat(Phrase24) + "\n" },
        { "camel", Camel(Phrase12) },
        { "camel-24-json", $"{{\"id\": \"{Camel(Phrase24)}\"}}" },
        { "upper", Concat(Phrase12B).ToUpperInvariant() },
        { "lower-camel", char.ToLowerInvariant(Camel(Phrase12B)[0]) + Camel(Phrase12B)[1..] },
    };

    [Theory]
    [MemberData(nameof(UnseparatedPhraseBodies))]
    public void A_phrase_without_separators_is_found(string name, string body)
    {
        var findings = ScanBody(body, "text/plain");
        Assert.True(Seed(findings), $"{name}: {Describe(findings)}");
    }

    public static TheoryData<string, string> PhraseHosts() => new()
    {
        { "dotted", Phrase12.Replace(' ', '.') + ".x.example.com" },
        { "dotted-then-list-word-domain", Phrase12B.Replace(' ', '.') + ".evil.example.com" },
        { "hyphen-labels", Hyphen4(Phrase12) + ".x.example.com" },
        { "hyphen-labels-24", Hyphen4(Phrase24) + ".t.example.com" },
    };

    [Theory]
    [MemberData(nameof(PhraseHosts))]
    public void A_phrase_in_host_labels_is_found(string name, string host)
    {
        var findings = Get("/", host);
        Assert.True(Seed(findings), $"{name}: {Describe(findings)}");
    }

    [Theory]
    [InlineData("thisisaverylongvariablenamethatgoesonandonforeverandever")]
    [InlineData("AbstractSingletonProxyFactoryBeanDefinitionRegistryPostProcessor")]
    [InlineData("SimpleBeanFactoryAwareAspectInstanceFactoryTestsConfiguration")]
    [InlineData("donaudampfschifffahrtselektrizitaetenhauptbetriebswerkbauunterbeamtengesellschaft")]
    [InlineData("mobileshineupsetcruelwhalecrushstovecustomvotefacepurposemovie")] // 12 list words, checksum fails
    [InlineData("MobileShineUpsetCruelWhaleCrushStoveCustomVoteFacePurposeMovie")]
    [InlineData("abandonabilityableaboutaboveabsentabsorbabstractabsurdabuseaccessaccident")] // the list's first 12, ascending
    [InlineData("permitfatiguehipdoctorhopestrategyscenesalmonluckysyruptaste")] // 11 words of a phrase
    [InlineData("{\"cursor\": \"QWxhZGRpbnNlc2FtZW9wZW5zZXNhbWVvcGVuc2VzYW1lb3Blbg\"}")]
    public void Letter_runs_that_are_no_phrase_are_not_findings(string body) =>
        Assert.False(Seed(ScanBody(body, "text/plain")), body);

    [Theory]
    [InlineData("mobile.shine.upset.cruel.whale.crush.stove.custom.vote.face.purpose.movie.x.example.com")] // checksum fails
    [InlineData("north.south.east.west.zone.cluster.local.service.access.alpha.x.example.com")]
    [InlineData("d1q6f0aelx0por.cloudfront.net")]
    [InlineData("prod-east-web-cluster.service-mesh-internal.staging-deploy-zone.example.com")]
    public void Host_names_of_words_that_are_no_phrase_are_not_findings(string host) =>
        Assert.False(Seed(Get("/", host)), host);

    [Fact]
    public void Letter_runs_with_many_cuts_stay_bounded_and_clean()
    {
        // Runs of 3-letter list words that also start longer ones ("art"/"artist", "car"/"cargo", "can"/"canal"):
        // every position offers two cuts; the search gives up after its budget, and a body of many such runs is clean.
        string run = string.Concat(Enumerable.Repeat("artcarcanfun", 16))[..192];
        Assert.False(Seed(ScanBody(run, "text/plain")));
        string many = string.Join(' ', Enumerable.Repeat("artistcargocanalfunnelartistcargocanalfunnel", 2000));
        Assert.False(Seed(ScanBody(many, "text/plain")));
    }

    // ---- 2. lower-cased OpenAI and Google keys ---------------------------------------------------------------------

    [Theory]
    [InlineData(OpenAiLower, "openai-api-key")]
    [InlineData(OpenAiLowerShort, "openai-api-key")]
    [InlineData(GoogleLower, "gcp-api-key")]
    public void A_lower_cased_vendor_key_is_found_unvalidated(string key, string rule)
    {
        foreach (var findings in new[] { Get("/c?k=" + key), ScanBody("{\"k\": \"" + key + "\"}"), ScanBody("log: key=" + key + " sent\n", "text/plain") })
        {
            var f = Assert.Single(findings, f => f.RuleId == rule);
            Assert.False(f.Validated);
        }
    }

    [Fact]
    public void A_lower_cased_google_key_in_a_host_label_is_found() =>
        Assert.Contains(Get("/", GoogleLower.Replace('_', '-') + ".x.example.com"), f => f.RuleId == "gcp-api-key");

    [Theory]
    [InlineData("aiza58hwrzc6_aschl656i-oech0qpi8v0vo5345")] // 40 characters
    [InlineData("xaiza58hwrzc6_aschl656i-oech0qpi8v0vo534")] // glued to a letter
    [InlineData("aizaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")] // no digits
    [InlineData("the aizawa-prefecture-tourism-board-homepage-2024 link")]
    [InlineData("sk-this-is-not-a-key-t3blbkfj-just-a-test-fixture-name")] // one digit
    [InlineData("task-2rln3oj7wloxv4pazbuut3blbkfjqyr8eugon2sau5f9czjh")] // no sk- at the start
    public void Lower_case_look_alikes_are_not_findings(string text)
    {
        var findings = ScanBody(text, "text/plain");
        Assert.DoesNotContain(findings, f => f.RuleId is "gcp-api-key" or "openai-api-key");
    }

    // ---- 3. JWT shapes ---------------------------------------------------------------------------------------------

    public static TheoryData<string, string> JwtBodies() => new()
    {
        { "tilde", $"{JwtHeader}~{JwtPayload}~{JwtSignature}" },
        { "pipe-json", $"{{\"t\": \"{JwtHeader}|{JwtPayload}|{JwtSignature}\"}}" },
        { "concatenated", JwtHeader + JwtPayload + JwtSignature },
        { "payload-and-signature", $"{JwtPayload}.{JwtSignature}" },
        { "payload-and-signature-json", $"{{\"session\": \"{JwtPayload}.{JwtSignature}\"}}" },
    };

    [Theory]
    [MemberData(nameof(JwtBodies))]
    public void A_jwt_in_another_shape_is_found(string name, string body)
    {
        var findings = ScanBody(body, "text/plain");
        Assert.True(findings.Any(f => f.RuleId == "jwt"), $"{name}: {Describe(findings)}");
    }

    [Fact]
    public void A_jwt_split_over_three_query_parameters_is_found() =>
        Assert.Contains(Get($"/c?h={JwtHeader}&p={JwtPayload}&s={JwtSignature}"), f => f.RuleId == "jwt");

    [Theory]
    [InlineData("{\"next\": \"eyJwYWdlIjoyLCJvZmZzZXQiOjEwMCwic29ydCI6ImNyZWF0ZWRfYXQifQ\"}")] // {"page":2,"offset":100,"sort":"created_at"}
    [InlineData("cursor=eyJwYWdlIjoyLCJvZmZzZXQiOjEwMCwic29ydCI6ImNyZWF0ZWRfYXQifQ.i8sO8eCtWxfF9q6FqGsBRcFSIlzuyCzULFOFsYh0ETQ")] // a signed cursor: no registered claims
    [InlineData("eyJwYWdlIjoyfQ~eyJwYWdlIjozfQ~eyJwYWdlIjo0fQ~eyJwYWdlIjo1fQ")] // cursors glued by ~: no "alg"
    [InlineData("eyJwYWdlIjoyLCJvZmZzZXQiOjEwMH0eyJwYWdlIjozLCJvZmZzZXQiOjIwMH0eyJwYWdlIjo0LCJvZmZzZXQiOjMwMH0")] // concatenated cursors
    [InlineData("{\"protected\": \"eyJhbGciOiJSUzI1NiJ9\", \"kid\": \"2024-01\"}")] // a JOSE header alone
    [InlineData("eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2hvcnQ")] // one claim, short second segment
    public void Base64url_json_that_is_no_token_is_not_a_finding(string body) =>
        Assert.DoesNotContain(ScanBody(body, "text/plain"), f => f.RuleId == "jwt");

    // ---- 4. payment cards grouped by dots --------------------------------------------------------------------------

    private static string Dotted(string card, params int[] groups)
    {
        var parts = new List<string>();
        int at = 0;
        foreach (int g in groups)
        {
            parts.Add(card.Substring(at, g));
            at += g;
        }

        return string.Join('.', parts);
    }

    public static TheoryData<string, string> DottedCards() => new()
    {
        { "visa-query", "/c?n=" + Dotted(Visa, 4, 4, 4, 4) },
        { "mastercard-body", "pan=" + Dotted(Mastercard, 4, 4, 4, 4) + "\n" },
        { "amex-json", "{\"card\": \"" + Dotted(Amex, 4, 6, 5) + "\"}" },
    };

    [Theory]
    [MemberData(nameof(DottedCards))]
    public void A_card_grouped_by_dots_is_found(string name, string where)
    {
        var findings = where.StartsWith('/') ? Get(where) : ScanBody(where, "text/plain");
        Assert.True(findings.Any(f => f.RuleId == BuiltInRules.PaymentCardId), $"{name}: {Describe(findings)}");
    }

    [Theory]
    [InlineData("version 1234.5678.9012.3452 released")] // Luhn-valid, but no issuer prefix
    [InlineData("build 4914.7841.8130.3592")] // Luhn fails
    [InlineData("v=0.4914.7841.8130.3591")] // a longer dotted number
    [InlineData("4914.7841.8130.3591.2")]
    [InlineData("49.1478.4181.3035.91")] // not 4-4-4-4
    [InlineData("4914784.1813.03591")]
    [InlineData("hosts 192.168.100.200 10.250.100.123 172.16.254.253")]
    [InlineData("pi=3.14159265358979323846 e=2.71828182845904523536")]
    [InlineData("t=1733400000.123456789")]
    public void Dotted_numbers_that_are_no_card_are_not_findings(string body) =>
        Assert.DoesNotContain(ScanBody(body, "text/plain"), f => f.RuleId == BuiltInRules.PaymentCardId);
}
