using System.Text.Json;
using BotBottle.Dlp;
using static BotBottle.Tests.Dlp.DlpTestHelpers;

namespace BotBottle.Tests.Dlp;

/// <summary>
/// The r22 reach round of issue 16: credentials in the code and command shapes 7fc247d read past — typed declarations
/// (<c>apiKey: string = "…"</c>), C macros, SQL role passwords, Terraform variable defaults, PowerShell's
/// <c>ConvertTo-SecureString … -AsPlainText</c>, more client password options (quoted values, <c>ldapsearch -w</c>,
/// <c>zip -P</c>, <c>7z -p</c>, <c>ssh-keygen -N</c>), <c>SSHPASS=</c>, and <c>.pgpass</c> passwords with symbols —
/// with the look-alikes that must stay quiet.
/// </summary>
public sealed class ReachRound22Tests
{
    /// <summary>A generated password: a 20-character run, a symbol, more characters (the engine visits runs of 16+).</summary>
    private const string Password = "Xk9mQ2vLp7zR4tW8yB3n#e5!";

    /// <summary>Asserts one <c>credential-assignment</c> finding that covers exactly <paramref name="value"/> in <paramref name="text"/>.</summary>
    [Theory]
    [InlineData("export class Db {\n  private readonly dbPassword: string = \"{0}\";\n}\n")] // TypeScript
    [InlineData("const apiSecret: string = '{0}';\n")]
    [InlineData("let refreshToken: string | undefined = \"{0}\";\n")]
    [InlineData("const val API_SECRET: String = \"{0}\"\n")] // Kotlin
    [InlineData("static let apiToken: String = \"{0}\"\n")] // Swift
    [InlineData("const API_KEY: &str = \"{0}\";\n")] // Rust
    [InlineData("pub static DB_PASSWORD: &'static str = \"{0}\";\n")]
    [InlineData("API_KEY: Final[str] = \"{0}\"\n")] // Python (PEP 526)
    [InlineData("val clientSecret: String? = \"{0}\"\n")]
    public void Typed_declarations_are_found(string form) => AssertFoundExactly(form.Replace("{0}", Password, StringComparison.Ordinal), Password);

    [Theory]
    [InlineData("class Login {\n  password: string = \"\";\n  token: string = this.auth.getToken();\n  apiKey: string = process.env.API_KEY!;\n}\n")]
    [InlineData("const passwordLabel: string = \"Enter your password\";\nconst tokenStorageKey: string = \"app.auth.token\";\n")]
    [InlineData("const secretName: string = \"prod/db/password\";\n")]
    [InlineData("private readonly tokenKey: string = 'auth_token_storage_key';\nconst TOKEN_HEADER: string = 'X-Auth-Token';\n")]
    [InlineData("function login(user: string, password: string = \"\", token?: string) {}\n")]
    [InlineData("let tokenExpiry: number = 3600;\nconst PASSWORD_MIN: usize = 12;\n")]
    [InlineData("API_KEY_ENV: Final[str] = \"OPENAI_API_KEY\"\nTOKEN_URL: str = \"https://oauth2.googleapis.com/token\"\n")]
    [InlineData("const TOKEN_ENDPOINT: &str = \"https://github.com/login/oauth/access_token\";\n")]
    [InlineData("password: string = the database password (see docs)\n")] // YAML prose: no quoted literal after '='
    [InlineData("const apiKey: string = process.env.API_KEY ?? \"\";\n")]
    public void Typed_declarations_of_references_and_labels_stay_quiet(string text) => Assert.Empty(Assignments(text));

    [Theory]
    [InlineData("#define API_KEY \"9f8e7d6c5b4a39281706f5e4d3c2b1a0\"\n", "9f8e7d6c5b4a39281706f5e4d3c2b1a0")]
    [InlineData("#include <stdio.h>\n#define DB_PASSWORD \"" + Password + "\"\n", Password)]
    [InlineData("  #  define CLIENT_SECRET   \"" + Password + "\"\n", Password)]
    public void C_macros_defined_as_a_credential_are_found(string text, string value) => AssertFoundExactly(text, value);

