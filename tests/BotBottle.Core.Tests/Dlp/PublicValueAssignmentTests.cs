using static BotBottle.Tests.Dlp.DlpTestHelpers;

namespace BotBottle.Tests.Dlp;

/// <summary>
/// Three <c>credential-assignment</c> false positives the third hunt left "still false" (docs/dlp-rules.md, "Public
/// values under credential names"): a C++ parameter whose default names a standard random-number engine (ISO C++
/// [rand.predef], libstdc++'s <c>tr1/random.h</c>), a docstring field list whose description restates the field's name
/// (generated API message classes, Sphinx info fields), and a <c>.netrc</c> anonymous-FTP password that is an e-mail
/// address (RFC 1635). Each benign case is a line or two in the shape the file showed (libstdc++, gcloud's generated
/// clients, boto, Net::Netrc), some names changed; beside them the look-alike assignments that must still be found.
/// </summary>
public sealed class PublicValueAssignmentTests
{
    private const string Rule = "credential-assignment";

    [Theory]
    [InlineData("    explicit\n    random_device(const std::string& __token = \"mt19937\")\n    : _M_mt(_M_strtoul(__token)) { }\n")] // libstdc++ tr1/random.h
    [InlineData("  explicit entropy_source(const std::string &token = \"mt19937_64\", int flags = 0);\n")]
    [InlineData("    random_device(const char* rng_token = \"ranlux48_base\");\n")]
    [InlineData("      \"\"\"A security key.\n\n  Fields:\n    deviceNickname: The security key nickname explicitly set by the user.\n    privateKey: Hardware-backed private key text in SSH format.\n    publicKey: Public key text in SSH format.\n  \"\"\"\n")] // generated apitools message class
    [InlineData("  Fields:\n    oauth2ClientId: OAuth2 client ID to use for the authentication flow.\n    oauth2ClientSecret: OAuth2 client secret to use for the authentication\n      flow. For security reasons, this value cannot be retrieved via the API.\n")]
    [InlineData("  Attributes:\n    oauth2_client_secret: OAuth2 client secret to use.\n")]
    [InlineData("  Fields:\n    accessToken: Short-lived access token string which may be used to access\n      the service.\n")]
    [InlineData("    def revoke(self, token):\n        \"\"\"Revoke a token.\n\n        :param token: Short-lived token sent to an endpoint during the flow.\n        \"\"\"\n")] // Sphinx info field list
    [InlineData("=item default\n\nThis is the same as machine name except that default matches any name.\nThis is normally used as:\n\n    default login anonymous password user@site\n")] // Net::Netrc's POD
    [InlineData("machine mirror.example.org\n  login anonymous\n  password ftp-user@mirror.acme.org\n")] // netrc(5) tokens on lines of their own
    [InlineData("machine ftp.example.net login ftp password guest42@uni-bonn.de\n")] // the login name "ftp" (vsftpd)
    public void A_public_value_under_a_credential_name_is_not_a_literal(string text)
    {
        var findings = Scan(text);
        Assert.True(!findings.Any(f => f.RuleId == Rule), Describe(findings));

        // the same text as an LLM request's message, written by System.Text.Json (&, <, >, quotes as escapes)
        string json = System.Text.Json.JsonSerializer.Serialize(new { messages = new[] { new { role = "user", content = "Explain:\n" + text } } });
        var inJson = ScanBody(json);
        Assert.True(!inJson.Any(f => f.RuleId == Rule), Describe(inJson));
    }

    [Theory]
    [InlineData("  void connect(const std::string& token = \"hunter22\");\n", "hunter22")] // a word and digits, no engine's name
    [InlineData("  void connect(const char* password = \"hunter22\");\n", "hunter22")]
    [InlineData("  void connect(const std::string& __password = \"mt19937\");\n", "mt19937")] // an engine's name under a password's key
    [InlineData("  void connect(const std::string& token = \"mt19937x\");\n", "mt19937x")]
    [InlineData("client_secret: Xk9mQ2vL8pR4\n", "Xk9mQ2vL8pR4")] // YAML
    [InlineData("privateKey: ab12-cd34-ef56\n", "ab12-cd34-ef56")]
    [InlineData("    client_secret: Xk9mQ2vL8pR4 client secret for the deploy job\n", "Xk9mQ2vL8pR4")] // a generated value before prose
    [InlineData("    db_password: Summer2024 db password for staging\n", "Summer2024")] // a word with digits, not the name's first word
    [InlineData("    password: Hunter2024 is the staging password\n", "Hunter2024")]
    [InlineData("    apiToken: Tok3n-rotated api token\n", "Tok3n-rotated")] // digits inside a word of the hyphenated value
    [InlineData("machine ftp.example.org login alice password S3cr3tPw9\n", "S3cr3tPw9")] // netrc
    [InlineData("machine ftp.example.org login anonymous password Xk9mQ2vL8p\n", "Xk9mQ2vL8p")] // no e-mail address after login anonymous
    [InlineData("machine ftp.example.org login anonymous password p4ss@w0rd\n", "p4ss@w0rd")] // a host name with a digit, no dot
    [InlineData("machine ftp.example.org login anonymous password S3cr3t@Acme.org\n", "S3cr3t@Acme.org")] // capitals
    [InlineData("machine ftp.example.org login alice password alice@acme.org\n", "alice@acme.org")] // an address, but not after login anonymous
    public void A_look_alike_assignment_is_still_found(string text, string value)
    {
        var findings = Scan(text);
        Assert.Contains(findings, f => f.RuleId == Rule && text.Substring(f.Start, f.Length) == value);
    }
}