    [Theory]
    [InlineData("#define PASSWORD_PROMPT \"Enter password: \"\n")]
    [InlineData("#define API_KEY_ENV \"MY_APP_API_KEY\"\n#define TOKEN_FILE \"/etc/app/token\"\n")]
    [InlineData("#define SECRET_VERSION \"v1.2.3\"\n#define MAX_PASSWORD_LEN 128\n")]
    [InlineData("#define TOKEN_FMT \"%s:%s@%s\"\n#define PASSWORD_HASH_ALGO \"argon2id\"\n")]
    [InlineData("// undefine API_KEY \"not a macro\" \n")]
    public void Macros_that_name_things_stay_quiet(string text) => Assert.Empty(Assignments(text));

    [Theory]
    [InlineData("CREATE USER app WITH PASSWORD '{0}';\n")] // PostgreSQL CREATE ROLE
    [InlineData("ALTER ROLE app WITH LOGIN ENCRYPTED PASSWORD '{0}';\n")]
    [InlineData("create role reporting password '{0}' valid until '2027-01-01';\n")]
    [InlineData("mysql> ALTER USER 'app'@'%' IDENTIFIED BY '{0}';\n")] // MySQL CREATE/ALTER USER
    [InlineData("CREATE USER 'svc'@'10.0.%' IDENTIFIED BY '{0}';\n")]
    public void Sql_role_passwords_are_found(string form) => AssertFoundExactly(form.Replace("{0}", Password, StringComparison.Ordinal), Password);

    [Theory]
    [InlineData("CREATE USER app WITH PASSWORD :'app_password';\nALTER ROLE app PASSWORD NULL;\n")]
    [InlineData("CREATE ROLE admin WITH LOGIN PASSWORD 'changeme';\nALTER USER app WITH PASSWORD $1;\n")]
    [InlineData("-- the password column stores PASSWORD 'hashes' only\nSELECT password FROM users WHERE id = 1;\n")]
    [InlineData("CREATE USER 'jeffrey'@'localhost' IDENTIFIED BY 'password';\nALTER USER 'u'@'%' IDENTIFIED BY RANDOM PASSWORD;\n")]
    [InlineData("the manual says: set PASSWORD 'Xk9mQ2vLp7zR4tW8yB3n#e5!' for nothing\n")] // no ROLE or USER on the line
    public void Sql_without_a_literal_password_stays_quiet(string text) => Assert.Empty(Assignments(text));

    [Fact]
    public void A_terraform_variable_default_is_found()
    {
        string text = "variable \"db_password\" {\n  description = \"default password for the db\"\n  type        = string\n  default     = \"" + Password + "\"\n}\n";
        AssertFoundExactly(text, Password);
    }

    [Theory]
    [InlineData("variable \"db_password\" {\n  type      = string\n  sensitive = true\n}\n")]
    [InlineData("variable \"api_token\" {\n  default = \"\"\n}\nvariable \"token_ttl\" {\n  default = \"3600\"\n}\n")]
    [InlineData("variable \"db_password\" {\n  type = string\n}\nvariable \"region\" {\n  default = \"Xk9mQ2vLp7zR4tW8yB3n#e5!\"\n}\n")] // another block's default
    public void Terraform_variables_without_a_literal_default_stay_quiet(string text) => Assert.Empty(Assignments(text));

    [Theory]
    [InlineData("$secpasswd = ConvertTo-SecureString -String \"{0}\" -AsPlainText -Force\n")]
    [InlineData("$cred = New-Object PSCredential(\"admin\", (ConvertTo-SecureString '{0}' -AsPlainText -Force))\n")]
    [InlineData("$securePassword = ConvertTo-SecureString \"{0}\" -AsPlainText -Force\n")]
    public void Powershell_plain_text_secure_strings_are_found(string form)
    {
        string text = form.Replace("{0}", Password, StringComparison.Ordinal);
        AssertFoundExactly(text, Password);
        Assert.Single(Assignments(text)); // the command's name is not a second value ($secpasswd = ConvertTo-SecureString)
    }

    [Theory]
    [InlineData("$password = Get-Content .\\secret.txt | ConvertTo-SecureString\n")]
    [InlineData("$p = ConvertTo-SecureString \"$env:PW\" -AsPlainText -Force\n")]
    [InlineData("$token = Get-Secret -Name api -AsPlainText\n")]
    [InlineData("$secure = ConvertTo-SecureString \"Xk9mQ2vLp7zR4tW8yB3n#e5!\" -Key $key\n")] // an encrypted standard string, not plain text
    public void Powershell_commands_and_references_stay_quiet(string text) => Assert.Empty(Assignments(text));

    [Theory]
    [InlineData("redis-cli -h cache.internal -a '{0}' ping\n")]
    [InlineData("mysqldump -u root -p'{0}' prod > dump.sql\n")]
    [InlineData("ldapsearch -x -D \"cn=admin,dc=example,dc=com\" -w {0} -b \"dc=example,dc=com\"\n")]
    [InlineData("ldapmodify -x -D cn=admin -w '{0}' -f change.ldif\n")]
    [InlineData("zip -P '{0}' backup.zip secrets.txt\n")]
    [InlineData("cd /tmp && unzip -P {0} in.zip\n")]
    [InlineData("cd /srv && 7z a -p{0} backup.7z secrets/\n")]
    [InlineData("ssh-keygen -p -P old -N '{0}' -f id_rsa\n")]
    public void Quoted_and_more_client_password_options_are_found(string form) =>
        AssertFoundExactly(form.Replace("{0}", Password, StringComparison.Ordinal), Password);

    [Theory]
    [InlineData("zip -P \"$ZIP_PASSWORD\" out.zip file\nunzip -P ${PASS} in.zip\n7z x -p archive.7z\n")]
    [InlineData("ssh-keygen -t ed25519 -N \"\" -f key\nssh-keygen -N '' -f k2\nldapsearch -W -D cn=admin\nldapsearch -x -w $LDAP_PW\n")]
    [InlineData("redis-cli -a 'yourpassword' ping\nmysql -u root -p'your_password'\n")]
    [InlineData("gzip -P 'Xk9mQ2vLp7zR4tW8yB3n#e5!' notes\n")] // not zip's -P: a different program
    [InlineData("grep -w 'Xk9mQ2vLp7zR4tW8yB3n' words.txt\n")] // -w of another program
    public void Option_look_alikes_stay_quiet(string text) => Assert.Empty(Assignments(text));

    [Fact]
    public void Sshpass_variable_is_found() => AssertFoundExactly("SSHPASS='" + Password + "' sshpass -e ssh deploy@host\n", Password);

    [Theory]
    [InlineData("db.internal:5432:prod:admin:{0}\n")]
    [InlineData("{\"content\":\"localhost:5432:*:app:{0}\\nreplica:6432:app:ro:Hj4kLmN2vR8sT4wXk0F9\\n\"}")]
    [InlineData("*:*:*:postgres:{0}")]
    public void Pgpass_passwords_with_symbols_are_found(string form) => AssertFoundExactly(form.Replace("{0}", Password, StringComparison.Ordinal), Password);

    [Theory]
    [InlineData("web01.example.com:8080:GET:/api/v1/users:200\n")]
    [InlineData("node1:6379:0:session:user_preferences_cache\n")]
    [InlineData("db.internal:5432:prod:admin:Xk9mQ2vLp7zR4tW8yB3n extra words\n")] // a blank: not one field
    [InlineData("db.internal:5432:prod:admin:${PGPASSWORD_FROM_VAULT}\n")]
    public void Pgpass_look_alikes_stay_quiet(string text) => Assert.Empty(Assignments(text));

    [Theory]
    [InlineData("const apiKey = process.env.API_KEY || \"{0}\";\n")]
    [InlineData("const apiKey = process.env.API_KEY ?? '{0}';\n")]
    [InlineData("  API_TOKEN: process.env.API_TOKEN || `{0}`,\n")]
    [InlineData("api_key = os.environ.get(\"API_KEY\") or \"{0}\"\n")]
    [InlineData("API_KEY=${API_KEY:-{0}}\n")] // POSIX parameter expansion, docker-compose interpolation
    [InlineData("      - DB_PASSWORD=${DB_PASSWORD:-{0}}\n")]
    [InlineData("export SECRET_TOKEN=\"${SECRET_TOKEN:={0}}\"\n")]
    public void Literal_fallbacks_of_environment_credentials_are_found(string form) => AssertFoundExactly(form.Replace("{0}", Password, StringComparison.Ordinal), Password);

    [Theory]
    [InlineData("const apiKey = process.env.API_KEY || \"\";\nconst token = process.env.TOKEN || \"dev-token\";\n")]
    [InlineData("const secret = process.env.SECRET ?? \"change-me-in-production\";\n")]
    [InlineData("POSTGRES_PASSWORD=${POSTGRES_PASSWORD:-postgres}\nAPI_TOKEN=${API_TOKEN:-}\nSECRET=${SECRET:?must be set}\n")]
    [InlineData("password = args.password or getpass.getpass(\"Password: \")\n")]
    [InlineData("token = token or os.environ.get(\"GITHUB_TOKEN\") or \"anonymous-access\"\n")]
    [InlineData("if (!password || password.length < 8) return \"Password too short\";\n")]
    [InlineData("const token = req.headers.authorization || req.query.token || 'Bearer anonymous';\n")]
    [InlineData("DB_PASSWORD=${DB_PASSWORD:-${VAULT_DB_PASSWORD}}\n")]
    public void Fallbacks_that_are_empty_placeholders_or_names_stay_quiet(string text) => Assert.Empty(Assignments(text));

    [Theory]
    [InlineData("var apiKey string = \"{0}\"\n")] // Go: the type after the name
    [InlineData("package cfg\n\nconst (\n\tdbPassword string = \"{0}\"\n\tdbUser     string = \"app\"\n)\n")]
    [InlineData("const clientSecret string = `{0}`\n")]
    public void Go_declarations_with_a_type_are_found(string form) => AssertFoundExactly(form.Replace("{0}", Password, StringComparison.Ordinal), Password);

    [Theory]
    [InlineData("var passwordPrompt string = \"Enter password: \"\nvar tokenHeader string = \"X-Auth-Token\"\n")]
    [InlineData("const secretPath string = \"/run/secrets/db\"\nvar token string\n")]
    [InlineData("func f(password string) error { return nil }\n")]
    [InlineData("if token != \"\" { password := os.Getenv(\"PASSWORD\") }\n")]
    public void Go_declarations_of_names_stay_quiet(string text) => Assert.Empty(Assignments(text));

    // The round's adversarial review: false positives and regressions it found, each now quiet or found again.

    [Theory]
    [InlineData("variable \"AWS_SECRET_KEY\" {}\nvariable \"DB_PASSWORD\" {}\nvariable \"AWS_REGION\" {\n  default = \"us-east-1\"\n}\n")] // one-line blocks: the next block's default is not theirs
    [InlineData("variable \"db_password\" { sensitive = true }\nvariable \"availability_zone\" {\n  type    = string\n  default = \"eu-west-1a-Xk9mQ2vLp7zR4tW8\"\n}\n")]
    [InlineData("variable \"db_password_secret\" {\n  default = \"projects/acme-prod/secrets/db-password/versions/latest\"\n}\n")] // names a secret
    [InlineData("variable \"image_pull_secret\" {\n  default = \"regcred-ghcr\"\n}\n")]
    public void Terraform_review_look_alikes_stay_quiet(string text) => Assert.Empty(Assignments(text));

    [Theory]
    [InlineData("ldapsearch -x -b 'ou=people,dc=acme,dc=io' '(uid=alice)' | grep -w 'distinguishedName'\n")] // -w is grep's
    [InlineData("kubectl logs deploy/ldap-proxy | grep -w 'BindRequestRejected'\n")]
    [InlineData("docker compose -f docker-compose.mongo.yml -p \"mongo-integration-2024\" up -d\n")] // a project name
    public void Option_review_look_alikes_stay_quiet(string text) => Assert.Empty(Assignments(text));

    [Theory]
    [InlineData("#define ICON_FA_USER_SECRET \"\\xef\\x88\\x9b\"\t// U+f21b\n#define ICON_MD_PASSWORD \"\\xef\\x81\\x82\"\n")] // icon font headers
    [InlineData("#define NM_SETTING_802_1X_PHASE2_PRIVATE_KEY_PASSWORD \"phase2-private-key-password\"\n")]
    [InlineData("#define CURL_TOKEN \"curl/7.88.1\"\n#define API_TOKEN \"api/v1/tokens\"\n#define CIPHER_SECRET \"AES-256-GCM\"\n")]
    [InlineData("const secret: string = 'HH:mm:ss';\nconst token: string = '2024-06-01T00:00:00Z';\nexport const fontToken: string = 'font-size-14';\n")]
    [InlineData("private static readonly ACCESS_TOKEN: string = 'app:access-token';\nexport const ROUTE_RESET_PASSWORD: string = 'reset-password/:token';\n")]
    [InlineData("$pw = ConvertTo-SecureString \"MyPlainTextPassword\" -AsPlainText -Force\n")] // the documentation's example
    public void Declared_names_versions_and_formats_stay_quiet(string text) => Assert.Empty(Assignments(text));

    [Theory]
    [InlineData("tenant:42:user:settings:NotificationPreferences.v2\n")] // cache keys and grep -n lines with words past the run
    [InlineData("cache:3600:product:detail:ProductCatalogService.getById#1234\n")]
    [InlineData("conf/app.ini:7:section:key:ConnectionStringTemplate=Host=db;Port=5432\n")]
    [InlineData("{\"lock\": \"lock:30:jobs:worker-1:NightlyReportGenerator@2024-06-01\"}")]
    public void Colon_lines_with_words_stay_quiet(string text) => Assert.Empty(Assignments(text));

    [Theory]
    [InlineData("When the user logs in with password 'Correct-Horse-7'\nThen the user sees the dashboard\n")] // Gherkin: no CREATE/ALTER USER
    [InlineData("String sql = \"ALTER USER \"+username+\" WITH PASSWORD '\"+newPassword+\"'\";\n")] // a concatenation
    public void Sql_look_alikes_of_the_review_stay_quiet(string text) => Assert.Empty(Assignments(text));

    [Theory]
    [InlineData("CREATE ROLE app_rw WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD '{0}';\n")] // NOSUPERUSER holds "user"
    [InlineData("CREATE USER 'app_user'@'%' IDENTIFIED BY '{0}';\n")]
    [InlineData("ALTER USER 'root'@'localhost' IDENTIFIED WITH mysql_native_password BY '{0}';\n")]
    [InlineData("cd /srv && 7zz a -p{0} -mhe=on backup.7z secrets/\n")] // the official Linux 7-Zip binary
    [InlineData("echo 'db.internal:5432:app:app_rw:{0}' > ~/.pgpass && chmod 600 ~/.pgpass\n")]
    [InlineData("stringData:\n  .pgpass: |\n    db.internal:5432:app:app_rw:{0}\n")]
    public void Review_bypasses_are_found(string form) => AssertFoundExactly(form.Replace("{0}", Password, StringComparison.Ordinal), Password);

    [Theory]
    [InlineData("POSTGRES_PASSWORD=Copper-Lantern-{0}\n")] // a .env value that looks like Verb-Noun is a value (only a PowerShell variable's is a cmdlet)
    [InlineData("token: {0}, scope = \"repo\"\n")] // a secret right after ':' is the value, not a type
    [InlineData("db password: {0} (pool size = 10)\n")]
    public void Review_regressions_are_found_again(string form)
    {
        string value = form.StartsWith("POSTGRES", StringComparison.Ordinal) ? "Copper-Lantern-" + Password : "Xk9mQ2vLp7zR4tW8yB3nQ5cF";
        string text = form.Replace("Copper-Lantern-{0}", value, StringComparison.Ordinal).Replace("{0}", value, StringComparison.Ordinal);
        Assert.True(Assignments(text).Count > 0, $"{text}: {Describe(Scan(text))}");
    }

    [Theory]
    [InlineData("POSTGRES_PASSWORD=Copper-Lantern\n")]
    [InlineData("docker run -e REDIS_PASSWORD=Velvet-Thunder -d redis:7\n")]
    public void Two_word_values_are_found_as_before(string text) => Assert.True(Assignments(text).Count > 0, $"{text}: {Describe(Scan(text))}");

    /// <summary>
    /// Every new shape cut at each position and with a quote, backslash, blank, line break, brace, ':', '=', '$' or '-'
    /// put at each position, plain and as a JSON string: no scan throws. The round's file sweep found two that did (an
    /// option's blank at a line start, <c>#define NAME "</c> at the end of a text).
    /// </summary>
    [Fact]
    public void The_new_shapes_cut_and_spliced_never_throw()
    {
        string[] shapes =
        [
            "\n -w Xk9mQ2vLp7zR4tW8yB3n\n", "ldapsearch -w Xk9mQ2vLp7zR4tW8yB3n", "redis-cli -a 'Xk9mQ2vLp7zR4tW8yB3n' x", "mysql -p'Xk9mQ2vLp7zR4tW8yB3n'",
            "CREATE USER 'a'@'%' IDENTIFIED WITH mysql_native_password BY 'Xk9mQ2vLp7zR4tW8yB3n';", "ALTER ROLE x PASSWORD '" + Password + "';",
            "variable \"db_password\" {\n default = \"" + Password + "\"\n}", "#define API_KEY \"" + Password + "\"", "const apiKey: string = \"" + Password + "\";",
            "var apiKey string = \"" + Password + "\"", "$p = ConvertTo-SecureString -String \"" + Password + "\" -AsPlainText", "API_KEY=${API_KEY:-" + Password + "}",
            "k = process.env.API_KEY || \"" + Password + "\"", "echo 'db:5432:a:b:" + Password + "'", "  db:5432:a:b:" + Password, "7z a -p" + Password + " x",
        ];
        char[] splices = ['"', '\'', '\\', ' ', '\n', '{', '}', ':', '=', '$', '-'];
        ScanCutAndSpliced(shapes, splices);
    }

    [Theory]
    [InlineData("#include <stdio.h>\n#define API_KEY \"{0}\"\n")]
    [InlineData("variable \"db_password\" {\n  type    = string\n  default = \"{0}\"\n}\n")]
    [InlineData("$sec = ConvertTo-SecureString \"{0}\" -AsPlainText -Force")]
    [InlineData("New-LocalUser svc -Password (ConvertTo-SecureString -String \"{0}\" -AsPlainText -Force)")]
    [InlineData("$secpasswd = ConvertTo-SecureString \"{0}\" -AsPlainText -Force")]
    public void Shapes_quoted_in_an_llm_request_are_found(string form)
    {
        // the code as a message of a model request: its quotes arrive JSON-escaped (\")
        string code = form.Replace("{0}", Password, StringComparison.Ordinal);
        string body = InModelRequest(code);
        var found = Assignments(body);
        Assert.True(found.Exists(f => body.Substring(f.Start, f.Length) == Password), $"{body}: {Describe(Scan(body))}");
    }

    [Theory]
    [InlineData("#define PASSWORD_PROMPT \"Enter password: \"\n")]
    [InlineData("variable \"db_password\" {}\nvariable \"region\" {\n  default = \"us-east-1-Xk9mQ2vLp7zR4tW8\"\n}\n")]
    [InlineData("$p = ConvertTo-SecureString \"$env:PW\" -AsPlainText")]
    public void Look_alikes_quoted_in_an_llm_request_stay_quiet(string code) =>
        Assert.Empty(Assignments(InModelRequest(code)));

    /// <summary>JSON as Python's json.dumps and most clients write it: <c>\"</c> for a quote, other characters as they are.</summary>
    [Theory]
    [InlineData("redis-cli -h cache.internal -a \"{0}\" ping")]
    [InlineData("mysql -u root -p\"{0}\" -e \"select 1\"")]
    [InlineData("ldapmodify -x -D \"cn=admin,dc=x\" -w \"{0}\" -f users.ldif")]
    [InlineData("cd /tmp\nldapsearch -x -D \"cn=a\" -w \"{0}\" -b dc=x")]
    [InlineData("unzip -P \"{0}\" backup.zip")]
    [InlineData("ssh-keygen -y -P \"{0}\" -f k")]
    [InlineData("ConvertTo-SecureString -AsPlainText -Force -String \"{0}\"")]
    public void Option_values_quoted_in_an_llm_request_are_found(string form)
    {
        string body = JsonSerializer.Serialize(new { messages = new[] { new { role = "user", content = form.Replace("{0}", Password, StringComparison.Ordinal) } } }, RelaxedJson);
        Assert.True(Assignments(body).Exists(f => body.Substring(f.Start, f.Length) == Password), $"{body}: {Describe(Scan(body))}");
    }

    [Theory]
    [InlineData("ConvertTo-SecureString -AsPlainText -Force -String \"{0}\"")] // parameters in any order before the literal
    [InlineData("ConvertTo-SecureString -AsPlainText \"{0}\" -Force")]
    [InlineData("$s = ConvertTo-SecureString -String \"{0}\" -Force -AsPlainText")]
    public void Secure_string_parameters_in_any_order_are_found(string form) => AssertFoundExactly(form.Replace("{0}", Password, StringComparison.Ordinal), Password);

    [Theory]
    [InlineData("$s = ConvertTo-SecureString -Force \"Xk9mQ2vLp7zR4tW8yB3n#e5!\"")] // no -AsPlainText: an encrypted standard string
    [InlineData("ConvertTo-SecureString -AsPlainText -Force -String \"$env:PW\"")]
    [InlineData("{\"c\": \"grep -w \\\"Xk9mQ2vLp7zR4tW8yB3n#e5!\\\" words.txt\"}")]
    [InlineData("{\"c\": \"redis-cli -a \\\"$REDIS_PW\\\" ping\"}")]
    public void Secure_string_and_option_look_alikes_stay_quiet(string text) => Assert.Empty(Assignments(text));
}
