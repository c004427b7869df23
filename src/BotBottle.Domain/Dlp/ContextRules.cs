using System.Buffers;

namespace BotBottle.Dlp;

/// <summary>
/// The <c>credential-assignment</c> rule: secrets found by their context rather than their format — a value assigned
/// to a credential-named key (<c>password: …</c>, <c>api_key=…</c>, <c>"client_secret": "…"</c>,
/// <c>AWS_SECRET_ACCESS_KEY=…</c> in a <c>.env</c> dump, YAML/JSON config), a credential-named header
/// (<c>X-Api-Key</c>, <c>Private-Token</c>) and credential-named cookies. Ordinary code must stay quiet: values that
/// are references rather than literals (identifiers, <c>getenv(…)</c>, <c>${VAR}</c>, type names), placeholders
/// (<c>&lt;your-key&gt;</c>, <c>changeme</c>, <c>****</c>, the product's own <c>bot-bottle-placeholder</c>), paths and
/// numbers are not reported. The benign corpus (tests/…/Dlp/Corpus) is the judge of that line.
/// </summary>
internal static partial class ContextRules
{
    /// <summary>Prefilter: fragments of every credential-like key name, searched case-insensitively in one vectorised pass.</summary>
    private static readonly SearchValues<string> s_keyFragments = SearchValues.Create(
        [
            "pass", "pwd", "secret", "api_key", "apikey", "api-key", "token", "private_key", "privatekey", "private-key", "ssn", "social",
            "api key", "private key", "privkey",

            // (r32) "pw" as a name's last segment (ADMIN_PW, db_pw) or a label of its own (pw: …, pw=…): three characters
            // each — the two-character "pw" took this search off its fast path (words body 16 % slower, measured)
            "_pw", "pw:", "pw=",

            // passwords under labels in other languages written in ASCII (ContextRules.ForeignLabels.cs, r31; the others
            // are searched apart, only in a text that has non-ASCII characters: a non-ASCII string here would take this
            // search off its vectorised path — measured 5.8 times slower)
        ],
        StringComparison.OrdinalIgnoreCase);

    /// <summary>Key names (letters and digits, lower case) ending like this name a credential.</summary>
    private static readonly string[] s_nameEndings =
    [
        "password", "passwd", "pwd", "passphrase", "passcode", "secret", "secretkey", "secretaccesskey", "apikey", "token", "privatekey",
        "secretkeybase",

        // a wallet's or a key pair's private key as OpenSSL's and Bitcoin Core's tools name it (privkey.pem, dumpprivkey; r31)
        "privkey",

        // a password's abbreviation (pw: …, ADMIN_PW, DB_PW; r32): found by the "_pw", "pw:" and "pw=" fragments
        "pw",

        // A Java keystore's and its key's passwords: keytool's and jarsigner's -storepass / -keypass (also -srcstorepass,
        // -destkeypass…; the JDK's keytool and jarsigner documentation), Gradle's signingConfigs storePassword is
        // covered by "password" (r25 reach round)
        "storepass", "keypass",

        // Redis' password directive (redis.conf "requirepass foobared", CONFIG SET requirepass; r25)
        "requirepass",

        // Terraform state and AWS Secrets Manager: aws_secretsmanager_secret_version's secret_string
        // (https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/secretsmanager_secret_version),
        // and GetSecretValue's SecretString
        "secretstring",
    ];

    /// <summary>Key names that end like a credential but name something public (pagination cursors, CSRF tokens, .NET's CancellationToken).</summary>
    private static readonly string[] s_publicNames =
    [
        "pagetoken", "nexttoken", "continuationtoken", "synctoken", "csrftoken", "xsrftoken", "cancellationtoken", "resumetoken",
        "nextpagetoken", "prevpagetoken", "previouspagetoken", "pagingtoken", "cursortoken", "idempotencytoken", "statetoken",

        // (r34) OData's paging and change-tracking parameters, which Microsoft Graph and Azure return in @odata.nextLink /
        // @odata.deltaLink and the client sends back ($skiptoken, $deltatoken: OData v4.01 Part 2 §5.1.7 and Graph's
        // paging and delta-query docs), and scroll cursors (Elasticsearch-style scrollToken).
        "skiptoken", "deltatoken", "scrolltoken",

        // .NET strong names (PublicKeyToken=b77a5c561934e089: the last 8 bytes of SHA-1 of the public key, ECMA-335
        // §II.6.3) and AWS request tokens that are ids, not credentials: ClientToken / ClientRequestToken (idempotency),
        // ChangeToken (AWS WAF Classic), LockToken (Service Bus, Lambda durable functions), LifecycleActionToken.
        "publickeytoken", "clienttoken", "clientrequesttoken", "changetoken", "locktoken", "lifecycleactiontoken",

        // More pagination cursors, which run past 256 characters (read since the r21 reach round): CloudWatch Logs'
        // nextForwardToken / nextBackwardToken, Lake Formation's WorkUnitToken, the Resource Groups Tagging API's
        // PaginationToken, the AWS CLI's StartingToken.
        "forwardtoken", "backwardtoken", "workunittoken", "paginationtoken", "startingtoken",

        // The CSRF fields of web frameworks' forms (r23 reach round): Rails' authenticity_token, Django's
        // csrfmiddlewaretoken, ASP.NET's __RequestVerificationToken — per-session anti-forgery values a form echoes back.
        "authenticitytoken", "csrfmiddlewaretoken", "requestverificationtoken",

        // (r36) distributed-tracing ids under a token name: trace_token, correlation_token (request ids a log or a
        // tracing header carries, W3C Trace Context's trace-id role)
        "tracetoken", "correlationtoken",
    ];

    private static readonly string[] s_placeholderValues =
    [
        "example", "placeholder", "changeme", "change_me", "change-me", "your", "xxx", "redacted", "dummy", "sample", "replace",
        "<", "{{", "${", "%(", "<%", "***", "...", "…", ProductPlaceholder,

        // an Amazon Resource Name (arn:aws:iam::aws:policy/…) names a resource
        "arn:aws:",
    ];

    private static readonly string[] s_keywordValues =
    [
        "null", "none", "nil", "true", "false", "undefined", "default", "required", "optional", "string", "password", "secret", "token",
    ];

    /// <summary>The value the product puts where a credential will be injected (<c>ProviderDefinition.PlaceholderValue</c>); never a finding.</summary>
    public const string ProductPlaceholder = "bot-bottle-placeholder";

    /// <summary>The key names a <c>Cookie</c> pair must have (lower case, contained) for its value to count as a credential.</summary>
    private static readonly string[] s_cookieNames = ["session", "sess", "sid", "token", "auth", "jwt", "secret", "key", "password", "remember"];

    /// <summary>
    /// Finds every <c>key &lt;sep&gt; value</c> with a credential-named key in <paramref name="text"/> and calls
    /// <paramref name="report"/> with the value's span. Separators: <c>=</c>, <c>:</c>, <c>:=</c>, <c>=&gt;</c>, with
    /// optional quotes around the key and the value (also JSON-escaped quotes inside a JSON string).
    /// </summary>
    /// <param name="text">The text.</param>
    /// <param name="state">The callbacks' state.</param>
    /// <param name="report">Called for each credential value.</param>
    /// <param name="ssn">When given, called for each US Social Security number next to its label (<see cref="PersonalDataRules"/>): the labels are found by the same search.</param>
    public static void FindAssignments<TState>(ReadOnlySpan<char> text, ref TState state, AssignmentSink<TState> report, AssignmentSink<TState>? ssn = null)
    {
        FindForeignScriptLabels(text, ref state, report); // ContextRules.ForeignLabels.cs (r31)
        int i = 0, tableUntil = 0;
        bool wordPress = false;
        while (i < text.Length)
        {
            int k = text[i..].IndexOfAny(s_keyFragments);
            if (k < 0)
            {
                return;
            }

            int hit = i + k;
            int ne = NameAround(text, hit, 64, out int ns);
            if (ne + 4 <= text.Length && text[ne] == ' ' && IsKeyLabelWord(text[ns..ne]) && text.Slice(ne + 1, 3).Equals("key", StringComparison.OrdinalIgnoreCase)
                && (ne + 4 == text.Length || !IsNameChar(text[ne + 4])))
            {
                ne += 4; // a label of two words: "API key: …", "Secret Key = …", "\"private key\": \"…\"" (r31); the name is "apikey", "secretkey", "privatekey"
            }

            i = Math.Max(ne, hit + 1);
            if (ForeignLabelAt(text, ns, ne) is int le and >= 0)
            {
                // a password under a label in another language (ContextRules.ForeignLabels.cs, r31)
                if (TryForeignLabelValue(text, le, out int fs, out int fe))
                {
                    report(ref state, fs, fe - fs, text[hit..le]);
                    i = Math.Max(i, fe);
                }

                i = Math.Max(i, le);
                continue;
            }

            ns = AfterJsonEscape(text, ns, hit); // \u0027password: the escape is the key's opening quote
            ns = ns < hit ? AfterEscapeLetter(text, ns) : ns; // "[db]\npass = …" in a JSON string: the name starts after the escape's letter (r33)

            if (ssn is not null && PersonalDataRules.IsSsnLabel(text, ns, ne))
            {
                i = Math.Max(i, PersonalDataRules.ReportAfterLabel(text, ne, ref state, ssn, text[ns..ne]));
                continue;
            }

            // A table of saved passwords: the header's password cell, then that column in the rows (ContextRules.PasswordColumns.cs, r27).
            if (hit >= tableUntil && PasswordColumn(text, ns, ne, ref state, report, ref tableUntil))
            {
                continue;
            }

            // A WordPress database password: the keys and salts beside it are searched for once (ContextRules.Declarations.cs).
            if (!wordPress && text[ns..ne].EndsWith("DB_PASSWORD", StringComparison.Ordinal))
            {
                wordPress = true;
                FindWordPressKeys(text, ref state, report);
            }

            // A Terraform state's random_password resource: its value is the "result" attribute of the instance (r33).
            if (ne - ns == 15 && text[ns..ne].SequenceEqual("random_password") && TerraformPasswordResult(text, ns, ne, out int rs, out int re))
            {
                report(ref state, rs, re - rs, "random_password.result");
                i = Math.Max(i, re);
                continue;
            }

            // A test runner's result line: Go's "--- PASS: TestX/sub (0.00s)", Automake's "PASS: test-lexer", "XPASS:" (r27).
            if (text[AfterEscapeLetter(text, ns)..ne] is "PASS" or "XPASS" && ne + 1 < text.Length && text[ne] == ':' && text[ne + 1] == ' ')
            {
                continue;
            }

            // "name:password:UID:GID…" lists colon-separated fields (passwd(5) prose), it assigns nothing.
            if (ns > 0 && text[ns - 1] == ':' && ne < text.Length && text[ne] == ':')
            {
                continue;
            }

            // The separator test first: prose mentions tokens and secrets far more often than it assigns them.
            bool literal = TryValue(text, ne, out int vs, out int ve, out bool lowerWord);
            if (literal && ve - vs > 256 && !IsLongValueName(text[ns..ne]))
            {
                literal = false; // as before the long read: the other forms may still find a value here
            }

            if (literal && ve - vs == 22 && text[vs..ve].Equals("ConvertTo-SecureString", StringComparison.OrdinalIgnoreCase))
            {
                literal = SecureStringLiteral(text, ve, out vs, out ve); // $password = ConvertTo-SecureString "…" -AsPlainText
            }

            bool argument = false;
            if (!literal && !lowerWord)
            {
                literal = TryOtherForms(text, ns, ne, out vs, out ve, out argument);
            }

            if (!(literal || (lowerWord && IsPassphrase(text[vs..ve]) && IsPasswordName(text[ns..ne])))
                || !(IsCredentialName(text[ns..ne]) || (argument && (text[ns..ne].Equals("sshpass", StringComparison.Ordinal) || text[ns..ne].Equals("--password-stdin", StringComparison.Ordinal) || text[ns..ne].Equals("secrets", StringComparison.Ordinal)))))
            {
                continue;
            }

            // A quoted key that is the last segment of a type path ("AWS::ApiGateway::ApiKey": a CloudFormation type
            // name) names a type, and a value that is an identifier (camelCase / PascalCase words, UPPER_SNAKE) under a
            // key other than a password's names a field or a constant ("input_token": "NextToken", "ID_TOKEN").
            if ((ns > 1 && text[ns - 1] == ':' && text[ns - 2] == ':' && ne < text.Length && text[ne] is '"' or '\'' or '\\')
                || (!argument && IsIdentifierValue(text[vs..ve]) && !IsPasswordName(text[ns..ne]) && !EndsWithPassSegment(text[ns..ne]) && !text[ns..ne].EndsWith("pwd", StringComparison.OrdinalIgnoreCase))
                || (!argument && (IsCodeOrLabelInContext(text, ns, ne, vs, ve) || IsNameLikeValue(text[ns..ne], text[vs..ve]))) // ContextRules.CodeValues.cs
                || (IsLabelOrFixtureValue(text[ns..ne], text[vs..ve]) && !IsEnvFixturePassword(text, ns, ne, vs, ve))) // ContextRules.Labels.cs: String!, Passwort, hunter2, existingSecret: redis-auth (r27)
            {
                continue;
            }

            report(ref state, vs, ve - vs, text[ns..ne]);
            i = Math.Max(i, ve);
        }
    }

    /// <summary>
    /// The value forms other than <c>name = value</c> (<see cref="TryValue"/> read none here): each checks its own
    /// context first. Out of <see cref="FindAssignments"/>' loop (most key-fragment hits are prose, which reaches this
    /// chain and fails every form), so that the loop stays small. <paramref name="argument"/> says the value is a
    /// command's argument (an option's, a pipe's, <c>htpasswd</c>'s).
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static bool TryOtherForms(ReadOnlySpan<char> text, int ns, int ne, out int vs, out int ve, out bool argument)
    {
        argument = false;

        // "wrangler secret put NAME", "doppler secrets set NAME …" (r24): the hit is the command's word, the name follows
        if (ne - ns is 6 or 7 && text[ns] == 's' && (TrySetCommandValue(text, ns, ne, out vs, out ve) || TryPipedPassword(text, ns, ne, out vs, out ve)))
        {
            argument = true; // the value of a named secret ("secrets" is no credential name itself)
            return true;
        }

        // A name followed by one blank and a lower-case word is prose ("the password retry…"): the r23 forms need two
        // blanks, a cell border or a separator after the name (rows, wrapped literals), or an option ('-') after it
        // (htpasswd, --name … --value); only the older forms are tried for it.
        bool prose = ne + 1 < text.Length && text[ne] == ' ' && char.IsAsciiLetterLower(text[ne + 1]);
        if (TryGeneratedLineValue(text, ns, ne, out vs, out ve) || TryProsePassword(text, ns, ne, out vs, out ve) || TrySpacedValue(text, ne, out vs, out ve) || TryNameValuePair(text, ns, ne, out vs, out ve)
            || TryNetrcPassword(text, ns, ne, out vs, out ve) || TryXmlElement(text, ns, ne, out vs, out ve) || TryDefine(text, ns, ne, out vs, out ve)
            || TrySqlPassword(text, ns, ne, out vs, out ve) || TryTerraformDefault(text, ns, ne, out vs, out ve) || TryFallbackDefault(text, ns, ne, out vs, out ve)
            || TryGoDeclaration(text, ns, ne, out vs, out ve) || TryXmlAttributePair(text, ns, ne, out vs, out ve)
            || (!prose && (TryColumnValue(text, ns, ne, out vs, out ve) || TryWrappedLiteral(text, ns, ne, out vs, out ve))))
        {
            return true;
        }

        bool stdin = ne - ns == 16 && text[ns..ne].Equals("--password-stdin", StringComparison.Ordinal);
        argument = stdin ? TryPipedPassword(text, ns, ne, out vs, out ve)
            : TryArgument(text, ns, ne, out vs, out ve, out _) || (!prose && (TryHtpasswd(text, ns, ne, out vs, out ve) || TryNamedOptionValue(text, ns, ne, out vs, out ve)
                || TryKeychainPassword(text, ns, ne, out vs, out ve)))
                || ((!prose || ne - AfterEscapeLetter(text, ns) is 15 or 11) && TryAdminCommandPassword(text, ns, ne, out vs, out ve)); // r25; prose only for "change_password alice …", "requirepass x…"

        // r24 (ContextRules.Commands.cs): a verb before the name is its context, prose or not ("set token …"), but most prose
        // hits ("the token is") have no such word before them and skip both forms
        bool verb = !prose || VerbBeforePossible(text, ns);
        argument = argument || (verb && TryPipedPassword(text, ns, ne, out vs, out ve));
        return argument || (verb && TrySetCommandValue(text, ns, ne, out vs, out ve));
    }

    /// <summary>
    /// Can a command's verb or option end right before the name at <paramref name="ns"/> (r24's set and standard-input
    /// forms)? A path or quote before it (<c>//registry.npmjs.org/:_authToken</c>, <c>"Stripe:SecretKey"</c>), the name
    /// an option itself (<c>--password-stdin</c>), or a word ending like <c>set</c>, <c>put</c>, <c>add</c>,
    /// <c>config</c>, <c>--global</c>, <c>--system</c>, a one-letter option (<c>-H</c>) or (r25) a pipe (<c>| passwd
    /// root</c>) or an option cluster of two or three letters (<c>set -gx</c>) before the blank. A few compares.
    /// </summary>
    private static bool VerbBeforePossible(ReadOnlySpan<char> t, int ns) =>
        ns >= 2 && (t[ns - 1] == ' '
            ? t[ns] == '-' || (t[ns - 2] | 0x20) is 't' or 'g' or 'd' or 'l' or 'm' || t[ns - 2] == '|' || (ns >= 3 && t[ns - 3] == '-') || (ns >= 5 && (t[ns - 4] == '-' || t[ns - 5] == '-'))
            : t[ns - 1] is ':' or '/' or '"' or '\'' or '\\');

    /// <summary>
    /// An XML element named by the key (<c>&lt;password&gt;…&lt;/password&gt;</c>, Maven <c>settings.xml</c>
    /// <c>&lt;server&gt;&lt;password&gt;</c>, XML 1.0 §3.1 start and end tags; eighth issue-16 round): the text up to the
    /// element's end tag, 6–256 characters on one line, when it has a secret's shape (as a quoted value's). Since the r25
    /// reach round the start tag may carry attributes (FileZilla's <c>&lt;Pass encoding="base64"&gt;</c>, which holds the
    /// password base64-encoded: its value is the encoded text).
    /// </summary>
    private static bool TryXmlElement(ReadOnlySpan<char> t, int ns, int ne, out int vs, out int ve)
    {
        vs = ve = 0;
        if (ns < 1 || t[ns - 1] != '<' || ne >= t.Length || t[ne] is not ('>' or ' '))
        {
            return false;
        }

        int s = ne + 1;
        bool base64 = false;
        if (t[ne] == ' ')
        {
            // attributes (r25): FileZilla's <Pass encoding="base64">…</Pass> (sitemanager.xml, recentservers.xml), <password
            // type="…">; only a password's element (a lexer's <token kind="NUMBER">…</token> is no credential: review)
            int close = t[ne..Math.Min(t.Length, ne + 128)].IndexOfAny('>', '<', '\n');
            if (close < 2 || t[ne + close] != '>' || t[ne + close - 1] == '/' || !(IsPasswordName(t[ns..ne]) || EndsWithPassSegment(t[ns..ne])))
            {
                return false;
            }

            base64 = t.Slice(ne, close).Contains("base64", StringComparison.OrdinalIgnoreCase); // encoding="base64", also with JSON-escaped quotes
            s = ne + close + 1;
        }

        int e = t[s..Math.Min(t.Length, s + 257)].IndexOfAny('<', '\n');
        if (e is < 6 or > 256 || t[s + e] != '<')
        {
            return false;
        }

        e += s;
        var name = t[ns..ne];
        if (!t[e..].StartsWith("</", StringComparison.Ordinal) || !t[(e + 2)..].StartsWith(name, StringComparison.Ordinal)
            || e + 2 + name.Length >= t.Length || t[e + 2 + name.Length] != '>' || !IsSecretValue(t[s..e], quoted: true)
            || (t[ne] == ' ' && !(base64 ? DecodesToSecret(t[s..e]) : LooksDrawn(t[s..e]))))
        {
            return false;
        }

        (vs, ve) = (s, e);
        return true;
    }

    /// <summary>The password inside FileZilla's base64 (<c>&lt;Pass encoding="base64"&gt;</c>, 6–192 bytes of UTF-8) is a literal secret, not a placeholder or a keyword (base64 of <c>password</c>).</summary>
    private static bool DecodesToSecret(ReadOnlySpan<char> b64)
    {
        Span<byte> bytes = stackalloc byte[192];
        if (b64.Length > 256 || !Convert.TryFromBase64Chars(b64, bytes, out int n) || n < 6)
        {
            return false;
        }

        Span<char> chars = stackalloc char[192];
        return System.Text.Encoding.UTF8.TryGetChars(bytes[..n], chars, out int c) && IsSecretValue(chars[..c], quoted: true);
    }

    /// <summary>
    /// A credential name that is itself an XML attribute value, its value in a sibling attribute or child element (ninth
    /// issue-16 round): the .NET configuration file's <c>&lt;add key="ApiKey" value="…"/&gt;</c> (<c>appSettings</c>,
    /// https://learn.microsoft.com/dotnet/framework/configure-apps/file-schema/appsettings/add-element-for-appsettings;
    /// also <c>name=</c>), and the <c>applicationSettings</c> / <c>userSettings</c> form
    /// <c>&lt;setting name="ApiKey" serializeAs="String"&gt;&lt;value&gt;…&lt;/value&gt;</c> (XML 1.0 §3.1 attributes;
    /// the value within 160 characters of the name), and since the r23 reach round Java's properties XML
    /// <c>&lt;entry key="db.password"&gt;…&lt;/entry&gt;</c> (<c>Properties.storeToXML</c>, the DTD
    /// http://java.sun.com/dtd/properties.dtd). The value is reported when it has a quoted secret value's shape, so
    /// <c>value=""</c>, <c>value="%API_KEY%"</c> and <c>value="https://…"</c> are not. Only in <c>&lt;add</c>,
    /// <c>&lt;setting</c> and <c>&lt;entry</c> elements.
    /// </summary>
    private static bool TryXmlAttributePair(ReadOnlySpan<char> t, int ns, int ne, out int vs, out int ve)
    {
        vs = ve = 0;

        // In a JSON string (a config file's text in a request) the attributes' quotes are escaped, <add key=\"…\" value=\"…\"/> (r33).
        int esc = ns >= 7 && t[ns - 2] == '\\' ? 1 : 0;
        if (ns < 6 + esc || ne + esc >= t.Length || t[ns - 1] is not ('"' or '\'') || t[ne + esc] != t[ns - 1] || (esc == 1 && t[ne] != '\\') || t[ns - 2 - esc] != '='
            || !(t[(ns - 5 - esc)..(ns - 2 - esc)].Equals("key", StringComparison.OrdinalIgnoreCase) || t[(ns - 6 - esc)..(ns - 2 - esc)].Equals("name", StringComparison.OrdinalIgnoreCase)))
        {
            return false;
        }

        ne += esc; // the closing quote, after its backslash

        // Only in the configuration elements that carry settings this way (an HTML form's <input name="…_token" value="…">
        // is a CSRF token, not a setting).
        int tag = t[Math.Max(0, ns - 64)..ns].LastIndexOf('<');
        var element = tag < 0 ? default : t[(Math.Max(0, ns - 64) + tag + 1)..ns];
        bool entry = element.StartsWith("entry ", StringComparison.Ordinal);
        if (!element.StartsWith("add ", StringComparison.Ordinal) && !element.StartsWith("setting ", StringComparison.Ordinal) && !entry)
        {
            return false;
        }

        char quote = t[ne];
        var after = t[(ne + 1)..Math.Min(t.Length, ne + 161)];
        int s;
        if (entry)
        {
            // Java's properties XML: <entry key="db.password">…</entry> (the element's text is the value)
            if (after.IsEmpty || after[0] != '>')
            {
                return false;
            }

            s = ne + 2;
            int e = t[s..Math.Min(t.Length, s + 257)].IndexOf("</entry>", StringComparison.Ordinal);
            if (e < 6 || t.Slice(s, e).ContainsAny('\n', '<'))
            {
                return false;
            }

            (vs, ve) = (s, s + e);
        }
        else if (after.TrimStart().StartsWith("value=", StringComparison.OrdinalIgnoreCase))
        {
            s = ne + 1 + (after.Length - after.TrimStart().Length) + 6 + esc; // past value= and the escape's backslash
            if (s >= t.Length || t[s] is not ('"' or '\'') || (esc == 1 && t[s - 1] != '\\'))
            {
                return false;
            }

            quote = t[s++]; // the value's own quotes (XML 1.0 §3.1 lets each attribute choose)
            int e = t[s..Math.Min(t.Length, s + 257)].IndexOf(quote);
            e -= esc == 1 && e > 0 && t[s + e - 1] == '\\' ? 1 : 0; // \" closes it
            if (e < 6)
            {
                return false;
            }

            (vs, ve) = (s, s + e);
        }
        else
        {
            int v = after.IndexOf("<value>", StringComparison.Ordinal);
            if (v < 0 || after[..v].Contains('<') || !after[..v].Contains('>'))
            {
                return false; // the element's own start tag ends before its <value> child
            }

            s = ne + 1 + v + 7;
            int e = t[s..Math.Min(t.Length, s + 257)].IndexOf("</value>", StringComparison.Ordinal);
            if (e < 6 || t.Slice(s, e).Contains('\n'))
            {
                return false;
            }

            (vs, ve) = (s, s + e);
        }

        return IsSecretValue(t[vs..ve], quoted: true);
    }

    /// <summary>
    /// An identifier rather than a generated secret: letters only in camelCase / PascalCase words (no two capitals in a
    /// row: <c>NextToken</c>, <c>nextToken</c>, <c>Marker</c>) or UPPER_SNAKE words (<c>ACCESS_TOKEN</c>), or a dotted
    /// path of them (<c>DefaultClusterParameters.Marker</c>). A random
    /// token of 6+ characters has digits or capitals side by side almost always.
    /// </summary>
    private static bool IsIdentifierValue(ReadOnlySpan<char> v)
    {
        if (v.IsEmpty || v.ContainsAnyExcept(s_identifierChars))
        {
            return false;
        }

        // an attribute path of such identifiers: "DefaultClusterParameters.Marker"
        foreach (var range in v.Split('.'))
        {
            var w = v[range];
            if (w.IsEmpty)
            {
                return false;
            }

            if (w.Contains('_'))
            {
                if (w.ContainsAnyInRange('a', 'z') || w[0] == '_' || w[^1] == '_' || w.Contains("__", StringComparison.Ordinal))
                {
                    return false;
                }

                continue;
            }

            for (int k = 1; k < w.Length; k++)
            {
                if (char.IsAsciiLetterUpper(w[k]) && char.IsAsciiLetterUpper(w[k - 1]))
                {
                    return false;
                }
            }
        }

        return true;
    }

    private static readonly SearchValues<char> s_identifierChars = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_.");

    /// <summary>The callback of <see cref="FindAssignments"/>: value span and the key name (for the message).</summary>
    public delegate void AssignmentSink<TState>(ref TState state, int start, int length, ReadOnlySpan<char> name);

    /// <summary>True for a header whose name says its value is a credential (<c>X-Api-Key</c>, <c>Private-Token</c>, <c>X-Auth-Token</c>…); <c>Authorization</c> is not one (its schemes are handled by the token rules).</summary>
    public static bool IsCredentialHeader(ReadOnlySpan<char> name) => IsCredentialName(name);

    /// <summary>
    /// True for a header other than <c>Authorization</c> / <c>Proxy-Authorization</c> whose name says it carries
    /// authorization (<c>X-Forwarded-Authorization</c>, <c>X-Original-Authorization</c>, <c>X-Auth</c>,
    /// <c>X-Upstream-Auth</c>): its value, after an optional scheme word (<c>Bearer</c>, <c>Token</c>), is a credential.
    /// </summary>
    public static bool IsAuthorizationLikeHeader(ReadOnlySpan<char> name)
    {
        Span<char> norm = stackalloc char[64];
        var key = norm[..NormalizeName(name, norm)];
        return (key.EndsWith("authorization", StringComparison.Ordinal) || key.EndsWith("auth", StringComparison.Ordinal))
            && key is not ("authorization" or "proxyauthorization" or "wwwauth" or "auth");
    }

    /// <summary>
    /// True for a cookie name that says its value is a credential (<c>session</c>, <c>auth_token</c>, <c>jwt</c>…), except
    /// the public names of <see cref="s_publicNames"/> (Django's <c>csrftoken</c>, Angular's <c>XSRF-TOKEN</c>: a browser
    /// sends them with every request, and the site reads them back into a form).
    /// </summary>
    public static bool IsCredentialCookie(ReadOnlySpan<char> name)
    {
        bool named = false;
        foreach (var n in s_cookieNames)
        {
            named |= name.Contains(n, StringComparison.OrdinalIgnoreCase);
        }

        if (!named)
        {
            return false;
        }

        Span<char> norm = stackalloc char[64];
        var key = norm[..NormalizeName(name, norm)];
        foreach (var p in s_publicNames)
        {
            if (key.EndsWith(p, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Is <paramref name="value"/> a Statsig client SDK key (<c>client-…</c>) under a Statsig header or name
    /// (<c>STATSIG-API-KEY</c>)? Client keys are meant to ship in apps and browsers; server SDKs use <c>secret-…</c>
    /// keys (https://docs.statsig.com/sdk-keys/api-keys). Claude Code sends its client key with its telemetry (r34 red
    /// team), so every bottle's agent would be refused it.
    /// </summary>
    public static bool IsPublicClientKey(ReadOnlySpan<char> name, ReadOnlySpan<char> value) =>
        value.StartsWith("client-", StringComparison.Ordinal) && name.Contains("statsig", StringComparison.OrdinalIgnoreCase);

    /// <summary>True when <paramref name="value"/> (a header or cookie value, trimmed) looks like a literal secret: 8+ characters, no placeholder, no reference.</summary>
    public static bool IsLiteralSecret(ReadOnlySpan<char> value, bool quoted)
    {
        if (value.Length < 8 || value.Length > 4096)
        {
            return false;
        }

        return IsSecretValue(value, quoted);
    }

    /// <summary>
    /// The key name that holds the search hit at <paramref name="hit"/>: its end (returned) and its start
    /// <paramref name="ns"/>, at most <paramref name="reachBack"/> name characters before the hit.
    /// </summary>
    private static int NameAround(ReadOnlySpan<char> t, int hit, int reachBack, out int ns)
    {
        int ne = hit;
        while (ne < t.Length && IsNameChar(t[ne]))
        {
            ne++;
        }

        ns = hit;
        while (ns > 0 && hit - ns < reachBack && IsNameChar(t[ns - 1]))
        {
            ns--;
        }

        return ne;
    }

    /// <summary>Does <paramref name="name"/> (letters and digits, any case) end in <c>privatekey</c>, <c>privkey</c> or <c>secretkey</c> (r31)?</summary>
    private static bool IsPrivateKeyName(ReadOnlySpan<char> name)
    {
        Span<char> norm = stackalloc char[64];
        var key = norm[..NormalizeName(name, norm)];
        return key.EndsWith("privatekey", StringComparison.Ordinal) || key.EndsWith("privkey", StringComparison.Ordinal) || key.EndsWith("secretkey", StringComparison.Ordinal);
    }

    /// <summary>Is <paramref name="word"/> <c>api</c>, <c>secret</c> or <c>private</c> (any case): the first word of a two-word key label (<c>API key</c>, <c>secret key</c>, <c>private key</c>; r31).</summary>
    private static bool IsKeyLabelWord(ReadOnlySpan<char> word) =>
        word.Equals("api", StringComparison.OrdinalIgnoreCase) || word.Equals("secret", StringComparison.OrdinalIgnoreCase) || word.Equals("private", StringComparison.OrdinalIgnoreCase);

    internal static bool IsNameChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.';

    /// <summary>Writes the letters and digits of <paramref name="name"/>, lower case, into <paramref name="norm"/> (as many as fit) and returns their count: <c>DB_Password</c> → <c>dbpassword</c>.</summary>
    private static int NormalizeName(ReadOnlySpan<char> name, Span<char> norm)
    {
        int n = 0;
        foreach (char c in name)
        {
            if (char.IsAsciiLetterOrDigit(c) && n < norm.Length)
            {
                norm[n++] = char.ToLowerInvariant(c);
            }
        }

        return n;
    }

    internal static bool IsCredentialName(ReadOnlySpan<char> name)
    {
        Span<char> norm = stackalloc char[64];
        int n = NormalizeName(name, norm);

        var key = norm[..n];
        bool ends = false;
        foreach (var e in s_nameEndings)
        {
            if (key.EndsWith(e, StringComparison.Ordinal))
            {
                ends = true;
                break;
            }
        }

        if (!ends && !EndsWithPassSegment(name))
        {
            return false;
        }

        foreach (var p in s_publicNames)
        {
            if (key.EndsWith(p, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// True for a name whose last segment is <c>pass</c> (<c>DB_PASS</c>, <c>smtp.pass</c>, <c>redis-pass</c>,
    /// <c>dbPass</c>, <c>pass</c>): dotenv and YAML configs abbreviate password so. <c>bypass</c>, <c>compass</c> and
    /// <c>sshpass</c> do not end a segment.
    /// </summary>
    private static bool EndsWithPassSegment(ReadOnlySpan<char> name)
    {
        if (name.Length < 4 || !name[^4..].Equals("pass", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        if (name.Length == 4 || name.Equals("sshpass", StringComparison.OrdinalIgnoreCase))
        {
            return true; // SSHPASS: the variable sshpass -e reads (sshpass(1); r22 reach round)
        }

        char before = name[^5];
        return before is '_' or '-' or '.' || (name[^4] == 'P' && char.IsAsciiLetterLower(before));
    }

    /// <summary>
    /// Reads the separator and the value after a key ending at <paramref name="i"/>. False with
    /// <paramref name="lowerWord"/> when the value was read but is one lower-case word (a reference or a placeholder
    /// for most keys, a passphrase for password keys: <see cref="IsPassphrase"/>).
    /// </summary>
    private static bool TryValue(ReadOnlySpan<char> t, int i, out int vs, out int ve, out bool lowerWord)
    {
        vs = ve = 0;
        lowerWord = false;
        bool subscript = false;

        // closing quote of a quoted key, possibly JSON-escaped
        if (i < t.Length && t[i] == '\\' && i + 1 < t.Length && t[i + 1] is '"' or '\'')
        {
            i += 2;
        }
        else if (IsJsonEscapedQuote(t, i))
        {
            i += 6;
        }
        else if (i < t.Length && t[i] is '"' or '\'' or '`')
        {
            i++;

            // a subscript assignment: app.config['SECRET_KEY'] = …, os.environ["DB_PASSWORD"] = …, $_ENV['…'] = …
            if (i < t.Length && t[i] == ']')
            {
                i++;
                subscript = true; // code: only a quoted literal counts (not headers["X-Token"] = session_token2)
            }
        }

        i = SkipBlanks(t, i);
        if (i >= t.Length)
        {
            return false;
        }

        bool typed = false;
        if (t[i] == ':')
        {
            if (i + 1 < t.Length && t[i + 1] == ':')
            {
                return false; // C++ / Rust paths
            }

            i += i + 1 < t.Length && t[i + 1] == '=' ? 2 : 1;

            // a typed declaration: apiKey: string = "…" (TypeScript, Python, Kotlin, Swift, Rust, Scala): the value
            // follows the annotation's '=' and must be a quoted literal (r22 reach round); a drawn value right after
            // the ':' is the value itself ("token: Xk9…, scope = \"repo\"")
            if (t[i - 1] == ':' && TypeAnnotationEnd(t, i) is int a and > 0 && !LooksDrawn(FirstWord(t, i)))
            {
                i = a;
                typed = true;
            }
        }
        else if (t[i] == '=')
        {
            if (i + 1 < t.Length && t[i + 1] == '=')
            {
                return false; // a comparison
            }

            i += i + 1 < t.Length && t[i + 1] == '>' ? 2 : 1;
        }
        else
        {
            return false;
        }

        i = SkipBlanks(t, i);
        if (i >= t.Length)
        {
            return false;
        }

        bool quoted = false;
        char quote = t[i];
        bool escapedQuote = quote == '\\' && i + 1 < t.Length && t[i + 1] is '"' or '\'';
        if (IsJsonEscapedQuote(t, i))
        {
            quoted = true;
            if (!TryJsonEscapedQuotedValue(t, i, out vs, out ve))
            {
                return false;
            }
        }
        else if (escapedQuote || quote is '"' or '\'' or '`')
        {
            quoted = true;
            int s = i + (escapedQuote ? 2 : 1);
            char q = escapedQuote ? t[i + 1] : quote;
            int e = s;
            while (e < t.Length && e - s <= 256 && t[e] != q && t[e] is not ('\n' or '\r'))
            {
                if (!escapedQuote && t[e] == '\\')
                {
                    e++; // an escaped character inside the string
                }

                e++;
            }

            if (e - s > 256 && e < t.Length)
            {
                // Longer: one token run to the closing quote (a vectorised search, so a body of credential names whose
                // values never close costs a few compares per 16 characters, not a walk per name).
                int more = t[e..Math.Min(t.Length, s + MaxTokenValue)].IndexOfAnyExcept(s_longTokenChars);
                if (more < 0)
                {
                    return false;
                }

                e += more;
                if (escapedQuote && t[e] == '\\')
                {
                    e++;
                }
            }

            if (e >= t.Length || t[e] != q)
            {
                return false;
            }

            if (escapedQuote)
            {
                if (t[e - 1] != '\\')
                {
                    return false;
                }

                e--;
            }

            vs = s;
            ve = e;
        }
        else
        {
            int e = i;
            while (e < t.Length && e - i <= 256 && ((!IsBareValueEnd(t[e]) && !IsEscapedLineEnd(t, e) && !IsJsonEscapedValueEnd(t, e)) || IsMemberArrowAt(t, i, e)))
            {
                e++;
            }

            if (e - i > 256)
            {
                int more = t[e..Math.Min(t.Length, i + MaxTokenValue)].IndexOfAnyExcept(s_longTokenChars);
                if (more < 0 && i + MaxTokenValue < t.Length)
                {
                    return false;
                }

                e = more < 0 ? t.Length : e + more;
                if (e < t.Length && !IsBareValueEnd(t[e]) && !IsEscapedLineEnd(t, e) && !IsJsonEscapedValueEnd(t, e))
                {
                    return false;
                }
            }

            // A JSON-escaped string ends at "\"" or "\n": keep the backslash out of the value.
            while (e > i && t[e - 1] == '\\')
            {
                e--;
            }

            vs = i;
            ve = e;
        }

        if (ve - vs < 6 || ((subscript || typed) && !quoted) || (typed && !LooksDrawn(t[vs..ve])) || (ve - vs > 256 && t[vs..ve].ContainsAnyExcept(s_longTokenChars)))
        {
            return false;
        }

        if (IsSecretValue(t[vs..ve], quoted))
        {
            return true;
        }

        lowerWord = !t[vs..ve].ContainsAnyExceptInRange('a', 'z');
        return false;
    }

    /// <summary>
    /// Does a declared constant's literal look drawn rather than named: a run of 10+ letters and digits with a random
    /// string's class changes (<see cref="LooksGenerated"/>: a key, a token), or 8+ characters with a digit, a letter and a
    /// symbol other than <c>- _ . / :</c> and blanks (a generated password)? Words with versions, paths, formats and
    /// names (<c>"spacing-4"</c>, <c>"curl/7.88.1"</c>, <c>"HH:mm:ss"</c>, <c>"phase2-private-key-password"</c>,
    /// <c>"prod/rds/master-password"</c>) are not. Code declares names
    /// under credential-named constants far more often than values: OpenSSL's <c>#define LN_challengePassword
    /// "challengePassword"</c>, typeshed's <c>PayPalFuturePaymentRefreshToken: Final = "fake-paypal-…-token-nonce"</c>
    /// (both met by the r22 reach round's file sweep; the others by its review).
    /// </summary>
    internal static bool LooksDrawn(ReadOnlySpan<char> v)
    {
        // a key or token: a run of 10+ letters and digits with a random string's class changes
        int best = 0, bestStart = 0;
        for (int i = 0; i < v.Length;)
        {
            int n = v[i..].IndexOfAnyExcept(Alphanumerics);
            n = n < 0 ? v.Length - i : n;
            if (n > best)
            {
                (best, bestStart) = (n, i);
            }

            i += Math.Max(n, 1);
        }

        if (best >= 10 && LooksGenerated(v.Slice(bestStart, best)))
        {
            return true;
        }

        // a password: 8+ characters with a symbol other than the separators of names, a digit and a letter
        return v.Length >= 8 && v.ContainsAnyExcept(s_namedLiteralChars) && v.ContainsAnyInRange('0', '9')
            && (v.ContainsAnyInRange('a', 'z') || v.ContainsAnyInRange('A', 'Z'));
    }

    /// <summary>Upper-case letters, digits, <c>_</c> and <c>.</c>: the name inside a template token (<c>__DB_PASSWORD__</c>, <c>@db.password@</c> upper-cased).</summary>
    private static readonly SearchValues<char> s_templateNameChars = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.");

    /// <summary>Letters, digits, <c>- _ . / :</c> and blanks: what names, words with versions, paths and keys of a store are written with.</summary>
    private static readonly SearchValues<char> s_namedLiteralChars =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_./: ");

    internal static readonly SearchValues<char> Alphanumerics =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789");

    /// <summary>The non-blank characters from <paramref name="i"/> (after blanks) to a blank, <c>=</c> or <c>,</c>: the first word of a value.</summary>
    private static ReadOnlySpan<char> FirstWord(ReadOnlySpan<char> t, int i)
    {
        i = SkipBlanks(t, i);
        int e = i;
        while (e < t.Length && e - i < 256 && t[e] is > ' ' and not ('=' or ','))
        {
            e++;
        }

        return t[i..e];
    }

    /// <summary>
    /// A type annotation between a declared name's <c>:</c> and its <c>=</c>: <paramref name="i"/> is just after the
    /// <c>:</c>; returns the position after the <c>=</c>, or -1. The annotation is one type of up to 64 characters —
    /// letters, digits and <c>_ . &lt; &gt; [ ] ( ) &amp; ' ? | ,</c> with blanks inside (Rust's <c>&amp;'static str</c>,
    /// Python's <c>Final[str]</c>, Kotlin's <c>String?</c>, TypeScript's <c>string | undefined</c>) — starting with a
    /// letter, <c>&amp;</c> or <c>[</c>, on the name's line, and the <c>=</c> is an assignment (not <c>==</c>,
    /// <c>=&gt;</c>) with a blank before it, as every style guide writes it. Sources: TypeScript handbook "Everyday
    /// Types" (variable annotations), PEP 526, Kotlin "Basic syntax" (variables), The Swift Programming Language "Type
    /// Annotations", The Rust Reference "Constant items".
    /// A YAML value (<c>password: my secret</c>) has no <c>=</c> after it and is read as before.
    /// </summary>
    private static int TypeAnnotationEnd(ReadOnlySpan<char> t, int i)
    {
        i = SkipBlanks(t, i);
        if (i >= t.Length || !(char.IsAsciiLetter(t[i]) || t[i] is '&' or '['))
        {
            return -1;
        }

        int j = i;
        while (j < t.Length && j - i < 64 && (char.IsAsciiLetterOrDigit(t[j]) || t[j] is '_' or '.' or '<' or '>' or '[' or ']' or '(' or ')' or '&' or '\'' or '?' or '|' or ',' or ' ' or '\t'))
        {
            j++;
        }

        // written "name: Type = value" (blanks around '='): "token:Xk9mQ2=vLp7Rt" is one value with an '=' in it
        return j + 1 < t.Length && t[j] == '=' && t[j + 1] is not ('=' or '>') && t[j - 1] is ' ' or '\t' ? j + 1 : -1;
    }

    /// <summary>
    /// The longest value <see cref="TryValue"/> reads (characters). Values of 257 and more must be one token of
    /// <see cref="s_longTokenChars"/> under a bearer credential's name (<see cref="s_longValueNames"/>): an STS session
    /// token (<c>AWS_SESSION_TOKEN</c>, ~400–1,000 base64 characters), an SSO cache's <c>accessToken</c>, an OAuth
    /// refresh token. Longer prose under a credential name is a description; long values under other names are
    /// pagination cursors (<c>$skiptoken</c>), one-time proofs (<c>captchaToken</c>) or ciphertext (a SealedSecret's
    /// <c>password: Ag…</c>, a KMS blob).
    /// </summary>
    private const int MaxTokenValue = 4096;

    /// <summary>
    /// Base64, base64url, hex and percent-encoded characters, <c>:</c> (an AWS SSO access token joins two parts with it)
    /// and <c>\</c> (PHP's <c>json_encode</c> writes <c>/</c> as <c>\/</c>): what a value over 256 characters must consist of.
    /// </summary>
    private static readonly SearchValues<char> s_longTokenChars =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=_-.%~:\\");

    /// <summary>Name endings (letters and digits, lower case) under which a value past 256 characters is still read as a credential; also the bare name <c>token</c>.</summary>
    private static readonly string[] s_longValueNames =
    [
        "sessiontoken", "securitytoken", "accesstoken", "refreshtoken", "authtoken", "authorizationtoken", "bearertoken", "apitoken",
        "oauthtoken", "apikey", "secretkey", "clientsecret", "privatekey",
    ];

    /// <summary>Does <paramref name="name"/> name a bearer credential that may run past 256 characters (<see cref="s_longValueNames"/>)?</summary>
    private static bool IsLongValueName(ReadOnlySpan<char> name)
    {
        Span<char> norm = stackalloc char[64];
        var key = norm[..NormalizeName(name, norm)];
        if (key.SequenceEqual("token"))
        {
            return true;
        }

        foreach (var e in s_longValueNames)
        {
            if (key.EndsWith(e, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Key names (letters and digits, lower case) ending like this name a password, whose value may be a passphrase of lower-case words.</summary>
    private static readonly string[] s_passwordEndings = ["password", "passwd", "passphrase", "passcode"];

    /// <summary>Lower-case words that make a value a placeholder, a label or a reference rather than a passphrase.</summary>
    private static readonly SearchValues<string> s_notPassphrase = SearchValues.Create(
        [
            "pass", "secret", "example", "change", "sample", "dummy", "default", "your", "here", "placeholder", "redacted",
            "hidden", "masked", "required", "optional", "confirm", "invalid", "incorrect", "credential", "authentic", "field",
            "input", "value", "string", "token", "hash", "encrypt", "xxx",
        ],
        StringComparison.Ordinal);

    private static bool IsPasswordName(ReadOnlySpan<char> name)
    {
        Span<char> norm = stackalloc char[64];
        int n = NormalizeName(name, norm);

        foreach (var e in s_passwordEndings)
        {
            if (norm[..n].EndsWith(e, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// A passphrase of lower-case words (<c>correcthorsebatterystaple</c>): 12–64 letters a–z, at least 6 distinct,
    /// none of the words that make it a placeholder or a label (<c>changeme</c>, <c>yourpasswordhere</c>,
    /// <c>passwordfield</c>, <c>hashedpassword</c>). Shorter single words are too often references (<c>getpass</c>).
    /// </summary>
    private static bool IsPassphrase(ReadOnlySpan<char> v)
    {
        if (v.Length is < 12 or > 64 || v.ContainsAnyExceptInRange('a', 'z') || v.ContainsAny(s_notPassphrase))
        {
            return false;
        }

        uint seen = 0;
        foreach (char c in v)
        {
            seen |= 1u << (c - 'a');
        }

        return System.Numerics.BitOperations.PopCount(seen) >= 6;
    }

    private static int SkipBlanks(ReadOnlySpan<char> t, int i)
    {
        while (i < t.Length && t[i] is ' ' or '\t')
        {
            i++;
        }

        return i;
    }

    /// <summary>The start of the blanks (spaces, tabs) that end just before <paramref name="i"/>.</summary>
    private static int SkipBlanksBack(ReadOnlySpan<char> t, int i)
    {
        while (i > 0 && t[i - 1] is ' ' or '\t')
        {
            i--;
        }

        return i;
    }

    /// <summary>
    /// The end of an unquoted value. <c>#</c> is not one: a comment needs whitespace before it (.env, INI, shell), and
    /// generated passwords contain <c>#</c> (<c>DB_PASSWORD=Xk9#mQ2v…</c>).
    /// A control character or U+FFFD (a byte the text's decoder could not read) ends it too: no configured secret holds
    /// one, and binary content read as text (a file pushed through the git gate, which scans binaries with
    /// <c>git log --text</c>) would otherwise make <c>pwd=7eav</c> followed by noise a 17-character password (about one
    /// 48 MiB random file in eight did).
    /// C1 control characters (U+0080–U+009F) end it as C0 ones do: a binary body read as Latin-1 has one in eight bytes
    /// (r32: a gzip file's bytes spelled <c>_Pw:</c> and Latin-1 noise).
    /// </summary>
    private static bool IsBareValueEnd(char c) => c is <= ' ' or ',' or ';' or '&' or '"' or '\'' or '`' or '}' or ']' or ')' or '<' or '>' or (>= '\x7F' and <= '\x9F') or '\uFFFD';

    /// <summary>
    /// A JSON-escaped line break or tab (<c>\n</c>, <c>\r</c>, <c>\t</c>) at <paramref name="e"/>: code quoted in a JSON
    /// string (an LLM request's message, a GitHub file) ends its lines so, and <c>token = self.next_token\n</c> is the
    /// attribute path <c>self.next_token</c>, not a value with a backslash in it.
    /// </summary>
    private static bool IsEscapedLineEnd(ReadOnlySpan<char> t, int e) =>
        t[e] == '\\' && e + 1 < t.Length && t[e + 1] is 'n' or 'r' or 't';

    /// <summary>The characters of an attribute path with optional chaining (<c>req.user?.token</c>).</summary>
    private static readonly SearchValues<char> s_pathChars = SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.?");

    /// <summary>
    /// Is <paramref name="v"/> an expression that falls back to a default: an identifier or attribute path
    /// (<c>[A-Za-z_$][A-Za-z0-9_$.]*</c>) then <c>||</c>, <c>??</c> or <c>&amp;&amp;</c> (<c>e.password||''</c>)?
    /// </summary>
    private static bool IsDefaultingExpression(ReadOnlySpan<char> v)
    {
        int op = v.IndexOfAny('|', '?', '&');
        if (op < 1 || op + 1 >= v.Length || v[op + 1] != v[op] || !(char.IsAsciiLetter(v[0]) || v[0] is '_' or '$'))
        {
            return false;
        }

        foreach (char c in v[..op])
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '$' or '.'))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsSecretValue(ReadOnlySpan<char> v, bool quoted)
    {
        // TypeScript's non-null assertion (privateKey: process.env.PRIVATE_KEY!) ends a reference, not a password.
        if (!quoted && v.Length > 2 && v[^1] == '!' && v.Contains('.'))
        {
            v = v[..^1];
        }

        // Optional chaining (req.user?.token, config?.db?.password) is an attribute path too.
        if (!quoted && v.Contains("?.", StringComparison.Ordinal) && !v.ContainsAnyExcept(s_pathChars))
        {
            return false;
        }

        if ((!quoted && IsBareCodeOrGrammar(v)) || HasJsonEscapedPlaceholder(v))
        {
            return false; // ContextRules.JsonEscapes.cs: ABNF repetitions, attribute paths with digits, prose labels, \u2026
        }

        if (quoted && IsGeneratedSymbolSecret(v))
        {
            return true; // a random draw whose symbols the reference tests below would take for a call or a template
        }

        // (r31) unquoted, a generated password may start with a symbol too (password=!Xk9mQ2vLp7RtY4wZ): only the symbol
        // and a drawn word of 10+ letters and digits (IsDrawnAlphanumeric); "$VAR", "{…}", "*anchor",
        // "!Ref Name", "@Microsoft.KeyVault(…)" and "-" options stay references (the tests below)
        if (!quoted && v.Length >= 11 && v[0] is '!' or '@' or '#' or '%' or '*' or '&' or '-' or '~' or '?' or '.' && IsDrawnAlphanumeric(v[1..]))
        {
            return true;
        }

        // r32: JavaScript's default idiom (e.password=e.password||'', e.token=e.token??null: minified code) and a pointer
        // to where the secret is kept (vault:secret/data/app#password, env:GITHUB_TOKEN, file:/run/secrets/db)
        if ((!quoted && IsDefaultingExpression(v)) || v.StartsWith("vault:", StringComparison.Ordinal) || v.StartsWith("env:", StringComparison.Ordinal)
            || v.StartsWith("file:", StringComparison.Ordinal))
        {
            return false;
        }

        // (r34) A template token of deployment tools: __PASSWORD__ (dunder placeholders replaced at deploy time, Azure
        // Pipelines' Replace Tokens task's default), @PASSWORD@ (Maven resource filtering, Ant), #{PASSWORD}# (Octopus).
        if (v.Length > 4 && ((v.StartsWith("__", StringComparison.Ordinal) && v.EndsWith("__", StringComparison.Ordinal)) || (v[0] == '@' && v[^1] == '@'))
            && !v.Trim('_').Trim('@').ContainsAnyExcept(s_templateNameChars))
        {
            return false;
        }

        // A quoted value holding a control character or U+FFFD is binary noise read as text, not a configured secret
        // (see IsBareValueEnd).
        if (v.IsEmpty || v.ContainsAnyInRange('\0', ' ') || v.ContainsAnyInRange('\x7F', '\x9F') || v.Contains('\uFFFD') || (v[0] > '\x7F' && !char.IsLetter(v[0])) || v[0] is '$' or '{' or '[' or '(' or ')' or '<' or '%' or '@' or '*' or '&' or '!' or ':' or '/' or '~' or '.' or '?' or '|' or '>' or '-' or '#')
        {
            return false;
        }

        // Calls, subscripts and objects are references ("getenv(", "os.environ[", "{…}"), not literals. A generated
        // secret may hold brackets too (Django's get_random_secret_key draws from "!@#$%^&*(-_=+)"): only a name or
        // attribute path right before the first one makes a call or a subscript.
        if (v.Contains('{') || IsCallOrSubscript(v) || v.Contains("://", StringComparison.Ordinal) || !v.ContainsAnyExcept(v[0]) || IsVersion(v)
            || HasPrintfConversion(v) || IsQualifiedName(v))
        {
            return false;
        }

        // Numbers (ports, counts, timeouts) and references: identifiers and attribute paths (user_password,
        // config.api_key, process.env.TOKEN), and in quotes plain lower-case words. These character tests come before
        // the placeholder and keyword searches, which they make unnecessary for most values (same result: every test
        // must pass).
        // A ':' between a letter and a capital joins names (Go's string table in a binary the git gate reads as text:
        // "JoinToken:ManagerUnlockKey:MatchExpressions", "PWD=Pid:SpecThaiTypeWait"), not a symbol of a password.
        bool digit = false, symbol = false, upper = false;
        for (int i = 0; i < v.Length; i++)
        {
            char c = v[i];
            digit |= char.IsAsciiDigit(c);
            upper |= char.IsAsciiLetterUpper(c);
            symbol |= !char.IsAsciiLetterOrDigit(c) && c is not ('_' or '.')
                && !(c == ':' && i > 0 && i + 1 < v.Length && char.IsAsciiLetter(v[i - 1]) && char.IsAsciiLetterUpper(v[i + 1]));
        }

        if (!v.ContainsAnyExceptInRange('0', '9'))
        {
            return false;
        }

        if (!digit && !symbol && (!quoted || !upper))
        {
            return false;
        }

        // "demo-key", "demo_token_123": a demo's value (Firebase's emulator docs). Only as the first word: "demo" inside a
        // value ("mydemo2024!") may be a real password.
        if (v.StartsWith("demo", StringComparison.OrdinalIgnoreCase) && (v.Length == 4 || v[4] is '-' or '_'))
        {
            return false;
        }

        foreach (var p in s_placeholderValues)
        {
            if (v.Contains(p, StringComparison.OrdinalIgnoreCase) && !(p is "example" && IsDocumentationExampleKey(v)))
            {
                return false;
            }
        }

        foreach (var k in s_keywordValues)
        {
            if (v.Equals(k, StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// True when <paramref name="v"/> is a generated key that documentation marked with an upper-case <c>EXAMPLE</c>
    /// (AWS's <c>wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY</c>, https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html):
    /// besides the word, 20+ base64 characters with upper case, lower case and digits. Such a value under a credential
    /// name is still reported (issue 16: a credential-shaped value sent out is the event, even a documented one);
    /// <c>your-example-key</c>, <c>ExampleToken</c> or <c>EXAMPLE_API_KEY_123</c> stay placeholders.
    /// </summary>
    private static bool IsDocumentationExampleKey(ReadOnlySpan<char> v)
    {
        int at = v.IndexOf("EXAMPLE", StringComparison.Ordinal);
        if (at < 0 || v.Length - "EXAMPLE".Length < 20)
        {
            return false;
        }

        bool upper = false, lower = false, digit = false;
        for (int i = 0; i < v.Length; i++)
        {
            if (i == at)
            {
                i += "EXAMPLE".Length - 1;
                continue;
            }

            char c = v[i];
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('+' or '/' or '='))
            {
                return false;
            }

            upper |= char.IsAsciiLetterUpper(c);
            lower |= char.IsAsciiLetterLower(c);
            digit |= char.IsAsciiDigit(c);
        }

        return upper && lower && digit;
    }

    /// <summary>
    /// True when the quoted value <paramref name="v"/> (or one that ends its line: <see cref="TryGeneratedLineValue"/>)
    /// is a random draw from letters, digits and symbols, even where its symbols look like a call (<c>x4b$!ui(</c>), a
    /// printf conversion (<c>%f</c>), a named format (<c>%(</c>) or a reference's first character (<c>$</c>, <c>!</c>,
    /// <c>*</c>, <c>#</c>…), which the tests after this one would reject: they rejected about a third of Django keys and
    /// a quarter of random 12–24-character passwords with symbols. Two shapes, neither with a blank, a control or
    /// non-ASCII character, any of <c>{ } &lt; &gt; [ ] \</c>, <c>://</c>, a crypt hash's prefix
    /// (<see cref="IsCryptHash"/>), a reference's start (<see cref="IsReferenceStart"/>), a positional printf conversion,
    /// an Azure Key Vault reference (<c>@Microsoft.KeyVault(…)</c>), a version (<c>v1.2.3+Build4</c>), nor a run of more
    /// than 12 letters:
    /// <list type="bullet">
    /// <item>32–256 characters with 8+ lower-case letters, 3+ digits and 5+ symbols of 4+ kinds, not a call that ends
    /// the value (<c>base64.b64decode(self.private_key)</c>) — Django's
    /// <c>get_random_secret_key</c> draws 50 characters from <c>abcdefghijklmnopqrstuvwxyz0123456789!@#$%^&amp;*(-_=+)</c>
    /// (django/core/management/utils.py; <c>startproject</c> writes them after <c>django-insecure-</c>). Format strings,
    /// calls, globs and paths have fewer digits or longer names; templates, regular expressions and URLs hold an
    /// excluded character.</item>
    /// <item>8–31 characters with an upper-case letter, a lower-case letter, a digit and a symbol other than
    /// <c>_ . - / :</c> (the classes a password policy asks for), that is not a printf template
    /// (<see cref="HasPrintfConversion"/>), a call of a name of 3+ characters (<see cref="IsCallOrSubscript"/>;
    /// <c>zX(bhk…</c> is a draw) or a sigil and a name
    /// (<c>$Db_Pass1</c>, <c>%APP_KEY2%</c>, <c>@Secret1</c>, <c>$env:X</c>).</item>
    /// </list>
    /// </summary>
    /// <param name="v">The value, without its quotes.</param>
    /// <returns>True when the value has either shape and holds none of the placeholder words.</returns>
    private static bool IsGeneratedSymbolSecret(ReadOnlySpan<char> v)
    {
        if (v.Length is < 8 or > 256 || v.ContainsAny(s_notGeneratedChars) || v.Contains("://", StringComparison.Ordinal) || IsCryptHash(v)
            || IsReferenceStart(v) || HasPositionalConversion(v) || v.Contains("KeyVault(", StringComparison.Ordinal) || IsVersion(v))
        {
            return false;
        }

        int lower = 0, upper = 0, digits = 0, symbols = 0, strong = 0, run = 0, longestRun = 0;
        UInt128 kinds = 0; // one bit per printable ASCII symbol seen
        foreach (char c in v)
        {
            if (char.IsAsciiLetter(c))
            {
                lower += char.IsAsciiLetterLower(c) ? 1 : 0;
                upper += char.IsAsciiLetterUpper(c) ? 1 : 0;
                longestRun = Math.Max(longestRun, ++run);
                continue;
            }

            run = 0;
            if (char.IsAsciiDigit(c))
            {
                digits++;
            }
            else if (c is > ' ' and < '\x7F')
            {
                symbols++;
                strong += c is '_' or '.' or '-' or '/' or ':' ? 0 : 1;
                kinds |= UInt128.One << (c - ' ');
            }
            else
            {
                return false; // a blank, a control character or a non-ASCII character
            }
        }

        bool shaped = v.Length >= 32
            ? lower >= 8 && digits >= 3 && symbols >= 5 && UInt128.PopCount(kinds) >= 4 && !(IsCallOrSubscript(v) && v[^1] is ')' or ']')
            : lower > 0 && upper > 0 && digits > 0 && strong > 0 && !HasPrintfConversion(v) && !(IsCallOrSubscript(v) && v.IndexOfAny('(', '[') >= 3) && !IsSigilName(v);
        if (!shaped || longestRun > 12)
        {
            return false;
        }

        foreach (var p in s_placeholderValues)
        {
            if ((v.Length < 32 || p is not ("%(" or "***")) && v.Contains(p, StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// A sigil and a name, with an optional closing sigil: a shell or PHP variable (<c>$Db_Pass1</c>), a Windows
    /// environment variable (<c>%APP_KEY2%</c>), a decorator or resource reference (<c>@Secret1</c>), a Symfony
    /// parameter (<c>%env(DB_PASS2)%</c> is a call).
    /// </summary>
    private static bool IsSigilName(ReadOnlySpan<char> v)
    {
        if (v[0] is not ('$' or '%' or '@' or '&' or '*' or '!' or '#' or ':'))
        {
            return false;
        }

        var name = v[1..];
        if (name.Length > 0 && name[^1] is '%' or '$' or '@')
        {
            name = name[..^1];
        }

        return !name.IsEmpty && char.IsAsciiLetter(name[0]) && !name.ContainsAnyExcept(s_identifierPathChars);
    }

    private static readonly SearchValues<char> s_identifierPathChars = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.:");

    /// <summary>
    /// A password hash in the crypt(3) / PHC string format (<c>$</c>, an identifier of 1–32 characters <c>a-z0-9-</c>,
    /// <c>$</c>: <c>$2b$12$…</c>, <c>$5$rounds=…</c>, <c>$argon2i$v=19$…</c>, <c>$scrypt$ln=10,…</c>;
    /// https://github.com/P-H-C/phc-string-format/blob/master/phc-sf-spec.md): a hash library's test vectors pair them with
    /// <c>"password"</c>. A hash stays out of <see cref="IsGeneratedSymbolSecret"/>'s reach (its leading <c>$</c> makes it a
    /// reference to the tests after it, as before).
    /// </summary>
    private static bool IsCryptHash(ReadOnlySpan<char> v)
    {
        v = v.TrimStart("!*"); // a locked account's hash in /etc/shadow (shadow(5): a leading "!")
        if (v.Length < 3 || v[0] != '$')
        {
            return false;
        }

        int end = v[1..].IndexOfAnyExcept(s_cryptIdChars) + 1;
        return end is > 1 and <= 33 && v[end] is '$' or ','; // "$md5,rounds=5000$…" (Solaris' SunMD5)
    }

    /// <summary>
    /// True when <paramref name="v"/> starts like a reference rather than a literal, each sigil as its languages use it:
    /// a path (<c>~/</c>, <c>./</c>, <c>../</c>), Concourse's <c>((vault.pw))</c>; <c>$</c> with a bracket, a dot or
    /// another <c>$</c> (<c>$(DbPassword2)</c>, JSONPath's <c>$.oauth2.token</c>), or with a name that ends the value or
    /// goes on like a reference (<c>$env:X</c> (PowerShell), <c>$HOME/.config</c>, <c>$CI_JOB_TOKEN@host</c>,
    /// <c>$Config::Pass1</c> (Perl), <c>$Pass1$Pass2</c>, <c>$Password1;</c>); <c>%</c> and a name before <c>( . %</c> (Symfony's <c>%env(X)%</c> and
    /// <c>%kernel.secret%</c>, <c>%APPDATA%/x</c>); Razor's <c>@(…)</c> and <c>@Model.Pass1</c>; globs (<c>**/</c>,
    /// <c>!**/</c>, <c>*.x</c>); a JSON Schema <c>#/…</c> and a colour (<c>#1A2b3C</c>). A generated key starts so
    /// about 2 times in 100 (a Django key with <c>$</c>).
    /// </summary>
    private static bool IsReferenceStart(ReadOnlySpan<char> v)
    {
        if (v.StartsWith("~/") || v.StartsWith("./") || v.StartsWith("../") || v.StartsWith("(("))
        {
            return true;
        }

        if (v.Length < 3)
        {
            return false;
        }

        // the name after the sigil, and the character after it (or '\0' at the end; ';' ',' or a quote ending the value
        // count as the end: "$Password1;")
        int end = 1;
        while (end < v.Length && (char.IsAsciiLetterOrDigit(v[end]) || v[end] == '_'))
        {
            end++;
        }

        bool named = end > 2 && char.IsAsciiLetter(v[1]);
        char next = end == v.Length || (end + 1 == v.Length && v[end] is ';' or ',' or '\'' or '"') ? '\0' : v[end];
        switch (v[0])
        {
            case '$':
                // $(…) (Azure Pipelines, shell), JSONPath's "$.a", ${…}, $$; a name that ends the value or goes on like a
                // reference ("$env:X", "$HOME/x", "$CI_JOB_TOKEN@host", "$USER:$PASS", "$Pass1$Pass2")
                return v[1] is '(' or '.' or '{' or '$' || (named && next is '\0' or '(' or ':' or '.' or '/' or '-' or '@' or '%' or '$');
            case '%':
                return named && next is '(' or '.' or '%'; // %env(X)%, %kernel.secret%, %APPDATA%
            case '@':
                return v[1] == '(' || (named && next == '.'); // Razor's @(Model.X), @Model.Pass1
            case '*' or '!':
                return v[1] is '*' or '/' or '.'; // globs and their negation
            case '#':
                return v[1] == '/' || (v.Length <= 9 && !v[1..].ContainsAnyExcept(HexChars)); // a JSON Schema $ref, a colour
            default:
                return false;
        }
    }

    /// <summary>A positional printf conversion (POSIX <c>%n$</c>: <c>%1$s</c>, <c>%2$S</c>), which <see cref="HasPrintfConversion"/> does not read.</summary>
    private static bool HasPositionalConversion(ReadOnlySpan<char> v)
    {
        for (int i = 0; i + 2 < v.Length; i++)
        {
            if (v[i] == '%' && char.IsAsciiDigit(v[i + 1]) && v[i + 2] == '$')
            {
                return true;
            }
        }

        return false;
    }

    private static readonly SearchValues<char> s_cryptIdChars = SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789-");

    private static readonly SearchValues<char> s_notGeneratedChars = SearchValues.Create("{}<>[]\\");

    /// <summary>
    /// True when the first <c>(</c> or <c>[</c> of <paramref name="v"/> follows a name or attribute path (<c>getenv(</c>,
    /// <c>os.environ[</c>, <c>config.get(</c>, <c>$this-&gt;env(</c>, <c>Config::get(</c>, <c>env!(</c>) that does not start
    /// with a digit and whose <c>$ - &gt; ? !</c> sit where code puts them (a sigil at a segment's start,
    /// <c>-&gt;</c>, <c>?.</c>, <c>!</c> before <c>. ( [</c>): a random password such as <c>k9$!ui(6</c> is no call.
    /// </summary>
    private static bool IsCallOrSubscript(ReadOnlySpan<char> v)
    {
        int b = v.IndexOfAny('(', '[');
        if (b < 0)
        {
            return false;
        }

        if (b == 0 || char.IsAsciiDigit(v[0]))
        {
            return false; // a name does not start with a digit, and "(" first is no call
        }

        for (int i = 0; i < b; i++)
        {
            char c = v[i];
            bool joins = c switch
            {
                '$' => i == 0 || v[i - 1] is '.' or '>' or ':' or '$', // $config->get(, $.ajax(, self::$cache[
                ':' => i > 0, // Config::get(, Vim's s:netrw_hup[
                '-' => v[i + 1] == '>', // $this->env(
                '>' => i > 0 && v[i - 1] == '-',
                '?' => v[i + 1] == '.', // req?.get(
                '!' => v[i + 1] is '.' or '(' or '[', // env!(, process.env!.get(
                _ => char.IsAsciiLetterOrDigit(c) || c is '_' or '.',
            };
            if (!joins)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// A version or version range (<c>^9.0.2</c>, <c>~1.0.12</c>, <c>10.2.0-beta.1</c>, <c>v1.2</c>, <c>&gt;=2.0</c>): the
    /// values of a <c>package.json</c> whose dependency names end in <c>token</c> (<c>jsonwebtoken</c>, <c>csrf-token</c>).
    /// </summary>
    /// <summary>
    /// True when <paramref name="v"/> holds a printf conversion (C11 §7.21.6.1: <c>%</c>, flags <c>-+ #0</c>, a width, a
    /// precision, a length modifier <c>hh h l ll j z t L</c>, then <c>d i o u x X e E f F g G a A c s p n</c>): a format
    /// template (<c>hClientMacSecret=0x%08lX</c> in a library's string table), not a value. A conversion of one letter must
    /// end the value or be followed by a character that is not a letter or digit (<c>Xk9%dmQ2</c> stays a password), and
    /// a percent-escape of a printable character is read as one (<see cref="IsPrintablePercentEscape"/>).
    /// </summary>
    private static bool HasPrintfConversion(ReadOnlySpan<char> v)
    {
        for (int p = 0; p + 1 < v.Length; p++)
        {
            if (v[p] != '%')
            {
                continue;
            }

            int i = p + 1;
            while (i < v.Length && v[i] is '-' or '+' or ' ' or '#' or '0')
            {
                i++;
            }

            while (i < v.Length && (char.IsAsciiDigit(v[i]) || v[i] == '.'))
            {
                i++;
            }

            while (i < v.Length && v[i] is 'h' or 'l' or 'j' or 'z' or 't' or 'L')
            {
                i++;
            }

            if (i < v.Length && v[i] is 'd' or 'i' or 'o' or 'u' or 'x' or 'X' or 'e' or 'E' or 'f' or 'F' or 'g' or 'G' or 'a' or 'A' or 'c' or 's' or 'p' or 'n'
                && (i + 1 == v.Length || !char.IsAsciiLetterOrDigit(v[i + 1]) || i > p + 1)
                && !IsPrintablePercentEscape(v, p))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// A percent-escape of a printable ASCII character at <paramref name="p"/> (RFC 3986 §2.1: <c>%21</c> is <c>!</c>,
    /// <c>%2F</c> is <c>/</c>): a URL-encoded password, even where the escape could also be read as a conversion
    /// (<c>%21zx</c>, <c>%2F</c>); <c>%08lX</c> escapes a control character, so it stays a conversion.
    /// </summary>
    private static bool IsPrintablePercentEscape(ReadOnlySpan<char> v, int p) =>
        p + 2 < v.Length && char.IsAsciiHexDigit(v[p + 1]) && char.IsAsciiHexDigit(v[p + 2])
        && (Base64Helpers.HexValue(v[p + 1]) << 4 | Base64Helpers.HexValue(v[p + 2])) is >= 0x20 and <= 0x7E;

    /// <summary>
    /// True when <paramref name="v"/> starts with a C++ or Rust qualified name (<c>std::__cxx11::basic_string&lt;char&gt;</c>,
    /// <c>crate::config::Token</c>): identifiers joined by <c>::</c> name a type or item, as a compiler's
    /// <c>__PRETTY_FUNCTION__</c> template-parameter list (<c>[with Token = std::…]</c>) writes them.
    /// </summary>
    private static bool IsQualifiedName(ReadOnlySpan<char> v)
    {
        int i = 0;
        while (i < v.Length && (char.IsAsciiLetterOrDigit(v[i]) || v[i] == '_'))
        {
            i++;
        }

        return i > 0 && !char.IsAsciiDigit(v[0]) && i + 2 < v.Length && v[i] == ':' && v[i + 1] == ':' && (char.IsAsciiLetter(v[i + 2]) || v[i + 2] == '_');
    }

    private static bool IsVersion(ReadOnlySpan<char> v)
    {
        int i = 0;
        while (i < v.Length && v[i] is '^' or '~' or '>' or '<' or '=' or 'v')
        {
            i++;
        }

        int dots = 0, start = i;
        while (i < v.Length && (char.IsAsciiDigit(v[i]) || v[i] is '.' or 'x' or '*'))
        {
            dots += v[i] == '.' ? 1 : 0;
            i++;
        }

        if (dots == 0 || i == start || !char.IsAsciiDigit(v[start]))
        {
            return false;
        }

        // a pre-release or build suffix: -beta.1, +sha.5114f85
        if (i < v.Length && v[i] is '-' or '+')
        {
            i++;
            while (i < v.Length && (char.IsAsciiLetterOrDigit(v[i]) || v[i] is '.' or '-'))
            {
                i++;
            }
        }

        return i == v.Length;
    }

    /// <summary>
    /// A credential passed as a command-line option or a call argument rather than assigned: <c>--password Xk9…</c>
    /// (a long option whose name is credential-named, a blank before the value; since the r25 reach round also one dash,
    /// <c>-Password '…'</c>, <c>-storepass …</c>, with a value that looks drawn), <c>sshpass -p Xk9…</c> (sshpass(1))
    /// and <c>define('DB_PASSWORD', 'Xk9…')</c> / <c>setenv("API_TOKEN", "…")</c> / <c>getenv("DB_PASSWORD",
    /// "default")</c> (a quoted credential name as a call's first argument, a quoted literal as the second: PHP
    /// <c>wp-config.php</c>, C, Python). References (<c>$PASS</c>, <c>"$(cat f)"</c>) and placeholders are not literals.
    /// </summary>
    private static bool TryArgument(ReadOnlySpan<char> t, int ns, int ne, out int vs, out int ve, out bool quoted)
    {
        vs = ve = 0;
        quoted = false;
        ns = AfterEscapeLetter(t, ns); // "\t-Password" inside a JSON string reads as the name "t-Password"
        var name = t[ns..ne];
        int i;
        bool singleDash = false;
        if (name.StartsWith("--") && name.Length > 3 && ne < t.Length && t[ne] == ' ')
        {
            i = SkipBlanks(t, ne);
        }
        else if (name.Length > 4 && name[0] == '-' && char.IsAsciiLetter(name[1]) && ns > 0 && (t[ns - 1] is ' ' or '\t' || (ns > 1 && t[ns - 2] == '\\')) && ne + 1 < t.Length
            && (t[ne] is ' ' or '\t' || (t[ne] == '\\' && t[ne + 1] == 't')))
        {
            // One dash (r25): PowerShell's parameters (Invoke-Sqlcmd -Password '…', Connect-VIServer -Password "…",
            // Publish-Module -NuGetApiKey …, about_Parameters) and keytool/jarsigner's -storepass / -keypass (the JDK's
            // keytool documentation); a tab after the name, raw or JSON-escaped. Only a value that looks drawn: help text
            // writes "-Password <String>" or a word.
            i = t[ne] == '\\' ? ne + 2 : SkipBlanks(t, ne);
            singleDash = true;
        }
        else if (name.Equals("sshpass", StringComparison.Ordinal) && t[ne..].StartsWith(" -p"))
        {
            i = SkipBlanks(t, ne + 3);
        }
        else if (ns > 1 && ne + 1 < t.Length && t[ns - 1] is '"' or '\'' && t[ne] == t[ns - 1])
        {
            int open = ns - 2;
            while (open > 0 && t[open] is ' ' or '\t')
            {
                open--;
            }

            if (t[open] != '(')
            {
                return false;
            }

            i = SkipBlanks(t, ne + 1);
            if (i >= t.Length || t[i] != ',')
            {
                return false;
            }

            i = SkipBlanks(t, i + 1);
            if (i >= t.Length || t[i] is not ('"' or '\''))
            {
                return false;
            }
        }
        else
        {
            return false;
        }

        if (i >= t.Length)
        {
            return false;
        }

        // -NewPassword (ConvertTo-SecureString -AsPlainText '…' -Force): the literal inside (Set-ADAccountPassword, r25)
        if (singleDash && t[i] == '(' && t[(i + 1)..].StartsWith("ConvertTo-SecureString", StringComparison.OrdinalIgnoreCase))
        {
            return SecureStringLiteral(t, i + 23, out vs, out ve);
        }

        int s = i, e;
        if (t[i] is '"' or '\'')
        {
            quoted = true;
            s = i + 1;
            int close = t[s..Math.Min(t.Length, s + 257)].IndexOfAny(t[i], '\n');
            if (close < 0 || t[s + close] != t[i])
            {
                return false;
            }

            e = s + close;
        }
        else if (t[i] == '\\' && i + 1 < t.Length && t[i + 1] == '"')
        {
            // -Password \"…\" inside a JSON string (r25)
            quoted = true;
            s = i + 2;
            int close = t[s..Math.Min(t.Length, s + 258)].IndexOf("\\\"", StringComparison.Ordinal);
            if (close < 0)
            {
                return false;
            }

            e = s + close;
        }
        else
        {
            e = s;
            while (e < t.Length && e - s <= 256 && !IsBareValueEnd(t[e]) && t[e] != '|' && !IsEscapedLineEnd(t, e))
            {
                e++;
            }
        }

        if (e - s is < 6 or > 256 || !IsSecretValue(t[s..e], quoted) || (singleDash && !LooksDrawn(t[s..e])))
        {
            return false;
        }

        (vs, ve) = (s, e);
        return true;
    }

    /// <summary>
    /// An unquoted value that runs to the end of its line (a dotenv or Docker <c>--env-file</c> line,
    /// <c>NAME=value</c>, whose value is the rest of the line, https://docs.docker.com/reference/cli/docker/container/run/#env;
    /// a YAML plain scalar after <c>key: </c>, YAML 1.2.2 §7.3.3) and has a generated secret's shape
    /// (<see cref="IsGeneratedSymbolSecret"/>): a Django key in a <c>.env</c> file holds <c>&amp;</c> and <c>)</c>, which
    /// end a value in code, and starts with a symbol one time in five. The key must start its line (after blanks or
    /// <c>export </c>), <c>=</c> must follow it directly or <c>:</c> and one blank, and the value must hold no blank.
    /// </summary>
    /// <param name="t">The text.</param>
    /// <param name="ns">Start of the key.</param>
    /// <param name="ne">End of the key.</param>
    /// <param name="vs">Start of the value.</param>
    /// <param name="ve">End of the value (before the line break).</param>
    /// <returns>True when such a value follows the key.</returns>
    private static bool TryGeneratedLineValue(ReadOnlySpan<char> t, int ns, int ne, out int vs, out int ve)
    {
        vs = ve = 0;
        int sep = SkipBlanks(t, ne);
        if (sep >= t.Length || t[sep] is not ('=' or ':'))
        {
            return false; // most names that reach here are prose: the separator test first
        }

        int line = StartsLogicalLine(t, ns);
        if (line == 0)
        {
            return false;
        }

        // "NAME=value", INI's "name = value", YAML's "key:  value" (a blank after ':' is required there)
        int s = sep + 1;
        if (t[sep] == ':' && (s >= t.Length || t[s] is not (' ' or '\t')))
        {
            return false;
        }

        s = SkipBlanks(t, s);
        int e = s;
        while (e < t.Length && e - s <= 256 && t[e] is > ' ' and not ('\x7F' or '"') && !(line == 2 && IsEscapedLineEnd(t, e)))
        {
            e++;
        }

        // After the value: the line's end (a real one; inside a JSON string an escaped one or the string's closing
        // quote), with optional blanks and a comment ("# …", after a blank) before it.
        int after = SkipBlanks(t, e);
        bool ends = after >= t.Length || t[after] is '\n' or '\r' || (line == 2 && (t[after] == '"' || IsEscapedLineEnd(t, after))) || (after > e && t[after] == '#');
        // A quote in it or a ';' or ',' after it makes the line code ("RW_PASS = 'Parm1';"): quoted values are TryValue's.
        if (!ends || e == s || t[s..e].ContainsAny('\'', '`') || t[e - 1] is ';' or ',' || !IsGeneratedSymbolSecret(t[s..e]))
        {
            return false;
        }

        (vs, ve) = (s, e);
        return true;
    }

    /// <summary>
    /// Does the name at <paramref name="ns"/> start a logical line: after blanks, at the text's start or a line break
    /// (1), a JSON-escaped <c>\n</c> (a <c>.env</c> file quoted in an LLM request) or a JSON string's opening quote (2:
    /// the line then ends at an escaped line break or the string's closing quote too), optionally behind
    /// <c>export</c> or a YAML list's <c>- </c> (docker-compose <c>environment:</c>), or after a blank and <c>-e</c> /
    /// <c>--env</c> (<c>docker run -e NAME=…</c>, 1)? 0 when not.
    /// </summary>
    private static int StartsLogicalLine(ReadOnlySpan<char> t, int ns)
    {
        if (ns > 0 && t[ns - 1] == '\\' && t[ns] is 'n' or 'r' or 't')
        {
            return 2; // "\nDJANGO_SECRET_KEY=…": the escape's letter is a name character, so the name starts with it
        }

        int b = SkipBlanksBack(t, ns);
        if (b < ns && ((b >= 3 && t[(b - 3)..b].SequenceEqual(" -e")) || (b >= 6 && t[(b - 6)..b].SequenceEqual(" --env"))))
        {
            return 1;
        }

        if (b < ns && b >= 6 && t[(b - 6)..b].SequenceEqual("export"))
        {
            b -= 6;
        }
        else if (b < ns && b >= 1 && t[b - 1] == '-')
        {
            b--; // "- NAME=value"
        }

        b = SkipBlanksBack(t, b);
        return b == 0 || t[b - 1] == '\n' ? 1 : t[b - 1] == '"' || (b >= 2 && t[b - 2] == '\\' && t[b - 1] == 'n') ? 2 : 0;
    }

    /// <summary>
    /// An environment variable or a stored secret written as a name/value pair, the name a credential's: Kubernetes'
    /// container <c>env</c> (<c>- name: DB_PASSWORD</c> and <c>value: "…"</c> on the next line; the EnvVar type,
    /// https://kubernetes.io/docs/tasks/inject-data-application/define-environment-variable-container/), the same in
    /// JSON (an ECS task definition's <c>environment</c>, <c>{"name": "DB_PASSWORD", "value": "…"}</c>,
    /// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/taskdef-envfiles.html) or HCL
    /// (<c>{ name = "X", value = "…" }</c>); since the r23 reach round also the secret stores' and CI services' shapes:
    /// <c>key</c> for the name (Vercel's and GitLab's variables API, <c>{"key": "DB_PASSWORD", "value": "…"}</c>,
    /// https://docs.gitlab.com/api/project_level_variables/), a parameter path as the name (AWS Systems Manager
    /// <c>get-parameter</c>, <c>{"Name": "/prod/db/password", "Type": "SecureString", "Value": "…"}</c>,
    /// https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_Parameter.html), CloudFormation's
    /// <c>ParameterKey=DbPassword,ParameterValue=…</c>
    /// (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_Parameter.html), and up to three scalar
    /// fields of the same object between the two (<c>"Type": "SecureString"</c>). The name must follow <c>name</c>,
    /// <c>key</c>, <c>ParameterKey</c> or <c>ParameterName</c> and <c>:</c> or <c>=</c>; <c>value</c> (or
    /// <c>ParameterValue</c>) must follow it after a <c>,</c> or a line break; the value is read as any other
    /// (<see cref="TryValue"/>), so <c>valueFrom:</c> (a secret reference) is none.
    /// </summary>
    /// <param name="t">The text.</param>
    /// <param name="ns">Start of the name.</param>
    /// <param name="ne">End of the name.</param>
    /// <param name="vs">Start of the value.</param>
    /// <param name="ve">End of the value.</param>
    /// <returns>True when such a pair holds a literal value.</returns>
    private static bool TryNameValuePair(ReadOnlySpan<char> t, int ns, int ne, out int vs, out int ve)
    {
        vs = ve = 0;

        // a parameter path in quotes: "/prod/db/password", "prod/app/api-token"
        int b = ns;
        bool path = b > 0 && t[b - 1] == '/';
        if (path)
        {
            int floor = Math.Max(0, b - 128);
            while (b > floor && (IsNameChar(t[b - 1]) || t[b - 1] == '/'))
            {
                b--;
            }

            if (b == 0 || t[b - 1] is not ('"' or '\''))
            {
                return false;
            }
        }

        // before the name: [quote] blanks (':' | '=') blanks [quote] ("name" | "key" | "ParameterKey" | "ParameterName");
        // the quotes may be JSON-escaped (\": the pair quoted in a JSON string)
        char quote = b > 0 && t[b - 1] is '"' or '\'' ? t[--b] : '\0';
        bool escaped = quote != '\0' && b > 0 && t[b - 1] == '\\';
        b -= escaped ? 1 : 0;
        b = SkipBlanksBack(t, b);
        if (b < 1 || t[b - 1] is not (':' or '='))
        {
            return false;
        }

        b = SkipBlanksBack(t, b - 1);
        if (b > 0 && t[b - 1] is '"' or '\'')
        {
            b -= b > 1 && t[b - 2] == '\\' ? 2 : 1;
        }

        int w = b;
        while (w > 0 && b - w < 14 && char.IsAsciiLetter(t[w - 1]))
        {
            w--;
        }

        var field = t[w..b];
        if ((w > 0 && IsNameChar(t[w - 1])) || !(field.Equals("name", StringComparison.OrdinalIgnoreCase) || field.Equals("key", StringComparison.OrdinalIgnoreCase)
            || field.Equals("ParameterKey", StringComparison.Ordinal) || field.Equals("ParameterName", StringComparison.Ordinal)))
        {
            return false;
        }

        // after the name: [quote] then ',' or a line break, blanks and line breaks, [quote] "value"
        int i = ne;
        if (quote != '\0')
        {
            i += escaped && i < t.Length && t[i] == '\\' ? 1 : 0;
            if (i >= t.Length || t[i] != quote)
            {
                return false;
            }

            i++;
        }

        for (int fields = 0; ; fields++)
        {
            i = SkipBlanks(t, i);
            if (i >= t.Length || !(t[i] is ',' or '\n' or '\r' || IsEscapedLineEnd(t, i)))
            {
                return false;
            }

            int lineBreaks = 0;
            i += t[i] == '\\' ? 2 : 1;
            while (i < t.Length && lineBreaks < 3)
            {
                if (t[i] is ' ' or '\t' or '\n' or '\r')
                {
                    lineBreaks += t[i] == '\n' ? 1 : 0;
                    i++;
                }
                else if (IsEscapedLineEnd(t, i))
                {
                    lineBreaks += t[i + 1] == 'n' ? 1 : 0; // the pair quoted in a JSON string: its line breaks written \n
                    i += 2;
                }
                else
                {
                    break;
                }
            }

            i += i + 1 < t.Length && t[i] == '\\' && t[i + 1] == '"' ? 1 : 0;
            if (i < t.Length && t[i] is '"' or '\'')
            {
                i++;
            }

            // The forms this round added (a key or parameter name, a path, fields between) also need a drawn value: a
            // header name or a label there ("Value": "X-Auth-Token-v2") is a setting's text (the r23 review).
            bool loose = path || fields > 0 || !field.Equals("name", StringComparison.OrdinalIgnoreCase);
            int at = i + 5 <= t.Length && t[i..(i + 5)].Equals("value", StringComparison.OrdinalIgnoreCase) ? i + 5
                : i + 14 <= t.Length && t[i..(i + 14)].Equals("ParameterValue", StringComparison.Ordinal) ? i + 14 : -1;
            if (at >= 0)
            {
                return TryValue(t, at, out vs, out ve, out _) && (!loose || LooksDrawn(t[vs..ve]));
            }

            // another scalar field of the same object ("Type": "SecureString", "target": "production"): past it; an
            // HTML form's hidden input ({"name": "_token", "type": "hidden", "value": …}) carries a CSRF or state value
            int end = fields == 3 ? -1 : ScalarFieldEnd(t, i);
            if (end < 0 || (t[i..end].StartsWith("type", StringComparison.OrdinalIgnoreCase) && t[i..end].Contains("hidden", StringComparison.OrdinalIgnoreCase)))
            {
                return false;
            }

            i = end;
        }
    }

    /// <summary>
    /// The end of the scalar field that starts at <paramref name="i"/> (its name, <c>:</c> or <c>=</c>, a quoted or bare
    /// value of at most 128 characters): the index of the <c>,</c> or line break after it, or −1 when the field holds an
    /// object or a list, or ends the object.
    /// </summary>
    private static int ScalarFieldEnd(ReadOnlySpan<char> t, int i)
    {
        int n = 0;
        while (i < t.Length && n < 48 && IsNameChar(t[i]))
        {
            i++;
            n++;
        }

        if (n == 0)
        {
            return -1;
        }

        i += i + 1 < t.Length && t[i] == '\\' && t[i + 1] == '"' ? 1 : 0;
        if (i < t.Length && t[i] is '"' or '\'')
        {
            i++;
        }

        i = SkipBlanks(t, i);
        if (i >= t.Length || t[i] is not (':' or '='))
        {
            return -1;
        }

        i = SkipBlanks(t, i + 1);
        int limit = Math.Min(t.Length, i + 130);
        bool escaped = i + 1 < limit && t[i] == '\\' && t[i + 1] == '"';
        if (i < limit && (escaped || t[i] is '"' or '\''))
        {
            int open = escaped ? i + 1 : i;
            int close = t[(open + 1)..limit].IndexOfAny(t[open], '\n');
            if (close < 0 || t[open + 1 + close] != t[open] || (escaped && t[open + close] != '\\'))
            {
                return -1;
            }

            i = SkipBlanks(t, open + close + 2);
            return i < t.Length && (t[i] is ',' or '\n' or '\r' || IsEscapedLineEnd(t, i)) ? i : -1;
        }

        int end = t[i..limit].IndexOfAny(s_scalarFieldEnds);
        if (end >= 0 && t[i + end] == '\\')
        {
            return IsEscapedLineEnd(t, i + end) ? i + end : -1;
        }

        return end < 0 || t[i + end] is '{' or '}' or '[' or ']' ? -1 : i + end;
    }

    private static readonly SearchValues<char> s_scalarFieldEnds = SearchValues.Create(",\n\r{}[]\\");

    /// <summary>
    /// A password named in prose: <c>the admin password is Xk9#mQ2v</c>, <c>password was "hunter22".</c> — a password
    /// name (<see cref="IsPasswordName"/>), one blank, <c>is</c> or <c>was</c>, an optional <c>:</c>, blanks, and a word
    /// of 8–64 characters (quotes or backticks around it, a sentence's <c>. , ; ! ?</c> or <c>)</c> after it are not
    /// part of it) of the generated shape (<see cref="IsGeneratedSymbolSecret"/>: upper and lower case, a digit and a
    /// symbol), none of <c>- _ . /</c> and no technical word (<c>sha</c>, <c>argon</c>, <c>base64</c>, <c>bit</c>…), with
    /// no <c>default</c> or <c>example</c> in the 48 characters before the name. "The password is incorrect", "is
    /// sha256-hashed", "is Argon2id", "is 8 characters", "the default password is Admin123!" and "is stored in
    /// $HOME/.pgpass" stay prose.
    /// </summary>
    /// <param name="t">The text.</param>
    /// <param name="ns">Start of the name.</param>
    /// <param name="ne">End of the name.</param>
    /// <param name="vs">Start of the value.</param>
    /// <param name="ve">End of the value.</param>
    /// <returns>True when such a value follows the name.</returns>
    private static bool TryProsePassword(ReadOnlySpan<char> t, int ns, int ne, out int vs, out int ve)
    {
        vs = ve = 0;
        if (ne + 3 < t.Length && t[ne] == ' ' && TryBareProseValue(t, ns, ne, out vs, out ve))
        {
            return true; // r32: "password NoticeStone39!", "token -> KiwiOval20$"
        }

        if (ne + 3 >= t.Length || t[ne] != ' ' || (t[ne + 1] | 0x20) is not ('i' or 'w' or 'f' or 'o' or 't'))
        {
            return false;
        }

        int clause = ne;
        if ((t[ne + 1] | 0x20) is not ('i' or 'w'))
        {
            // "the password for prod is …", "the password of the admin account is: …", "password to the vault was …" (r31):
            // a clause of up to 48 characters on the line, without a sentence's end, before "is" / "was"
            clause = ProseClauseEnd(t, ne);
            if (clause < 0)
            {
                return false;
            }
        }

        var rest = t[clause..];
        int verb = rest.StartsWith(" is", StringComparison.OrdinalIgnoreCase) ? 3 : rest.StartsWith(" was", StringComparison.OrdinalIgnoreCase) ? 4 : 0;
        bool password = verb > 0 && (IsPasswordName(t[ns..ne]) || IsProseSecretName(t[ns..ne])); // r32: "secret is …", "the token is …"
        bool privateKey = verb > 0 && !password && IsPrivateKeyName(t[ns..ne]);
        if (!(password || privateKey))
        {
            return false;
        }

        int s = clause + verb;
        if (s < t.Length && t[s] == ':')
        {
            s++;
        }

        if (s >= t.Length || t[s] != ' ')
        {
            return false; // "password isn't", "password issues"
        }

        s = SkipBlanks(t, s);
        bool quoted = s < t.Length && t[s] is '"' or '\'' or '`';
        s += quoted ? 1 : 0;
        int e = s;
        // unquoted, a JSON string's closing quote or an escape ends the value ({"note": "secret is ParrotDelay10!"}; r32)
        while (e < t.Length && e - s <= 66 && t[e] > ' ' && t[e] != '\x7F' && !(quoted && t[e] == t[s - 1]) && !(!quoted && t[e] is '"' or '\\'))
        {
            e++;
        }

        if (quoted && (e >= t.Length || t[e] != t[s - 1]))
        {
            return false;
        }

        int whole = e;
        while (!quoted && e > s && t[e - 1] is '.' or ',' or ';' or '!' or '?' or ')')
        {
            e--; // the sentence's punctuation
        }

        // r32: "… is ParrotDelay10!" — a '!' or '?' the generated shape needs is the password's own ("ParrotDelay10" has
        // no symbol), as complexity rules make it
        if (whole > e && t[e] is '!' or '?' && !privateKey && e - s >= 7 && IsGeneratedSymbolSecret(t[s..(e + 1)]) && !IsGeneratedSymbolSecret(t[s..e]))
        {
            e++;
        }

        // The generated shape only (IsGeneratedSymbolSecret: 8+ characters, upper, lower, digit and a symbol):
        // documentation names weak and default passwords in prose ("the default password is Admin123", "is `Passw0rd`"),
        // and a sentence that says "default" or "example" before the name is documentation.
        var v = t[s..e];
        if (privateKey)
        {
            // "my wallet's private key is 0x4c08…": a 256-bit key in hex (secp256k1 / Ed25519 scalars and seeds; r31)
            var hex = v.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? v[2..] : v;
            (vs, ve) = (s, e);
            return hex.Length == 64 && !hex.ContainsAnyExcept(HexChars) && hex.ContainsAnyInRange('0', '9') && hex.ContainsAnyExceptInRange('0', '9') && hex.ContainsAnyExcept(hex[0]);
        }

        var before = t[Math.Max(0, ns - 48)..ns];
        if (v.Length > 64 || v.ContainsAny(s_proseWordJoiners) || ContainsProseTechWord(v) || !(IsGeneratedSymbolSecret(v) || IsDrawnAlphanumeric(v))
            || before.Contains("default", StringComparison.OrdinalIgnoreCase) || before.Contains("example", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        (vs, ve) = (s, e);
        return true;
    }

    /// <summary>
    /// A value written with a blank between every character after the name's <c>=</c> or <c>:</c> (r32 round: a red
    /// team's <c>password = X k 9 m Q 2 v L p 7 R t Y 4 w Z</c>, which hides the value from every word-based test):
    /// 12–64 single printable ASCII characters each followed by one blank (the last by the line's end, a quote or
    /// another character than a blank), whose characters joined have the generated shape
    /// (<see cref="IsGeneratedSymbolSecret"/>) or a drawn key's (<see cref="IsDrawnAlphanumeric"/>). A few compares
    /// reject every other value (the third character must be a blank).
    /// </summary>
    private static bool TrySpacedValue(ReadOnlySpan<char> t, int ne, out int vs, out int ve)
    {
        vs = ve = 0;
        int s = ne < t.Length && t[ne] is '"' or '\'' ? ne + 1 : ne;
        s = SkipBlanks(t, s);
        if (s >= t.Length || t[s] is not (':' or '='))
        {
            return false;
        }

        s = SkipBlanks(t, s + 1);
        s += s < t.Length && t[s] is '"' or '\'' ? 1 : 0;
        if (s + 24 > t.Length || t[s + 1] != ' ' || t[s + 3] != ' ')
        {
            return false;
        }

        Span<char> joined = stackalloc char[64];
        int n = 0, i = s, end = s;
        while (i < t.Length && n < 64 && t[i] is > ' ' and < '\x7F' && (i + 1 == t.Length || t[i + 1] is ' ' or '\n' or '\r' or '"' or '\''))
        {
            joined[n++] = t[i];
            end = i + 1;
            if (i + 1 == t.Length || t[i + 1] != ' ')
            {
                break;
            }

            i += 2;
        }

        var v = joined[..n];
        if (n < 12 || (end < t.Length && t[end] == ' ' && end + 1 < t.Length && t[end + 1] > ' ') || !(IsGeneratedSymbolSecret(v) || IsDrawnAlphanumeric(v)))
        {
            return false; // fewer than 12, or a longer word follows ("a b c … then words")
        }

        (vs, ve) = (s, end);
        return true;
    }

    /// <summary>Is <paramref name="name"/> exactly <c>secret</c>, <c>token</c> or <c>passcode</c> (any case): a credential named in prose (r32)?</summary>
    private static bool IsProseSecretName(ReadOnlySpan<char> name) =>
        name.Equals("secret", StringComparison.OrdinalIgnoreCase) || name.Equals("token", StringComparison.OrdinalIgnoreCase)
        || name.Equals("passcode", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// A credential's value after its name and a blank, without <c>is</c> (r32 round: a red team's
    /// <c>PIN 4821, password NoticeStone39!</c> and <c>token -&gt; KiwiOval20$</c>): a password name
    /// (<see cref="IsPasswordName"/>) followed by one blank and a word that does not start with a lower-case letter, or
    /// a credential name (<see cref="IsCredentialName"/>) followed by <c> -&gt; </c> or <c> =&gt; </c>. The word
    /// (8–64 characters, to a blank, a quote or the line's end; a sentence's <c>. , ;</c> cut off) must have the
    /// generated shape (<see cref="IsGeneratedSymbolSecret"/>) or a drawn key's (<see cref="IsDrawnAlphanumeric"/>),
    /// no technical word, and no <c>default</c> or <c>example</c> may stand in the 48 characters before the name.
    /// "Reset your password Monday2024 style…", "password Manager" and "token -&gt; Refresh" stay prose, and so does a name
    /// that is a file's or a path's (<c>/etc/nginx/.htpasswd user</c>).
    /// </summary>
    private static bool TryBareProseValue(ReadOnlySpan<char> t, int ns, int ne, out int vs, out int ve)
    {
        vs = ve = 0;
        if (t[ns] == '.' || (ns > 0 && t[ns - 1] is '/' or '\\' or '.' or '$' or '%'))
        {
            return false; // a file or a path ("/etc/nginx/.htpasswd user"), a variable
        }

        int s;
        if (t[ne + 1] is '-' or '=' && t[ne + 2] == '>' && ne + 4 < t.Length && t[ne + 3] == ' ')
        {
            if (!IsCredentialName(t[ns..ne]))
            {
                return false;
            }

            s = SkipBlanks(t, ne + 4);
        }
        else if (!char.IsAsciiLetterLower(t[ne + 1]) && t[ne + 1] > ' ' && (IsPasswordName(t[ns..ne]) || t[ns..ne].Equals("pw", StringComparison.OrdinalIgnoreCase)))
        {
            s = ne + 1;
        }
        else
        {
            return false;
        }

        int e = s;
        while (e < t.Length && e - s <= 66 && t[e] > ' ' && t[e] is not ('\x7F' or '"' or '\'' or '`' or '\\'))
        {
            e++;
        }

        while (e > s && t[e - 1] is '.' or ',' or ';')
        {
            e--;
        }

        var v = t[s..e];
        var before = t[Math.Max(0, ns - 48)..ns];
        if (v.Length is < 8 or > 64 || ContainsProseTechWord(v) || !(IsGeneratedSymbolSecret(v) || IsDrawnAlphanumeric(v))
            || before.Contains("default", StringComparison.OrdinalIgnoreCase) || before.Contains("example", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        (vs, ve) = (s, e);
        return true;
    }

    /// <summary>
    /// The end of a clause after a password's name in prose — <c> for prod</c>, <c> of the admin account</c>,
    /// <c> to the vault</c>, <c> on staging</c> — where <c> is</c> or <c> was</c> starts (the index of its blank), within 48
    /// characters on the line and without a sentence's <c>. ; ! ?</c>; or -1.
    /// </summary>
    private static int ProseClauseEnd(ReadOnlySpan<char> t, int ne)
    {
        var rest = t[ne..Math.Min(t.Length, ne + 56)];
        if (!(rest.StartsWith(" for ", StringComparison.OrdinalIgnoreCase) || rest.StartsWith(" of ", StringComparison.OrdinalIgnoreCase)
            || rest.StartsWith(" to ", StringComparison.OrdinalIgnoreCase) || rest.StartsWith(" on ", StringComparison.OrdinalIgnoreCase)))
        {
            return -1;
        }

        for (int i = 4; i + 3 < rest.Length && i <= 48; i++)
        {
            char c = rest[i];
            if (c is '\n' or '\r' or '.' or ';' or '!' or '?' or '"' or '=' or ':')
            {
                return -1;
            }

            if (c == ' ' && (rest[(i + 1)..].StartsWith("is ", StringComparison.OrdinalIgnoreCase) || rest[(i + 1)..].StartsWith("is:", StringComparison.OrdinalIgnoreCase)
                || rest[(i + 1)..].StartsWith("was ", StringComparison.OrdinalIgnoreCase)))
            {
                return ne + i;
            }
        }

        return -1;
    }

    /// <summary>
    /// A drawn word of letters and digits: 10–64 of them with upper and lower case and a digit, changing class like a
    /// random string (<see cref="LooksGenerated"/>): <c>tYOtTgpgcoHfw5</c>, not <c>Windows11</c> or <c>iPhone15Pro</c> (r31).
    /// </summary>
    private static bool IsDrawnAlphanumeric(ReadOnlySpan<char> v) =>
        v.Length is >= 10 and <= 64 && !v.ContainsAnyExcept(Alphanumerics) && v.ContainsAnyInRange('0', '9') && v.ContainsAnyInRange('a', 'z')
        && v.ContainsAnyInRange('A', 'Z') && LooksGenerated(v);

    /// <summary>Characters that join words in prose (<c>sha256-hashed</c>, <c>pbkdf2_sha256</c>, <c>v2.encrypted</c>, <c>ipv4/6</c>): a bare prose password holds none.</summary>
    private static readonly SearchValues<char> s_proseWordJoiners = SearchValues.Create("-_./");

    /// <summary>
    /// Words that make a mixed-case word with a digit technical prose rather than a password (<c>Argon2id</c>,
    /// <c>SHA256sum</c>, <c>Base64Url</c>, <c>PKCS12</c>…), case-insensitive.
    /// </summary>
    private static readonly string[] s_proseTechWords =
        ["sha", "md5", "aes", "rsa", "argon", "bcrypt", "scrypt", "pbkdf", "base64", "base32", "utf", "hmac", "blake", "pkcs", "ecdsa", "ed25519", "x509", "bit", "byte", "char", "digit", "ipv",
            "hash", "ntlm", "chacha", "poly", "crc", "sso", "oauth", "totp", "fido", "webauthn"]; // the last ten: r31 (words with digits that r31's unsymbolled prose passwords could otherwise take for one)

    private static bool ContainsProseTechWord(ReadOnlySpan<char> v)
    {
        foreach (var w in s_proseTechWords)
        {
            if (v.Contains(w, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// A Terraform input variable whose default is the credential (<c>variable "db_password" { type = string; default =
    /// "…" }</c>, HCL; Terraform documentation, "Input Variables"; r22 reach round): the name is the quoted label of a
    /// <c>variable</c> block at the start of its line, and a <c>default = "…"</c> line stands inside that block within
    /// 512 characters (before the <c>}</c> that closes it: a one-line <c>variable "db_password" {}</c> has none). A variable without a default, or with a
    /// <c>var.</c> / <c>${…}</c> expression, is not a literal, and a default that names a secret (<c>"prod/rds/master-password"</c>,
    /// <c>"regcred-ghcr"</c>: <see cref="LooksDrawn"/>) holds none.
    /// </summary>
    private static bool TryTerraformDefault(ReadOnlySpan<char> t, int ns, int ne, out int vs, out int ve)
    {
        vs = ve = 0;
        // the label, quoted plainly or JSON-escaped (a .tf file quoted in an LLM request's message)
        bool escaped = ns >= 2 && t[ns - 1] == '"' && t[ns - 2] == '\\';
        int lq = escaped ? ns - 2 : ns - 1; // the label's opening quote
        if (lq < 9 || ne + 3 >= t.Length || t[ns - 1] != '"' || t[ne + (escaped ? 1 : 0)] != '"' || (escaped && t[ne] != '\\') || t[lq - 1] != ' '
            || !t[(lq - 9)..(lq - 1)].SequenceEqual("variable") || !LineStartsAt(t, SkipBlanksBack(t, lq - 9)))
        {
            return false;
        }

        int open = SkipBlanks(t, ne + (escaped ? 2 : 1));
        if (open >= t.Length || t[open] != '{')
        {
            return false;
        }

        // the block: to the '}' that closes it (braces of nested blocks and maps counted, strings skipped), within 512
        // characters; "variable \"db_password\" {}" ends at once, and the next block's default is not its own
        var block = t[(open + 1)..Math.Min(t.Length, open + 513)];
        int depth = 0;
        bool inString = false;
        for (int k = 0; k < block.Length; k++)
        {
            char c = block[k];
            if (c == '"' && (k == 0 || block[k - 1] != '\\'))
            {
                inString = !inString;
            }
            else if (!inString && c == '{')
            {
                depth++;
            }
            else if (!inString && c == '}' && depth-- == 0)
            {
                block = block[..k];
                break;
            }
        }

        // the block's "default =" (a description may say "default" first)
        int q = -1;
        for (int d = block.IndexOf("default"); d >= 0;)
        {
            int eq = SkipBlanks(block, d + 7);
            if (d > 0 && (block[d - 1] is ' ' or '\t' or '\n' || (d > 1 && block[d - 1] == 'n' && block[d - 2] == '\\')) && eq < block.Length && block[eq] == '=')
            {
                q = eq;
                break;
            }

            int next = block[(d + 7)..].IndexOf("default");
            d = next < 0 ? -1 : d + 7 + next;
        }

        if (q < 0)
        {
            return false;
        }

        q = SkipBlanks(block, q + 1);
        if (!DoubleQuotedLiteral(block, q, out int bs, out int be) || !IsSecretValue(block[bs..be], quoted: true) || !LooksDrawn(block[bs..be]))
        {
            return false;
        }

        vs = open + 1 + bs;
        ve = open + 1 + be;
        return true;
    }

    /// <summary>
    /// A password in SQL (r22 reach round): PostgreSQL's <c>CREATE|ALTER ROLE|USER name [WITH] [ENCRYPTED] PASSWORD
    /// '…'</c> (PostgreSQL documentation, CREATE ROLE), when the name is the word <c>PASSWORD</c> (any case) followed
    /// by blanks and a single-quoted string literal on the line, and <c>ROLE</c> or <c>USER</c> stands within 128
    /// characters before it on the same line. <c>PASSWORD NULL</c>, <c>PASSWORD :'pw'</c> (psql's variable) and
    /// <c>PASSWORD $1</c> hold no literal; a literal that is a stored hash (<c>'SCRAM-SHA-256$…'</c>, <c>'md5…'</c>) is
    /// a verifier, kept by its own shape checks.
    /// See also <see cref="SqlIdentifiedBy"/> (MySQL's <c>IDENTIFIED BY '…'</c>).
    /// </summary>
    private static bool TrySqlPassword(ReadOnlySpan<char> t, int ns, int ne, out int vs, out int ve)
    {
        vs = ve = 0;
        if (ne - ns != 8 || !t[ns..ne].Equals("password", StringComparison.OrdinalIgnoreCase) || (ns > 0 && !(t[ns - 1] is ' ' or '\t')))
        {
            return false;
        }

        int s = SkipBlanks(t, ne);

        // MySQL's SET PASSWORD FOR 'user'@'host' = 'auth_string' (also = PASSWORD('…'), before 5.7; MySQL Reference
        // Manual, SET PASSWORD Statement; r23 reach round): the literal after the line's '='
        if (ns >= 4 && t[(ns - 4)..ns].Equals("set ", StringComparison.OrdinalIgnoreCase) && (ns == 4 || !IsNameChar(t[ns - 5]))
            && s + 4 <= t.Length && t[s..(s + 4)].Equals("for ", StringComparison.OrdinalIgnoreCase))
        {
            var rest = t[s..Math.Min(t.Length, s + 160)];
            int eq = rest.IndexOfAny('=', '\n', '\r');
            if (eq < 0 || rest[eq] != '=')
            {
                return false;
            }

            int q = SkipBlanks(t, s + eq + 1);
            q += q + 9 <= t.Length && t[q..(q + 9)].Equals("PASSWORD(", StringComparison.OrdinalIgnoreCase) ? 9 : 0;
            return q < t.Length && t[q] == '\'' && SqlLiteral(t, q, out vs, out ve);
        }

        if (s == ne || s >= t.Length || t[s] != '\'' || !SqlRoleBefore(t, ns))
        {
            return false;
        }

        return SqlLiteral(t, s, out vs, out ve);
    }

    /// <summary>
    /// MySQL's and MariaDB's <c>CREATE|ALTER USER … IDENTIFIED BY '…'</c> (MySQL Reference Manual, CREATE USER
    /// Statement; r22 reach round): the token run at <paramref name="rs"/> starts just after <c> BY '</c>;
    /// <c>IDENTIFIED</c> (or <c>IDENTIFIED WITH &lt;plugin&gt;</c>) ends just before <c> BY</c>, and <c>USER</c> stands
    /// within 128 characters before it on the line.
    /// Returns the literal's end (its start is <paramref name="rs"/>), or -1.
    /// </summary>
    internal static int SqlIdentifiedBy(ReadOnlySpan<char> t, int rs)
    {
        int by = rs - 5; // the blank before "BY"
        if (by >= 16 && !t[(by - 10)..by].Equals("identified", StringComparison.OrdinalIgnoreCase))
        {
            // IDENTIFIED WITH <auth plugin> BY '…' (mysql_native_password, caching_sha2_password)
            int w = by;
            while (w > 0 && by - w < 40 && (char.IsAsciiLetterOrDigit(t[w - 1]) || t[w - 1] == '_'))
            {
                w--;
            }

            if (w < by && w >= 17 && t[w - 1] == ' ' && t[(w - 5)..(w - 1)].Equals("with", StringComparison.OrdinalIgnoreCase) && t[w - 6] == ' ')
            {
                by = w - 6;
            }
        }

        if (by < 11 || !t[(by - 10)..by].Equals("identified", StringComparison.OrdinalIgnoreCase) || !SqlRoleBefore(t, by - 10))
        {
            return -1;
        }

        return SqlLiteral(t, rs - 1, out _, out int ve) ? ve : -1;
    }

    /// <summary>
    /// Does the statement <c>CREATE</c> or <c>ALTER</c>, blanks, <c>ROLE</c> or <c>USER</c> (whole words, any case) stand
    /// within 128 characters before <paramref name="i"/> on its line? ("the user logs in with password '…'" is prose.)
    /// </summary>
    private static bool SqlRoleBefore(ReadOnlySpan<char> t, int i)
    {
        int from = Math.Max(0, i - 128);
        var before = t[from..i];
        int nl = before.LastIndexOfAny('\n', '\r');
        before = before[(nl + 1)..];
        foreach (var verb in (ReadOnlySpan<string>)["create", "alter"])
        {
            for (var rest = before; rest.IndexOf(verb, StringComparison.OrdinalIgnoreCase) is int at and >= 0; rest = rest[(at + verb.Length)..])
            {
                int w = at + verb.Length;
                int x = SkipBlanks(rest, w);
                if ((at == 0 || !char.IsAsciiLetterOrDigit(rest[at - 1])) && x > w && x + 5 < rest.Length
                    && (rest[x..(x + 4)].Equals("user", StringComparison.OrdinalIgnoreCase) || rest[x..(x + 4)].Equals("role", StringComparison.OrdinalIgnoreCase))
                    && rest[x + 4] is ' ' or '\t')
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>A single-quoted SQL string literal opening at <paramref name="q"/> (<c>''</c> is a quote inside it), 6–256 characters on one line, with a secret's shape.</summary>
    private static bool SqlLiteral(ReadOnlySpan<char> t, int q, out int vs, out int ve)
    {
        vs = ve = 0;
        int e = q + 1;
        while (e < t.Length && e - q <= 257 && t[e] is not ('\n' or '\r'))
        {
            if (t[e] == '\'')
            {
                if (e + 1 < t.Length && t[e + 1] == '\'')
                {
                    e += 2;
                    continue;
                }

                break;
            }

            e++;
        }

        if (e >= t.Length || t[e] != '\'' || e - q - 1 < 6 || e - q - 1 > 256 || t[(q + 1)..e].Contains('"') || !IsSecretValue(t[(q + 1)..e], quoted: true))
        {
            return false;
        }

        (vs, ve) = (q + 1, e);
        return true;
    }

    /// <summary>
    /// A literal fallback for a credential read from the environment (r22 reach round): a shell parameter expansion's
    /// default, <c>${DB_PASSWORD:-…}</c>, <c>${DB_PASSWORD-…}</c>, <c>${DB_PASSWORD:=…}</c> (POSIX shell, "Parameter
    /// Expansion"; docker-compose and .env files interpolate the same way) — the name follows <c>${</c> and the default
    /// runs to the closing <c>}</c> on the line — or an expression's fallback after the name's separator:
    /// <c>apiKey = process.env.API_KEY || "…"</c>, <c>?? "…"</c> (JavaScript), <c>os.environ.get("API_KEY") or "…"</c>
    /// (Python): the operator within 128 characters on the line, then a quoted literal. Either way the literal must
    /// have a secret's shape and look drawn (<see cref="LooksDrawn"/>); <c>${TOKEN:-}</c>, <c>${PASSWORD:-changeme}</c>,
    /// <c>|| ""</c> and <c>|| "default"</c> are not values.
    /// </summary>
    private static bool TryFallbackDefault(ReadOnlySpan<char> t, int ns, int ne, out int vs, out int ve)
    {
        vs = ve = 0;
        if (ns >= 2 && t[ns - 1] == '{' && t[ns - 2] == '$' && ne + 2 < t.Length)
        {
            int d = ne + (t[ne] == ':' ? 1 : 0);
            if (t[d] is not ('-' or '='))
            {
                return false;
            }

            int close = t[(d + 1)..Math.Min(t.Length, d + 258)].IndexOfAny('}', '\n');
            if (close < 6 || t[d + 1 + close] != '}')
            {
                return false;
            }

            (vs, ve) = (d + 1, d + 1 + close);
            return IsSecretValue(t[vs..ve], quoted: true) && LooksDrawn(t[vs..ve]);
        }

        // name = <expression> || "…" (the separator first: a name in prose has none)
        int i = SkipBlanks(t, ne + (ne < t.Length && t[ne] is '"' or '\'' ? 1 : 0));
        if (i >= t.Length || t[i] is not ('=' or ':') || (i + 1 < t.Length && t[i + 1] is '=' or ':'))
        {
            return false;
        }

        var line = t[(i + 1)..Math.Min(t.Length, i + 129)];
        int eol = line.IndexOfAny('\n', '\r');
        if (eol >= 0)
        {
            line = line[..eol];
        }

        int op = line.IndexOf(" || ", StringComparison.Ordinal);
        op = op >= 0 ? op : line.IndexOf(" ?? ", StringComparison.Ordinal);
        op = op >= 0 ? op : line.IndexOf(" or ", StringComparison.Ordinal);
        if (op < 1)
        {
            return false;
        }

        int q = SkipBlanks(line, op + 4);
        if (q >= line.Length || line[q] is not ('"' or '\'' or '`'))
        {
            return false;
        }

        int end = line[(q + 1)..].IndexOf(line[q]);
        if (end < 6 || end > 256)
        {
            return false;
        }

        vs = i + 1 + q + 1;
        ve = vs + end;
        return IsSecretValue(t[vs..ve], quoted: true) && LooksDrawn(t[vs..ve]);
    }

    /// <summary>
    /// A Go declaration with its type after the name, <c>var apiKey string = "…"</c>, <c>const dbPassword string =
    /// "…"</c>, or a line of a <c>var ( … )</c> / <c>const ( … )</c> block (The Go Programming Language Specification,
    /// "Variable declarations", "Constant declarations"; r22 reach round): the name follows <c>var</c>/<c>const</c> or
    /// starts its line, one blank and a type (<see cref="TypeAnnotationEnd"/>) follow it, and the value after <c>=</c> is
    /// a quoted literal on the line that looks drawn (<see cref="LooksDrawn"/>).
    /// </summary>
    private static bool TryGoDeclaration(ReadOnlySpan<char> t, int ns, int ne, out int vs, out int ve)
    {
        vs = ve = 0;
        if (ne + 1 >= t.Length || t[ne] != ' ' || !char.IsAsciiLetter(t[ne + 1]))
        {
            return false;
        }

        int b = SkipBlanksBack(t, ns);
        bool declared = (b < ns && ((b >= 3 && t[(b - 3)..b].SequenceEqual("var") && (b == 3 || !char.IsAsciiLetterOrDigit(t[b - 4])))
            || (b >= 5 && t[(b - 5)..b].SequenceEqual("const") && (b == 5 || !char.IsAsciiLetterOrDigit(t[b - 6]))))) || LineStartsAt(t, b);
        int a = declared ? TypeAnnotationEnd(t, ne + 1) : -1;
        if (a < 0)
        {
            return false;
        }

        int q = SkipBlanks(t, a);
        if (q >= t.Length || t[q] is not ('"' or '`'))
        {
            return false;
        }

        int close = t[(q + 1)..Math.Min(t.Length, q + 258)].IndexOfAny(t[q], '\n');
        if (close < 6 || t[q + 1 + close] != t[q])
        {
            return false;
        }

        (vs, ve) = (q + 1, q + 1 + close);
        return IsSecretValue(t[vs..ve], quoted: true) && LooksDrawn(t[vs..ve]);
    }

    /// <summary>
    /// A C preprocessor macro defined as a string literal, <c>#define API_KEY "…"</c> (ISO/IEC 9899 §6.10.3, object-like
    /// macro; also Objective-C, C++ and resource scripts; r22 reach round): the name follows <c>#define</c> at the start
    /// of its line (blanks allowed around <c>#</c>), blanks separate it from a double-quoted literal of 6–256 characters on
    /// the same line, and the literal has a secret's shape (as a quoted value's). A name defined as a number, another
    /// macro or a header name (<c>#define API_KEY_HEADER "X-Api-Key"</c>: a word), or as bytes written with escapes (an
    /// icon font's <c>#define ICON_FA_USER_SECRET "\xef\x88\x9b"</c>), is not reported.
    /// </summary>
    private static bool TryDefine(ReadOnlySpan<char> t, int ns, int ne, out int vs, out int ve)
    {
        vs = ve = 0;
        int d = SkipBlanksBack(t, ns);
        if (d == ns || d < 7 || !t[(d - 6)..d].SequenceEqual("define"))
        {
            return false;
        }

        int h = SkipBlanksBack(t, d - 6);
        if (h < 1 || t[h - 1] != '#' || !LineStartsAt(t, SkipBlanksBack(t, h - 1)))
        {
            return false;
        }

        int s = SkipBlanks(t, ne);
        if (s == ne || !DoubleQuotedLiteral(t, s, out vs, out ve))
        {
            return false;
        }

        var literal = t[vs..ve];
        return !literal.Contains('\\') && IsSecretValue(literal, quoted: true) && LooksDrawn(literal);
    }

    /// <summary>
    /// A double-quoted string opening at <paramref name="q"/>, written plainly (<c>"…"</c>) or JSON-escaped inside a JSON
    /// string (<c>\"…\"</c>: code quoted in an LLM request's message): its content <paramref name="vs"/> …
    /// <paramref name="ve"/>, 6–256 characters on one line. False when none opens there or it does not close.
    /// </summary>
    private static bool DoubleQuotedLiteral(ReadOnlySpan<char> t, int q, out int vs, out int ve)
    {
        vs = ve = 0;
        bool escaped = q + 1 < t.Length && t[q] == '\\' && t[q + 1] == '"';
        if (q >= t.Length || !(escaped || t[q] == '"'))
        {
            return false;
        }

        int o = q + (escaped ? 2 : 1);
        int close = t[o..Math.Min(t.Length, o + 258)].IndexOfAny('"', '\n');
        if (close < 0 || t[o + close] != '"')
        {
            return false;
        }

        int end = o + close;
        if (escaped)
        {
            if (t[end - 1] != '\\')
            {
                return false;
            }

            end--;
        }

        if (end - o is < 6 or > 256)
        {
            return false;
        }

        (vs, ve) = (o, end);
        return true;
    }

    /// <summary>
    /// A <c>.netrc</c> password (<c>machine host login user password secret</c>, on one line or several; GNU inetutils
    /// ftp(1) "The .netrc file", https://www.gnu.org/software/inetutils/manual/html_node/The-_002enetrc-file.html):
    /// the key is exactly <c>password</c>, blanks separate it from the value, and <c>machine</c> and <c>login</c>
    /// come before it within 256 characters. An anonymous-FTP login's e-mail address is no password
    /// (<see cref="IsAnonymousFtpPassword"/>, RFC 1635).
    /// </summary>
    private static bool TryNetrcPassword(ReadOnlySpan<char> t, int ns, int ne, out int vs, out int ve)
    {
        vs = ve = 0;
        if (ne - ns != 8 || ne >= t.Length || t[ne] is not (' ' or '\t') || !t[ns..ne].Equals("password", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var before = t[Math.Max(0, ns - 256)..ns];
        int machine = before.LastIndexOf("machine", StringComparison.Ordinal);
        if (machine < 0 || before[machine..].IndexOf("login", StringComparison.Ordinal) < 0)
        {
            return false;
        }

        int s = SkipBlanks(t, ne);
        int e = s;
        while (e < t.Length && e - s <= 256 && t[e] is not (' ' or '\t' or '\r' or '\n' or '"' or '\\'))
        {
            e++;
        }

        // a generated password may start with a symbol (r32: "password -ziH_-sBU#AM79Fc6pAP"); netrc(5) reads it as the token it is
        var v = t[s..e];
        bool literal = IsSecretValue(v, quoted: false) || (v.Length > 6 && v[0] is '-' or '!' or '@' or '#' or '%' or '*' or '&' or '.' or '~' or '?' && IsSecretValue(v[1..], quoted: false));
        if (e - s is < 6 or > 256 || !literal || IsAnonymousFtpPassword(t, ns, v))
        {
            return false;
        }

        (vs, ve) = (s, e);
        return true;
    }

    /// <summary>
    /// A crypt(3) password hash (<c>$id$salt$hash</c>: MD5 <c>$1$</c>, SHA-256/512 <c>$5$</c>/<c>$6$</c>, yescrypt
    /// <c>$y$</c>, bcrypt <c>$2a$</c>/<c>$2b$</c>/<c>$2y$</c>, Apache <c>$apr1$</c>, Argon2 PHC strings; shadow(5),
    /// crypt(5) https://man7.org/linux/man-pages/man5/crypt.5.html) right after <c>user:</c> at the start of a line,
    /// as in <c>/etc/shadow</c> and <c>.htpasswd</c>: 3+ <c>$</c> fields, the last 22+ characters.
    /// </summary>
    internal static bool TryCryptHash(ReadOnlySpan<char> t, int hit, out int hs, out int he, out int user)
    {
        hs = he = user = 0;
        if (hit < 2 || t[hit - 1] != ':')
        {
            return false;
        }

        int u = hit - 1;
        while (u > 0 && hit - 1 - u < 32 && (char.IsAsciiLetterOrDigit(t[u - 1]) || t[u - 1] is '_' or '-' or '.'))
        {
            u--;
        }

        // The line starts with the user name (a file), or the line is a value (a query parameter, a JSON string).
        if (u == hit - 1 || (!char.IsAsciiLetter(t[u]) && t[u] != '_') || (u > 0 && t[u - 1] is not ('\n' or '\r' or '=' or '"' or '\'' or ' ' or '\t')))
        {
            return false;
        }

        int e = hit, dollars = 0, last = hit;
        while (e < t.Length && e - hit < 512 && (char.IsAsciiLetterOrDigit(t[e]) || t[e] is '$' or '.' or '/' or '=' or ',' or '+' or '-'))
        {
            if (t[e] == '$')
            {
                dollars++;
                last = e;
            }

            e++;
        }

        if (dollars < 3 || e - last - 1 < 22)
        {
            return false;
        }

        (hs, he, user) = (hit, e, u);
        return true;
    }

    /// <summary>
    /// Credentials on a command line, as shell history and pasted commands hold them: <c>Authorization: Bearer
    /// &lt;credential&gt;</c> written out as text (an <c>-H 'Authorization: Bearer …'</c> argument, a JSON header map;
    /// RFC 6750 §2.1), the same with GitHub's <c>token</c> scheme (<c>Authorization: token &lt;40 hex&gt;</c>,
    /// https://docs.github.com/en/rest/authentication/authenticating-to-the-rest-api) and <c>curl -u user:password</c> /
    /// <c>--user</c>, <c>-U</c> / <c>--proxy-user</c> (curl(1)). <paramref name="hit"/> is at <c>bearer </c> or <c>token </c> (the engine calls this for a
    /// token run right after either) or at <c>curl </c> (the engine looks back from each URL); the flag is looked for on
    /// the same line (1 KiB).
    /// </summary>
    internal static bool TryCommandLine(ReadOnlySpan<char> t, int hit, out int vs, out int ve, out string? flag)
    {
        vs = ve = 0;
        flag = null;
        if (hit > 0 && char.IsAsciiLetterOrDigit(t[hit - 1]))
        {
            return false;
        }

        var rest = t[hit..];
        int scheme = rest.StartsWith("bearer ", StringComparison.OrdinalIgnoreCase) ? 7 : rest.StartsWith("token ", StringComparison.OrdinalIgnoreCase) ? 6 : 0;
        if (scheme > 0)
        {
            // Only an Authorization field written out as text (-H 'Authorization: Bearer …', "Authorization": "Bearer …"):
            // the request's own Authorization header is the authorization-credential rule's, which knows the route.
            int k = hit;
            while (k > 0 && hit - k < 6 && t[k - 1] is ' ' or ':' or '"' or '\'' or '=' or '\\')
            {
                k--;
            }

            if (k == hit || k < 13 || !t[(k - 13)..k].Equals("authorization", StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }

            int s = hit + scheme, e = s;
            while (e < t.Length && e - s < 4097 && (char.IsAsciiLetterOrDigit(t[e]) || t[e] is '-' or '.' or '_' or '~' or '+' or '/' or '='))
            {
                e++;
            }

            if (!DlpEngine.IsOpaqueCredential(t[s..e]))
            {
                return false;
            }

            (vs, ve, flag) = (s, e, scheme == 7 ? "Bearer" : "token");
            return true;
        }

        var line = rest[..Math.Min(rest.Length, 1024)];
        int lineEnd = line.IndexOfAny('\n', '\r');
        if (lineEnd >= 0)
        {
            line = line[..lineEnd];
        }

        if (!rest.StartsWith("curl ", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        foreach (var f in s_curlFlags)
        {
            int at = line.IndexOf(f, StringComparison.Ordinal);
            if (at < 0)
            {
                continue;
            }

            int s = at + f.Length;
            s = SkipBlanks(line, s);

            bool quoted = s < line.Length && line[s] is '"' or '\'';
            int e = quoted ? line[(s + 1)..].IndexOf(line[s]) + s + 1 : s;
            if (quoted && e <= s)
            {
                continue;
            }

            if (quoted)
            {
                s++;
            }
            else
            {
                while (e < line.Length && line[e] is not (' ' or '\t' or ';' or '|' or '&' or ')'))
                {
                    e++;
                }
            }

            var value = line[s..e];
            int colon = value.IndexOf(':');
            value = colon > 0 ? value[(colon + 1)..] : [];
            s += colon + 1;

            if (value.Length >= 6 && IsSecretValue(value, quoted))
            {
                (vs, ve, flag) = (hit + s, hit + e, f.Trim());
                return true;
            }
        }

        return false;
    }

    /// <summary>curl's options whose argument is <c>user:password</c> (curl(1): <c>-u, --user</c>; since the r25 reach round also the proxy's, <c>-U, --proxy-user</c>).</summary>
    private static readonly string[] s_curlFlags = [" -u", " --user", " -U", " --proxy-user"];

    /// <summary>A line break before <paramref name="i"/>: <c>\n</c>, <c>\r</c>, a JSON-escaped <c>\n</c> / <c>\r</c>, or the start of a value (text start, <c>"</c>, <c>=</c>).</summary>
    private static bool LineStartsAt(ReadOnlySpan<char> t, int i) =>
        i == 0 || t[i - 1] is '\n' or '\r' or '"' or '=' || (i > 1 && t[i - 2] == '\\' && t[i - 1] is 'n' or 'r');

    /// <summary>
    /// A passwd(5) line <c>name:x:uid:gid:gecos:home:shell</c> whose <c>:x:</c> is at <paramref name="x"/>: the end
    /// of the line (before its line break), or -1. <paramref name="start"/> is the line's start.
    /// </summary>
    private static int PasswdLine(ReadOnlySpan<char> t, int x, out int start)
    {
        start = x;
        while (start > 0 && x - start < 32 && (char.IsAsciiLetterOrDigit(t[start - 1]) || t[start - 1] is '_' or '-' or '.') && !(start > 1 && t[start - 2] == '\\'))
        {
            start--;
        }

        if (start == x || !LineStartsAt(t, start) || x + 3 >= t.Length || t[x + 1] != 'x')
        {
            return -1;
        }

        // uid:gid: (digits), gecos: (anything but ':' and line ends), home:shell (absolute paths)
        int i = x + 3;
        for (int field = 0; field < 2; field++)
        {
            int d = i;
            while (i < t.Length && i - d < 10 && char.IsAsciiDigit(t[i]))
            {
                i++;
            }

            if (i == d || i >= t.Length || t[i] != ':')
            {
                return -1;
            }

            i++;
        }

        int g = i;
        while (i < t.Length && i - g < 128 && t[i] is not (':' or '\n' or '\r' or '\\' or '"'))
        {
            i++;
        }

        if (i >= t.Length || t[i] != ':')
        {
            return -1;
        }

        for (int field = 0; field < 2; field++)
        {
            i++;
            if (i >= t.Length || t[i] != '/')
            {
                return -1;
            }

            while (i < t.Length && (char.IsAsciiLetterOrDigit(t[i]) || t[i] is '/' or '_' or '-' or '.'))
            {
                i++;
            }

            if (field == 0 && (i >= t.Length || t[i] != ':'))
            {
                return -1;
            }
        }

        return i == t.Length || t[i] is '\n' or '\r' or '\\' or '"' or '&' ? i : -1;
    }

    /// <summary>
    /// Consecutive passwd(5) lines, at most <paramref name="maxLines"/>, from the line whose <c>:x:</c> is at
    /// <paramref name="x"/>: the end of the last one, or -1 when that line is none; <paramref name="lines"/> counts them.
    /// </summary>
    private static int PasswdLines(ReadOnlySpan<char> t, int x, int maxLines, out int lines)
    {
        lines = 0;
        int end = PasswdLine(t, x, out _);
        if (end < 0)
        {
            return -1;
        }

        int last = end;
        lines = 1;
        while (lines < maxLines)
        {
            // the line break: \n, \r\n, or JSON-escaped \n / \r\n
            int n = last;
            if (n < t.Length && t[n] == '\r')
            {
                n++;
            }

            if (n < t.Length && t[n] == '\n')
            {
                n++;
            }
            else if (n + 1 < t.Length && t[n] == '\\' && t[n + 1] is 'n' or 'r')
            {
                n += t[n + 1] == 'r' && n + 3 < t.Length && t[n + 2] == '\\' && t[n + 3] == 'n' ? 4 : 2;
            }

            int c = n == last ? -1 : t[n..Math.Min(t.Length, n + 34)].IndexOf(":x:", StringComparison.Ordinal);
            int ls = -1, next = c < 0 ? -1 : PasswdLine(t, n + c, out ls);
            if (next < 0 || ls != n)
            {
                break;
            }

            lines++;
            last = next;
        }

        return last;
    }

    /// <summary>
    /// A password given as a command-line option (shell history, pasted commands): <c>mysql -p&lt;password&gt;</c>
    /// (attached: <c>-p</c> with a blank after it prompts; mysql(1) and its tools <c>mysqldump</c>, <c>mysqladmin</c>,
    /// MariaDB), <c>… login -u user -p &lt;password&gt;</c> (<c>docker</c>, <c>podman</c>, <c>helm registry</c>,
    /// <c>oc</c>, <c>cf</c>), <c>sqlcmd -P &lt;password&gt;</c> and <c>mongosh</c>/<c>mongodump</c> <c>-p
    /// &lt;password&gt;</c>; since the r22 reach round also <c>ldapsearch</c>/<c>ldapadd</c>/… <c>-w &lt;password&gt;</c>
    /// (ldapsearch(1)), <c>zip</c>/<c>unzip -P &lt;password&gt;</c> (zip(1)), <c>7z -p&lt;password&gt;</c> (7-Zip's
    /// <c>-p</c> switch), <c>ssh-keygen -N</c>/<c>-P &lt;passphrase&gt;</c> (ssh-keygen(1)), and every form with the value
    /// quoted (<c>-p'…'</c>, <c>-a "…"</c>); since the r26 reach round also <c>ipmitool</c>, <c>bcp</c>,
    /// <c>mosquitto_pub</c>, <c>p4</c> <c>-P</c>, <c>racadm</c>, <c>rdesktop</c>, <c>cqlsh</c> <c>-p</c>, the SNMP tools'
    /// <c>-A</c> / <c>-X</c>, <c>openssl enc -k</c>, PuTTY's <c>-pw</c> and <c>dsadd</c>'s <c>-pwd</c> (sources at each
    /// case). <paramref name="hit"/> is at the blank of <c>" -p"</c>. Returns the value's
    /// end (and <paramref name="start"/>), or -1; references (<c>$PASS</c>) and placeholders are not values.
    /// </summary>
    internal static int CommandPassword(ReadOnlySpan<char> t, int hit, out int start)
    {
        start = 0;
        if (hit + 4 >= t.Length || t[hit + 1] != '-')
        {
            return -1;
        }

        // the command: back to the start of the line or of the shell command (at most 256 characters)
        int ls = hit;
        while (ls > 0 && hit - ls < 256 && t[ls - 1] is not ('\n' or '\r' or '"' or ';' or '|' or '&' or '`' or '(' or '='))
        {
            ls--;

            // a quoted argument ("mongosh "mongodb://db01" -u admin -p …", r25; \"…\" inside a JSON string): the walk
            // goes on before its opening quote
            int from = Math.Max(0, ls - 200);
            if (ls > 1 && t[ls - 1] == '"' && t[ls] == ' ' && t[from..(ls - 1)].LastIndexOfAny('"', '\n') is int q and >= 0)
            {
                q += from;
                bool escaped = t[ls - 2] == '\\';
                q -= escaped && q > 0 && t[q - 1] == '\\' ? 1 : 0;
                if (q > 0 && t[q] == (escaped ? '\\' : '"') && t[q - 1] == ' ')
                {
                    ls = q;
                }
            }
        }

        var cmd = t[ls..hit];
        char flag = t[hit + 2];
        if (flag is not ('p' or 'P' or 'a' or 'w' or 'N' or 'A' or 'X' or 'k'))
        {
            return -1;
        }

        // PuTTY's -pw password (PuTTY User Manual, 3.11.3.8 "-pw: specify a password": plink, pscp, psftp, putty) and
        // dsadd / dsmod -pwd password (Microsoft's dsadd user reference) (r26)
        int wordLetters = flag == 'p' && t[hit + 3] == 'w' ? t[hit + 4] is ' ' or '\t' ? 2 : t[hit + 4] == 'd' && hit + 5 < t.Length && t[hit + 5] is ' ' or '\t' ? 3 : 1 : 1;
        if (wordLetters > 1)
        {
            bool named = wordLetters == 2
                ? cmd.Contains("plink", StringComparison.OrdinalIgnoreCase) || cmd.Contains("pscp", StringComparison.OrdinalIgnoreCase)
                    || cmd.Contains("psftp", StringComparison.OrdinalIgnoreCase) || cmd.Contains("putty", StringComparison.OrdinalIgnoreCase)
                : SegmentProgram(t, hit) is var program && (program.StartsWith("dsadd", StringComparison.OrdinalIgnoreCase) || program.StartsWith("dsmod", StringComparison.OrdinalIgnoreCase)); // its DN holds '='s (the walk above stops there)
            return named ? OptionValue(t, SkipBlanks(t, hit + 2 + wordLetters), out start) : -1;
        }

        bool attached = t[hit + 3] is not (' ' or '\t');
        bool ok = flag switch
        {
            'A' or 'X' => !attached && ProgramWord(SegmentProgram(t, hit)).StartsWith("snmp", StringComparison.Ordinal), // snmpwalk, snmpget… -A authpass, -X privpass (snmpcmd(1), r26)
            'k' => !attached && ProgramWord(SegmentProgram(t, hit)).Equals("openssl", StringComparison.OrdinalIgnoreCase), // openssl enc -k password (openssl-enc(1), r26)
            'a' => !attached && cmd.Contains("redis-cli", StringComparison.Ordinal),
            'w' => !attached && SegmentProgram(t, hit).StartsWith("ldap", StringComparison.Ordinal), // ldapsearch, ldapadd, ldapmodify… -w passwd (ldapsearch(1)); -D "cn=…" comes first
            'N' => !attached && HasCommandWord(cmd, "ssh-keygen"), // -N new_passphrase (ssh-keygen(1))
            'P' => cmd.Contains("sqlcmd", StringComparison.OrdinalIgnoreCase)
                || (!attached && (HasCommandWord(cmd, "zip") || HasCommandWord(cmd, "unzip") || HasCommandWord(cmd, "ssh-keygen"))), // zip(1), unzip(1) -P password; ssh-keygen -P old_passphrase
            _ => attached ? cmd.Contains("mysql", StringComparison.Ordinal) || cmd.Contains("mariadb", StringComparison.Ordinal) || HasCommandWord(cmd, "7z") || HasCommandWord(cmd, "7za") || HasCommandWord(cmd, "7zz") || cmd.Contains("7z.exe", StringComparison.OrdinalIgnoreCase) // 7-Zip's -p{password}
                : cmd.Contains(" login", StringComparison.Ordinal) || cmd.Contains("mongo", StringComparison.Ordinal)
                    || cmd.Contains("psexec", StringComparison.OrdinalIgnoreCase) || cmd.Contains("paexec", StringComparison.OrdinalIgnoreCase) // PsExec's -p password (Sysinternals), PAExec's
                    || cmd.Contains("ncftp", StringComparison.Ordinal) // ncftp, ncftpget, ncftpput -p pass (ncftp(1))
                    || cmd.Contains("crackmapexec", StringComparison.Ordinal) || HasCommandWord(cmd, "nxc") || cmd.Contains("netexec", StringComparison.Ordinal)
                    || cmd.Contains("smbmap", StringComparison.Ordinal) || cmd.Contains("evil-winrm", StringComparison.Ordinal) // -u user -p password (their READMEs)
                    || cmd.Contains("racadm", StringComparison.OrdinalIgnoreCase) || HasCommandWord(cmd, "rdesktop") || cmd.Contains("cqlsh", StringComparison.Ordinal) // Dell's racadm -u -p, rdesktop(1) -p, cqlsh -u -p (r26)
                    || cmd.Contains("nuget", StringComparison.OrdinalIgnoreCase) // dotnet nuget add source -u user -p password, nuget sources add (dotnet nuget add source reference; r26)
                    || HasCommandWord(cmd, "hydra"), // THC-Hydra's "-p PASS  try password PASS" (its README's usage; -P is a file of passwords) (r27)
        };
        if (!ok && flag == 'P')
        {
            // ipmitool(1) -P password, bcp -P password (Microsoft's bcp reference; both also -Ppassword), mosquitto_pub /
            // mosquitto_sub -P password (mosquitto_pub(1)), Perforce's p4 -P password (p4 global options) (r26)
            ok = cmd.Contains("ipmitool", StringComparison.Ordinal) || HasCommandWord(cmd, "bcp") || cmd.Contains("bcp.exe", StringComparison.OrdinalIgnoreCase)
                || (!attached && (cmd.Contains("mosquitto_", StringComparison.Ordinal) || HasCommandWord(cmd, "p4")));
        }

        return ok ? OptionValue(t, attached ? hit + 3 : SkipBlanks(t, hit + 3), out start) : -1;
    }

    /// <summary>The value of a password option at <paramref name="s"/> (see <see cref="CommandPassword"/>): quoted (<c>'…'</c>, <c>"…"</c>, <c>\"…\"</c>) or bare; its end (and <paramref name="start"/>), or -1.</summary>
    private static int OptionValue(ReadOnlySpan<char> t, int s, out int start)
    {
        start = 0;
        int e;
        bool escapedQuote = s + 1 < t.Length && t[s] == '\\' && t[s + 1] == '"'; // -a \"…\" inside a JSON string
        s += escapedQuote ? 1 : 0;
        bool quoted = s < t.Length && t[s] is '"' or '\'';
        if (quoted)
        {
            int close = t[(s + 1)..Math.Min(t.Length, s + 258)].IndexOfAny(t[s], '\n');
            if (close < 0 || t[s + 1 + close] != t[s])
            {
                return -1;
            }

            s++;
            e = s + close;
            if (escapedQuote)
            {
                if (t[e - 1] != '\\')
                {
                    return -1;
                }

                e--;
            }
        }
        else
        {
            e = BareWordEnd(t, s);
        }

        if (e - s is < 6 or > 256 || !IsSecretValue(t[s..e], quoted) || (quoted && !LooksDrawn(t[s..e]))) // quoted (r22): -p "mongo-integration-2024" is a project name
        {
            return -1;
        }

        start = s;
        return e;
    }

    /// <summary>
    /// PowerShell's <c>ConvertTo-SecureString "…" -AsPlainText</c> (or <c>-String "…"</c>): a plain-text password made
    /// into a SecureString in a script (PowerShell documentation, ConvertTo-SecureString; r22 reach round). The token
    /// run at <paramref name="rs"/> starts just after the literal's opening quote, which follows
    /// <c>ConvertTo-SecureString</c> and its parameters (<c>-String</c>, <c>-AsPlainText</c>, <c>-Force</c>). Returns the
    /// literal's end, or -1 (see <see cref="SecureStringLiteral"/>).
    /// </summary>
    internal static int PlainTextSecureString(ReadOnlySpan<char> t, int rs)
    {
        // back over the parameters before the literal (-String, -AsPlainText, -Force: any order) to the command
        int cmd = t[rs - 2] == '\\' ? rs - 3 : rs - 2; // the blank before the quote (\" inside a JSON string)
        for (int n = 0; n < 3; n++)
        {
            int end = SkipBlanksBack(t, cmd + 1), start = end;
            while (start > 0 && end - start < 16 && t[start - 1] is not (' ' or '\t' or '\n' or '('))
            {
                start--;
            }

            if (start < 1 || SecureStringParameter(t[start..end]) != end - start)
            {
                break;
            }

            cmd = start - 1;
        }

        cmd = SkipBlanksBack(t, cmd + 1);
        return cmd >= 22 && t[(cmd - 22)..cmd].Equals("ConvertTo-SecureString", StringComparison.OrdinalIgnoreCase)
            && SecureStringLiteral(t, cmd, out int vs, out int ve) && vs == rs ? ve : -1;
    }

    /// <summary>The length of the <c>ConvertTo-SecureString</c> parameter name that <paramref name="t"/> starts with (<c>-String</c>, <c>-AsPlainText</c>, <c>-Force</c>, any case), or 0.</summary>
    private static int SecureStringParameter(ReadOnlySpan<char> t) =>
        t.StartsWith("-String", StringComparison.OrdinalIgnoreCase) ? 7
        : t.StartsWith("-AsPlainText", StringComparison.OrdinalIgnoreCase) ? 12
        : t.StartsWith("-Force", StringComparison.OrdinalIgnoreCase) ? 6 : 0;

    /// <summary>
    /// The literal that <c>ConvertTo-SecureString</c> (ending just before <paramref name="i"/>) converts with
    /// <c>-AsPlainText</c>: blanks, the parameters <c>-String</c>, <c>-AsPlainText</c>, <c>-Force</c> in any order, a
    /// quoted string on the line (6–256 characters, a secret's shape: not a <c>$variable</c> or placeholder), and
    /// <c>-AsPlainText</c> before or after it on the line.
    /// </summary>
    private static bool SecureStringLiteral(ReadOnlySpan<char> t, int i, out int vs, out int ve)
    {
        vs = ve = 0;
        int s = SkipBlanks(t, i);
        if (s == i)
        {
            return false;
        }

        bool plainBefore = false;
        for (int n = 0; n < 3 && s < t.Length && t[s] == '-'; n++)
        {
            int len = SecureStringParameter(t[s..]);
            int after = SkipBlanks(t, s + len);
            if (len == 0 || after == s + len)
            {
                return false;
            }

            plainBefore |= len == 12;
            s = after;
        }

        if (s >= t.Length || t[s] is not ('"' or '\'' or '\\'))
        {
            return false;
        }

        // \" inside a JSON string: the literal closes at the next \" and the line ends at an escaped \n
        bool escaped = t[s] == '\\';
        if (escaped && (s + 1 >= t.Length || t[s + 1] != '"'))
        {
            return false;
        }

        s += escaped ? 1 : 0;
        var rest = t[(s + 1)..Math.Min(t.Length, s + 513)];
        int eol = escaped ? rest.IndexOf("\\n", StringComparison.Ordinal) : rest.IndexOfAny('\n', '\r');
        var line = eol < 0 ? rest : rest[..eol];
        int close = escaped ? line.IndexOf("\\\"", StringComparison.Ordinal) : line.IndexOf(t[s]);
        if (close < 6 || close > 256 || !(plainBefore || line[close..].Contains("-AsPlainText", StringComparison.OrdinalIgnoreCase)) || !IsSecretValue(line[..close], quoted: true)
            || !LooksDrawn(line[..close])) // "MyPlainTextPassword" in the documentation's example is a name
        {
            return false;
        }

        (vs, ve) = (s + 1, s + 1 + close);
        return true;
    }

    /// <summary>Does <paramref name="cmd"/> (a command line's start) hold the program <paramref name="name"/> as a word (after a blank, <c>/</c> or the start; before a blank or the end)?</summary>
    private static bool HasCommandWord(ReadOnlySpan<char> cmd, string name)
    {
        for (int from = 0; from < cmd.Length;)
        {
            int n = cmd[from..].IndexOf(name, StringComparison.Ordinal);
            if (n < 0)
            {
                return false;
            }

            int at = from + n, end = at + name.Length;
            if ((at == 0 || cmd[at - 1] is ' ' or '\t' or '/' || (at >= 2 && cmd[at - 1] == 'n' && cmd[at - 2] == '\\')) && (end == cmd.Length || cmd[end] is ' ' or '\t')) // also after a JSON-escaped line break (r26)
            {
                return true;
            }

            from = at + 1;
        }

        return false;
    }

    /// <summary>
    /// The program of the shell command that holds <paramref name="hit"/>: back to a line break, <c>|</c>, <c>;</c>,
    /// <c>&amp;</c>, a backquote or <c>(</c> (quoted arguments such as <c>-D "cn=…"</c> stay inside), then the first word
    /// after blanks and <c>sudo</c>. <c>ldapsearch … | grep -w x</c>: the <c>-w</c> is grep's.
    /// </summary>
    private static ReadOnlySpan<char> SegmentProgram(ReadOnlySpan<char> t, int hit)
    {
        int ls = hit;
        while (ls > 0 && hit - ls < 256 && t[ls - 1] is not ('\n' or '\r' or '|' or ';' or '&' or '`' or '(')
            && !(ls >= 2 && ((t[ls - 1] == '"' && (t[ls - 2] is ':' or ',' or '[' || (ls >= 3 && t[ls - 2] == ' ' && t[ls - 3] is ':' or ',')))
                || (t[ls - 1] == 'n' && t[ls - 2] == '\\' && (ls < 3 || t[ls - 3] != '\\'))))) // a JSON string's start ("content": "…), an escaped line break (not \\net.exe in a JSON string's Windows path)
        {
            ls--;
        }

        var seg = t[Math.Min(SkipBlanks(t, ls), hit)..hit]; // blanks may run past hit (the option's own blank)
        return WithoutCommandPrefixes(seg);
    }

    /// <summary>
    /// A command without what a transcript, a script or a CI file puts before its program (r26): a shell prompt
    /// (<see cref="AfterPrompt"/>), a Dockerfile's <c>RUN</c>, a YAML list item's <c>- </c> or key (<c>run: </c>,
    /// <c>script: </c>), a numbered list's <c>1. </c>, environment assignments (<c>LANG=C </c>) and the wrappers
    /// <c>sudo</c> (with <c>-E</c>, <c>-H</c>, <c>-u user</c>), <c>doas</c>, <c>nohup</c>, <c>env</c>, <c>exec</c>,
    /// <c>time</c>, the wrappers of <see cref="WrapperLength"/> (<c>cmd /c</c>, <c>docker exec</c>) and a label in words
    /// (<see cref="LabelLength"/>: "Run this: "), in any order, up to six of them.
    /// </summary>
    private static ReadOnlySpan<char> WithoutCommandPrefixes(ReadOnlySpan<char> seg)
    {
        for (int n = 0; n < 6 && seg.Length > 2; n++)
        {
            int before = seg.Length;
            seg = AfterPrompt(seg);
            if (seg.Length < 3)
            {
                break;
            }

            int cut = seg.StartsWith("RUN ", StringComparison.Ordinal) ? 4
                : seg[0] == '-' && seg[1] == ' ' ? 2
                : seg.StartsWith("sudo ", StringComparison.Ordinal) ? 5 + SudoOptionsLength(seg[5..])
                : seg.StartsWith("doas ", StringComparison.Ordinal) || seg.StartsWith("time ", StringComparison.Ordinal) || seg.StartsWith("exec ", StringComparison.Ordinal) ? 5
                : seg.StartsWith("nohup ", StringComparison.Ordinal) ? 6
                : seg.StartsWith("env ", StringComparison.Ordinal) ? 4
                : WrapperLength(seg) is int wrapper and > 0 ? wrapper
                : LabelLength(seg) is int label and > 0 ? label
                : LeadingWordLength(seg, out char after) is int w and > 0 && after is ':' or '=' or '.' or ')' ? w + 1 : 0;
            if (cut == 0 && seg.Length == before)
            {
                break;
            }

            if (cut > 0 && cut < seg.Length && seg[cut - 1] == '=')
            {
                // NAME=value: past the (bare) value too
                int e = seg[cut..].IndexOfAny(" \t\"'");
                cut = e < 0 || seg[cut + e] is '"' or '\'' ? 0 : cut + e;
            }
            else if (cut > 0 && seg[cut - 1] is ':' or '.' or ')' && (cut >= seg.Length || seg[cut] != ' '))
            {
                cut = 0; // "run: ", "1. ", "2) ": a blank must follow
            }

            if (cut == 0 && seg.Length == before)
            {
                break;
            }

            seg = seg[Math.Min(cut, seg.Length)..].TrimStart(' ');
        }

        return seg;
    }

    /// <summary>
    /// The length of a label in words before a command (r26): "Run this: ", "I ran: ", "Command: " — one to four words of
    /// letters, the last of two or more (not a drive letter: <c>net use Z: \\server\share</c>), then <c>: </c>. 0 for none.
    /// </summary>
    private static int LabelLength(ReadOnlySpan<char> seg)
    {
        int colon = seg[..Math.Min(seg.Length, 40)].IndexOf(": ", StringComparison.Ordinal);
        if (colon < 2 || !char.IsAsciiLetter(seg[colon - 1]) || !char.IsAsciiLetter(seg[colon - 2]))
        {
            return 0;
        }

        int words = 1;
        foreach (char c in seg[..colon])
        {
            if (c == ' ')
            {
                words++;
            }
            else if (!char.IsAsciiLetter(c))
            {
                return 0;
            }
        }

        return words <= 4 ? colon + 2 : 0;
    }

    /// <summary>
    /// The length of a wrapper that runs the command after it (r26): <c>cmd /c</c>, <c>powershell -c</c> /
    /// <c>-Command</c>, <c>pwsh -c</c>, <c>bash -c</c>, <c>sh -c</c> (each with the quote that may open the command), and
    /// <c>docker exec</c>, <c>podman exec</c>, <c>kubectl exec</c> with their options, the container and <c>--</c>.
    /// 0 for none.
    /// </summary>
    private static int WrapperLength(ReadOnlySpan<char> seg)
    {
        int w = seg.IndexOf(' ');
        if (w < 2 || w > 40)
        {
            return 0;
        }

        var program = ProgramWord(seg);
        var rest = seg[(w + 1)..];
        int k;
        if (program.Equals("cmd", StringComparison.OrdinalIgnoreCase) && rest.Length > 3 && rest[0] == '/' && (rest[1] | 0x20) is 'c' or 'k' && rest[2] == ' ')
        {
            k = w + 4;
        }
        else if ((program.Equals("powershell", StringComparison.OrdinalIgnoreCase) || program.SequenceEqual("pwsh") || program.SequenceEqual("bash") || program.SequenceEqual("sh")
            || program.SequenceEqual("zsh")) && rest.Length > 3 && rest[0] == '-' && rest.IndexOf(' ') is int o and > 1
            && (rest[1..o].Equals("c", StringComparison.OrdinalIgnoreCase) || rest[1..o].Equals("Command", StringComparison.OrdinalIgnoreCase) || rest[1..o].SequenceEqual("lc")))
        {
            k = w + 1 + o + 1;
        }
        else if ((program.SequenceEqual("docker") || program.SequenceEqual("podman") || program.SequenceEqual("kubectl")) && rest.StartsWith("exec ", StringComparison.Ordinal))
        {
            k = w + 6;
            bool container = false;
            for (int n = 0; n < 8 && k < seg.Length; n++)
            {
                int e = seg[k..].IndexOf(' ');
                if (e <= 0)
                {
                    return 0;
                }

                var word = seg.Slice(k, e);
                k += e + 1;
                if (word.SequenceEqual("--"))
                {
                    break;
                }

                if (word[0] != '-')
                {
                    if (container)
                    {
                        return k - e - 1; // the command after the container
                    }

                    container = true;
                    continue;
                }

                if (word is "-u" or "-e" or "-w" or "-c" or "-n" or "--user" or "--env" or "--workdir" or "--container" or "--namespace")
                {
                    int a = seg[k..].IndexOf(' ');
                    k = a < 0 ? seg.Length : k + a + 1; // the option's argument
                }
            }

            if (!container)
            {
                return 0;
            }
        }
        else
        {
            return 0;
        }

        return k < seg.Length && seg[k] is '"' or '\'' ? k + 1 : k + 1 < seg.Length && seg[k] == '\\' && seg[k + 1] == '"' ? k + 2 : k; // also \" in a JSON string
    }

    /// <summary>
    /// The length of a leading word that can be a YAML key (<c>run</c>, <c>script</c>), an environment variable's name
    /// or a list number: letters, digits, <c>_</c> and <c>-</c>, 1–32 of them; <paramref name="after"/> is the character
    /// after it (<c>:</c>, <c>=</c>, <c>.</c>, <c>)</c> make it a prefix). A YAML key or a list number must be all
    /// letters or all digits.
    /// </summary>
    private static int LeadingWordLength(ReadOnlySpan<char> seg, out char after)
    {
        int w = 0;
        while (w < seg.Length && w <= 32 && (char.IsAsciiLetterOrDigit(seg[w]) || seg[w] is '_' or '-'))
        {
            w++;
        }

        after = w > 0 && w < seg.Length && w <= 32 ? seg[w] : '\0';
        bool digits = w > 0 && !seg[..w].ContainsAnyExceptInRange('0', '9');
        return after switch
        {
            '.' or ')' => digits && w <= 3 ? w : 0,
            ':' => !digits && seg[0] != '-' ? w : 0,
            '=' => (char.IsAsciiLetter(seg[0]) || seg[0] == '_') && !seg[..w].Contains('-') ? w : 0,
            _ => 0,
        };
    }

    /// <summary>The length of sudo's options after <c>sudo </c>: <c>-E</c>, <c>-H</c>, <c>-i</c>, <c>-n</c>, <c>-S</c> and <c>-u user</c> / <c>-g group</c> with their blanks.</summary>
    private static int SudoOptionsLength(ReadOnlySpan<char> rest)
    {
        int k = 0;
        for (int n = 0; n < 4 && k + 2 < rest.Length && rest[k] == '-' && char.IsAsciiLetter(rest[k + 1]) && rest[k + 2] == ' '; n++)
        {
            bool argument = rest[k + 1] is 'u' or 'g';
            k += 3;
            if (argument)
            {
                int e = rest[k..].IndexOf(' ');
                if (e < 0)
                {
                    return 0;
                }

                k += e + 1;
            }
        }

        return k;
    }

    /// <summary>
    /// A command without the shell prompt a transcript shows before it (r26): <c>$ </c>, <c># </c>, <c>% </c>,
    /// <c>&gt; </c>, zsh's <c>❯ </c> / <c>➜  ~ </c>, PowerShell's <c>PS C:\path&gt; </c> and <c>PS&gt; </c>, and a prompt of up
    /// to three words ending in <c>$ </c>, <c># </c>, <c>% </c> or <c>&gt; </c> that holds <c>@</c>, <c>:</c> or <c>~</c> or
    /// starts with <c>bash</c>, <c>sh-</c>, <c>(</c> or <c>[</c>: <c>user@host:~$ </c>, <c>[root@web01 ~]# </c>,
    /// <c>bash-5.1$ </c>, <c>(venv) alice@web01:~$ </c>, cmd.exe's <c>C:\&gt; </c>.
    /// </summary>
    private static ReadOnlySpan<char> AfterPrompt(ReadOnlySpan<char> seg)
    {
        if (seg.Length > 2 && seg[0] is '$' or '#' or '%' or '>' or '❯' or '➜' or 'λ' or '»' && seg[1] == ' ')
        {
            var rest = seg[2..].TrimStart(' ');
            int w = rest.IndexOf(' ');
            return seg[0] == '➜' && w > 0 && rest[0] is '~' or '/' ? rest[(w + 1)..].TrimStart(' ') : rest; // ➜  ~/src git:(main) is longer; its directory word at least
        }

        if (seg.StartsWith("PS", StringComparison.Ordinal) && seg.Length > 4 && seg[2] is ' ' or '>' && seg[..Math.Min(seg.Length, 128)].IndexOf("> ", StringComparison.Ordinal) is int ps and >= 2)
        {
            return seg[(ps + 2)..].TrimStart(' ');
        }

        var head = seg[..Math.Min(seg.Length, 96)];
        int k = head.IndexOfAny(s_promptEnds);
        while (k > 0 && k + 1 < head.Length && head[k + 1] != ' ')
        {
            int next = head[(k + 1)..].IndexOfAny(s_promptEnds);
            k = next < 0 ? -1 : k + 1 + next;
        }

        if (k <= 0 || k + 1 >= head.Length)
        {
            return seg;
        }

        var prompt = head[..(k + 1)];
        bool shaped = prompt.ContainsAny('@', ':', '~') || prompt.StartsWith("bash", StringComparison.Ordinal) || prompt.StartsWith("sh-", StringComparison.Ordinal)
            || prompt[0] is '(' or '[';
        return shaped && prompt.Count(' ') <= 2 && !prompt.ContainsAny('"', '\'', '=') ? seg[(k + 2)..].TrimStart(' ') : seg;
    }

    /// <summary>The characters a shell prompt ends with before its blank: <c>$ # % &gt;</c>.</summary>
    private static readonly SearchValues<char> s_promptEnds = SearchValues.Create("$#%>");

    /// <summary>Names ending in <c>key</c> (normalised) that hold a symmetric or application secret: Laravel's <c>APP_KEY</c>, <c>ENCRYPTION_KEY</c>, Rails' <c>RAILS_MASTER_KEY</c>, JWT/HMAC signing keys, WordPress' <c>AUTH_KEY</c> family.</summary>
    private static readonly string[] s_secretKeyNames =
    [
        "appkey", "encryptionkey", "encryptkey", "masterkey", "signingkey", "signkey", "hmackey", "jwtkey", "cipherkey", "cryptokey", "aeskey",
        "authkey", "loggedinkey", "noncekey", "sessionkey", "sessionsecretkey",
        "accountkey", "storagekey", "accesskey", "accesskeyid",
    ];

    /// <summary>
    /// Services whose server-side API key an application's configuration names <c>&lt;VENDOR&gt;_KEY</c> or
    /// <c>&lt;VENDOR&gt;_&lt;PRODUCT&gt;_KEY</c> without <c>api</c>, <c>secret</c> or <c>token</c> in the name
    /// (<c>SENDGRID_KEY</c>, <c>MAILGUN_KEY</c>, <c>stripe_key</c>, <c>NEW_RELIC_LICENSE_KEY</c>). Services whose
    /// <c>…_KEY</c> is meant for browsers or apps (Algolia's search key, Firebase, Google Maps, Mapbox, Pusher,
    /// Segment's write key, PostHog, Mixpanel, Sentry, Bugsnag, Rollbar's client key, Zendesk's widget key: the fourth
    /// reach round's review found them under such names, docs/dlp-rules.md) are not listed, nor OAuth sign-in providers
    /// (GitHub, GitLab, Slack, Discord, Dropbox, Okta, Auth0, Shopify…), whose <c>…_KEY</c> is by OmniAuth's and
    /// Socialite's convention the client id (<c>provider :github, ENV['GITHUB_KEY'], ENV['GITHUB_SECRET']</c>,
    /// https://github.com/omniauth/omniauth#getting-started). Stripe's publishable key (<c>pk_…</c>, Laravel's
    /// <c>STRIPE_KEY</c>) is kept out by its prefix (<see cref="s_publicKeyValuePrefixes"/>), and names with other words
    /// around the vendor (<c>STRIPE_CACHE_KEY</c>, <c>PUBLIC_…</c>) by <see cref="IsVendorKeyName"/>.
    /// </summary>
    private static readonly string[] s_vendorKeyNames =
    [
        "sendgrid", "mailgun", "mailchimp", "mandrill", "postmark", "sparkpost", "mailjet", "sendinblue", "brevo", "resend",
        "stripe", "braintree", "plaid", "coinbase", "binance", "kraken", "etherscan", "alchemy",
        "twilio", "vonage", "nexmo", "plivo", "messagebird", "telnyx",
        "datadog", "newrelic", "pagerduty", "opsgenie", "honeycomb", "logdna", "loggly", "papertrail",
        "openai", "anthropic", "cohere", "mistral", "groq", "replicate", "huggingface", "pinecone", "elevenlabs", "deepl",
        "gemini", "deepseek", "perplexity", "voyage", "fireworks", "shodan",
        "cloudflare", "heroku", "digitalocean", "linode", "vultr", "hetzner", "fastly", "netlify", "vercel", "backblaze",
        "hubspot", "airtable", "openweather", "newsapi", "cloudinary", "contentful", "circleci", "buildkite",
        "doppler",
    ];

    /// <summary>Value prefixes of public keys under vendor key names: Stripe's publishable keys (<c>pk_live_</c>, <c>pk_test_</c>; https://docs.stripe.com/keys), Mapbox's public tokens (<c>pk.</c>).</summary>
    private static readonly string[] s_publicKeyValuePrefixes = ["pk_", "pk."];

    /// <summary>
    /// Words that may stand between a vendor and <c>key</c> in a secret key's name (<c>NEW_RELIC_LICENSE_KEY</c>,
    /// <c>DATADOG_APP_KEY</c>, <c>SENDGRID_MAIL_KEY</c>); any other word there names something else (a cache, lookup,
    /// idempotency, price, template, entry, model, monitor or widget key, or Cloudflare's Turnstile site key).
    /// </summary>
    private static readonly string[] s_vendorKeyMiddles =
        ["license", "access", "private", "server", "admin", "master", "auth", "account", "app", "application", "ingest", "mail", "sms", "prod", "production", "live"];

    /// <summary>Words before a vendor in a key's name that make it a public or client-side key (<c>PUBLIC_STRIPE_KEY</c>, <c>NEXT_PUBLIC_…</c>).</summary>
    private static readonly string[] s_publicKeyNameWords = ["public", "publishable", "pub", "site", "search", "anon", "client", "consumer", "browser", "widget"];

    /// <summary>
    /// True when the key name <paramref name="name"/> is <c>[prefix_]&lt;VENDOR&gt;[_&lt;middle&gt;]_KEY</c>: its words
    /// (split at <c>_ - .</c> and at camelCase humps, compared lower-case) end in <c>key</c>, one word or two adjacent
    /// words (<c>NEW_RELIC</c>) are a vendor of <see cref="s_vendorKeyNames"/>, the words between it and <c>key</c> are of
    /// <see cref="s_vendorKeyMiddles"/>, and at most two words come before it, none of <see cref="s_publicKeyNameWords"/>.
    /// Whole words only: <c>DEEPLINK_KEY</c> is no DeepL key and <c>KRAKEND_CACHE_KEY</c> no Kraken one.
    /// </summary>
    private static bool IsVendorKeyName(ReadOnlySpan<char> name)
    {
        Span<Range> words = stackalloc Range[8];
        int n = 0;
        int start = 0;
        for (int i = 0; i <= name.Length; i++)
        {
            bool cut = i == name.Length || name[i] is '_' or '-' or '.' || (i > start && char.IsAsciiLetterUpper(name[i]) && char.IsAsciiLetterLower(name[i - 1]));
            if (!cut)
            {
                continue;
            }

            if (i > start)
            {
                if (n == words.Length)
                {
                    return false;
                }

                words[n++] = start..i;
            }

            start = name.Length > i && name[i] is '_' or '-' or '.' ? i + 1 : i;
        }

        if (n < 2 || !name[words[n - 1]].Equals("key", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        for (int v = 0; v < n - 1; v++)
        {
            int vendorEnd = VendorAt(name, words[..(n - 1)], v);
            if (vendorEnd < 0 && v + 2 == n - 1 && name[words[v]].Equals("algolia", StringComparison.OrdinalIgnoreCase) && name[words[v + 1]].Equals("admin", StringComparison.OrdinalIgnoreCase))
            {
                vendorEnd = v + 1; // ALGOLIA_ADMIN_KEY (r25): Algolia's search key is public, its Admin API key is not (https://www.algolia.com/doc/guides/security/api-keys/)
            }

            if (vendorEnd < 0)
            {
                continue;
            }

            if (v > 2)
            {
                return false;
            }

            for (int w = 0; w < v; w++)
            {
                if (IsAnyOf(name[words[w]], s_publicKeyNameWords))
                {
                    return false;
                }
            }

            for (int w = vendorEnd; w < n - 1; w++)
            {
                if (!IsAnyOf(name[words[w]], s_vendorKeyMiddles))
                {
                    return false;
                }
            }

            return true;
        }

        return false;
    }

    /// <summary>The index after the vendor when word <paramref name="v"/> (alone or joined with the next) is one of <see cref="s_vendorKeyNames"/>, else −1.</summary>
    private static int VendorAt(ReadOnlySpan<char> name, ReadOnlySpan<Range> words, int v)
    {
        var one = name[words[v]];
        if (IsAnyOf(one, s_vendorKeyNames))
        {
            return v + 1;
        }

        if (v + 1 >= words.Length || one.Length + name[words[v + 1]].Length > 32)
        {
            return -1;
        }

        Span<char> two = stackalloc char[32];
        one.CopyTo(two);
        name[words[v + 1]].CopyTo(two[one.Length..]);
        return IsAnyOf(two[..(one.Length + name[words[v + 1]].Length)], s_vendorKeyNames) ? v + 2 : -1;
    }

    private static bool IsAnyOf(ReadOnlySpan<char> word, string[] list)
    {
        foreach (var w in list)
        {
            if (word.Equals(w, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The value prefixes that make an <c>…accesskey</c> / <c>…accesskeyid</c> value an access key id (case-insensitive,
    /// so a malformed or lower-cased id still counts): AWS's unique-identifier prefixes
    /// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-prefixes), Alibaba Cloud's
    /// <c>LTAI</c> and Google Cloud Storage HMAC keys' <c>GOOG</c>. Other values under such names are usually public
    /// (Unsplash's access key is its client id) or names (CloudFormation's <c>UserAccessKey2Output</c>).
    /// </summary>
    private static readonly string[] s_accessKeyIdPrefixes =
        ["akia", "asia", "abia", "acca", "agpa", "aida", "aipa", "anpa", "anva", "apka", "aroa", "asca", "ltai", "goog"];

    /// <summary>
    /// Walks back from a value that starts at <paramref name="k"/> (<paramref name="rs"/>: the start of its token run)
    /// over an opening quote and up to 16 blanks to the <c>=</c> or <c>:</c> before it, then over up to 32 blanks (INI's
    /// <c>aws_access_key_id = value</c>, also with tabs) and the name's closing quote. Returns the position just past the
    /// name, or −1 when no separator stands there at <paramref name="minSeparator"/> or later; <paramref name="equals"/>
    /// says the separator was <c>=</c>.
    /// </summary>
    private static int NameEndBeforeValue(ReadOnlySpan<char> t, int k, int rs, int minSeparator, out bool equals)
    {
        equals = false;
        if (t[k - 1] is '"' or '\'' or '`')
        {
            k--;
        }

        while (k > 0 && rs - k < 16 && t[k - 1] is ' ' or '\t')
        {
            k--;
        }

        if (k < minSeparator || t[k - 1] is not ('=' or ':'))
        {
            return -1;
        }

        equals = t[k - 1] == '=';
        k -= equals && k > 1 && t[k - 2] == ':' ? 2 : 1; // Go's short declaration: APP_KEY := "…" (r31)
        while (k > 0 && rs - k < 32 && t[k - 1] is ' ' or '\t')
        {
            k--;
        }

        if (k > 0 && t[k - 1] is '"' or '\'')
        {
            k--;
        }

        return k;
    }

    /// <summary>
    /// Does a name end at <paramref name="j"/> (inclusive) with the segment <c>PAT</c> / <c>pat</c> / <c>Pat</c> — a
    /// personal access token (<c>AZURE_DEVOPS_PAT</c>, <c>GH_PAT</c>, <c>gitlabPat</c>, <c>pat</c>)? Not the end of a
    /// word (<c>compat</c>, <c>spat</c>).
    /// </summary>
    internal static bool PatNameEndsAt(ReadOnlySpan<char> t, int j)
    {
        if (j < 2 || (t[j] | 0x20) != 't' || (t[j - 1] | 0x20) != 'a' || (t[j - 2] | 0x20) != 'p')
        {
            return false;
        }

        char before = j >= 3 ? t[j - 3] : ' ';
        return !char.IsAsciiLetterOrDigit(before) || (t[j - 2] == 'P' && t[j - 1] == 'a' && char.IsAsciiLetterLower(before));
    }

    /// <summary>
    /// Does the name at <paramref name="ns"/> start a line (also indented: Go's <c>\tAPP_KEY := "…"</c> in a function; r31), alone or after <c>export </c> (dotenv, shell), PowerShell's
    /// <c>$env:</c> (about_Environment_Variables) or cmd's <c>set </c> (r31)?
    /// </summary>
    private static bool StartsConfigLine(ReadOnlySpan<char> t, int ns) =>
        LineStartsAt(t, ns) || (ns > 0 && t[ns - 1] is ' ' or '\t' && LineStartsAt(t, t[..ns].TrimEnd(" \t").Length))
        || (ns >= 7 && t[(ns - 7)..ns].Equals("export ", StringComparison.Ordinal) && LineStartsAt(t, ns - 7))
        || (ns >= 5 && t[ns - 1] == ':' && t[(ns - 5)..ns].Equals("$env:", StringComparison.OrdinalIgnoreCase) && LineStartsAt(t, ns - 5))
        || (ns >= 4 && t[ns - 1] == ' ' && t[(ns - 4)..ns].Equals("set ", StringComparison.OrdinalIgnoreCase) && LineStartsAt(t, ns - 4));

    /// <summary>
    /// A token run at <paramref name="rs"/> … <paramref name="re"/> that is the value of a secret key named in
    /// <see cref="s_secretKeyNames"/>: <c>NAME=value</c> at the start of a line (dotenv, shell <c>export</c>,
    /// properties), <c>NAME: value</c> (YAML) or <c>"NAME": "value"</c> (JSON), optionally with Laravel's
    /// <c>base64:</c> prefix. The engine calls this at run starts after <c>=</c>, <c>:</c>, <c>"</c> or a blank (a
    /// few compares); the value must be 16+ characters with letters and digits. Returns the value's start.
    /// </summary>
    internal static int SecretKeyValue(ReadOnlySpan<char> t, int rs, int re)
    {
        int k = rs;
        if (k >= 8 && t[k - 1] == ':' && t[(k - 7)..k].Equals("base64:", StringComparison.Ordinal))
        {
            k -= 7;
        }

        int vs = k;
        k = NameEndBeforeValue(t, k, rs, 5, out bool equals);
        if (k < 0)
        {
            return -1;
        }

        // the name ends in "key" or "key_id" (any case, "id" with an optional separator)
        int kk = k;
        if (kk >= 6 && (t[kk - 1] | 0x20) == 'd' && (t[kk - 2] | 0x20) == 'i')
        {
            kk -= t[kk - 3] is '_' or '-' ? 3 : 2;
        }

        bool pat = PatNameEndsAt(t, k - 1); // AZURE_DEVOPS_PAT=…, GH_PAT=…, "pat": "…" (r30)
        if (!pat && (kk < 4 || (t[kk - 1] | 0x20) != 'y' || (t[kk - 2] | 0x20) != 'e' || (t[kk - 3] | 0x20) != 'k'))
        {
            return -1;
        }

        int ns = k;
        while (ns > 0 && k - ns < 64 && IsNameChar(t[ns - 1]))
        {
            ns--;
        }

        // "…\nMASTER_KEY=…" in a JSON string: the escape's letter is a name character, the name starts after it (r25 review)
        ns = AfterEscapeLetter(t, ns); // t[k] ends the name, so it is never the escape's letter

        // "AWS::Route53::KeySigningKey": "…" names a CloudFormation type (FindAssignments: the same test).
        if (ns > 1 && t[ns - 1] == ':' && t[ns - 2] == ':')
        {
            return -1;
        }

        // NAME=value only at the start of a line (or after "export "; a quoted value also after declaration words:
        // "const DATADOG_KEY = '…'"): "x=…&key=…" in a URL is a query, not a config.
        bool declared = false;
        if (equals && !StartsConfigLine(t, ns))
        {
            if (!(t[vs - 1] is '"' or '\'' or '`' && StartsDeclaration(t, ns)))
            {
                return -1;
            }

            declared = true;
        }

        Span<char> norm = stackalloc char[64];
        var key = norm[..NormalizeName(t[ns..k], norm)];
        string? named = null;
        foreach (var e in s_secretKeyNames)
        {
            if (key.EndsWith(e, StringComparison.Ordinal))
            {
                named = e;
                break;
            }
        }

        var v = t[rs..re];
        if (pat)
        {
            // A personal access token by its name: a generated value (20+ characters, 3+ digits or a digit and both
            // cases), or Azure DevOps' shapes (52 of [a-z2-7], which may hold one digit or none; 84 letters and digits).
            // A name that is "pat" alone (a pattern, a patient id) takes only those shapes.
            bool azureShape = (v.Length == 52 && !v.ContainsAnyExcept(LowerBase32Chars)) || (v.Length == 84 && !v.ContainsAnyExcept(Alphanumerics));
            bool generated = v.Length >= 20 && (HasDigits(v, 3) || (HasDigits(v, 1) && v.ContainsAnyInRange('a', 'z') && v.ContainsAnyInRange('A', 'Z')))
                && IsKeyShapedValue(v) && !IsWordsWithDigits(v);
            named = azureShape || (generated && k - ns > 3) ? "pat" : null;
        }
        else if (named is null && v.Length >= 20 && (HasDigits(v, 3) || (HasDigits(v, 1) && v.ContainsAnyInRange('a', 'z') && v.ContainsAnyInRange('A', 'Z')))
            && IsKeyShapedValue(v) && IsVendorKeyName(t[ns..k]) && !IsCredentialName(t[ns..k]) && !StartsWithAny(v, s_publicKeyValuePrefixes))
        {
            named = "vendorkey";
        }

        // "aws_secret_access_key" ends in "accesskey" but is the assignment pass's name (and the AWS secret rule's).
        if (named is null || key.EndsWith("secretaccesskey", StringComparison.Ordinal))
        {
            return -1;
        }

        // A constant in code is a key only when it looks generated: 20+ characters, 3+ digits (or a digit and both
        // cases), one piece, and not words with a version number ("CARE_BOARD_AUTH_USER_V1", "checkoutStripePaymentV2", "AES/CBC/PKCS5Padding").
        if (declared && (v.Length < 20 || !(HasDigits(v, 3) || (HasDigits(v, 1) && v.ContainsAnyInRange('a', 'z') && v.ContainsAnyInRange('A', 'Z'))) || !IsKeyShapedValue(v) || IsWordsWithDigits(v)))
        {
            return -1;
        }

        if (named is "accesskey" or "accesskeyid")
        {
            // An access key id by its shape (its prefix), not by its name alone: object keys, record ids and public
            // client ids are named like this too.
            if (v.Length < 16 || !StartsWithAny(v, s_accessKeyIdPrefixes))
            {
                return -1;
            }
        }
        else if (named is "accountkey" or "storagekey" && !(v.Length == 86 && re + 1 < t.Length && t[re] == '=' && t[re + 1] == '='))
        {
            // An Azure storage account key is 64 bytes in base64: 86 characters and "==" (the run stops before '=').
            // Other values under these names are object-store paths and record ids.
            return -1;
        }

        return v.ContainsAnyInRange('0', '9') && v.ContainsAnyInRange('a', 'z') | v.ContainsAnyInRange('A', 'Z') && IsSecretValue(v, quoted: true) ? vs : -1;
    }

    /// <summary>
    /// A vendor key's value is one random piece, or Mailgun's <c>key-</c> and one: split at <c>- _ .</c> it has one
    /// piece, or two whose first is <c>key</c> or not a lower-case word. Model names (<c>gpt-4o-mini-2024-07-18</c>),
    /// object ids (<c>price_1NqX…</c>, <c>site-7f3a…</c>) and dated names are not keys.
    /// </summary>
    private static bool IsKeyShapedValue(ReadOnlySpan<char> v)
    {
        int cut = v.IndexOfAny("-_.");
        if (cut < 0)
        {
            return true;
        }

        var first = v[..cut];
        return v[(cut + 1)..].IndexOfAny("-_.") < 0 && (first.Equals("key", StringComparison.Ordinal) || first.ContainsAnyExceptInRange('a', 'z'));
    }

    /// <summary>True when <paramref name="v"/> holds at least <paramref name="count"/> ASCII digits.</summary>
    private static bool HasDigits(ReadOnlySpan<char> v, int count)
    {
        foreach (char c in v)
        {
            if (char.IsAsciiDigit(c) && --count == 0)
            {
                return true;
            }
        }

        return count <= 0;
    }

    private static bool StartsWithAny(ReadOnlySpan<char> v, string[] prefixes)
    {
        foreach (var p in prefixes)
        {
            if (v.StartsWith(p, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The signature of an Azure shared access signature (SAS) URL written out in the text — a body, a header, a
    /// parameter's value — whose run starts at <paramref name="rs"/> after <c>sig=</c>: the URL (its <c>://</c> within
    /// 2 KiB before, no blank or quote in between) also carries <c>sv=</c> (the service version) and <c>se=</c> or
    /// <c>sp=</c> (expiry, permissions); https://learn.microsoft.com/rest/api/storageservices/create-service-sas.
    /// The signature is an HMAC-SHA256 in base64: 43 characters and <c>=</c> (or <c>%3D</c>). A request's own query
    /// holds no <c>://</c>, so an agent downloading through a SAS URL it was given is not reported. Returns the
    /// signature's end, or -1.
    /// </summary>
    internal static int SasSignature(ReadOnlySpan<char> t, int rs, int re)
    {
        if (re - rs < 43 || rs < 4 || t[rs - 3] != 'i' || t[rs - 4] != 's' || t[rs - 5] is not ('&' or '?'))
        {
            return -1;
        }

        var before = t[Math.Max(0, rs - 2048)..rs];
        int url = before.LastIndexOf("://", StringComparison.Ordinal);
        if (url < 0)
        {
            return -1;
        }

        var u = before[url..];
        if (u.ContainsAny(' ', '"', '\n') || u.IndexOf('?') < 0 || !(u.Contains("sv=", StringComparison.Ordinal) && (u.Contains("se=", StringComparison.Ordinal) || u.Contains("sp=", StringComparison.Ordinal))))
        {
            return -1;
        }

        return re;
    }

    /// <summary>
    /// An <c>/etc/passwd</c> dump around a token run <c>/usr/sbin/nologin</c> at <paramref name="rs"/> after a
    /// <c>:</c> (the shell of Debian's and Ubuntu's system accounts; shorter shells such as <c>/sbin/nologin</c> and
    /// <c>/bin/bash</c> are no run): the run's line and up to two lines before it are passwd(5) lines, and with the
    /// lines after it three or more in a row. Only the first <c>nologin</c> line of a stretch triggers (the line before
    /// it ends otherwise), and at most four lines are parsed per trigger, so the check stays linear. Returns the end of
    /// the reported lines (<paramref name="start"/> their start), or -1.
    /// </summary>
    internal static int PasswdAroundNologin(ReadOnlySpan<char> t, int rs, out int start)
    {
        start = 0;
        if (rs + 17 > t.Length || !t.Slice(rs, 17).Equals("/usr/sbin/nologin", StringComparison.Ordinal))
        {
            return -1;
        }

        // this line: back to its start (a passwd line is short)
        int ls = rs;
        while (ls > 0 && rs - ls < 256 && !LineStartsAt(t, ls))
        {
            ls--;
        }

        int x = t[ls..rs].IndexOf(":x:", StringComparison.Ordinal);
        if (x < 0 || PasswdLine(t, ls + x, out int first) != rs + 17 || first != ls)
        {
            return -1;
        }

        // up to two passwd lines before it; the line just before must not end in nologin (it triggered already)
        int begin = ls, before = 0;
        while (before < 2 && PreviousLine(t, begin) is int ps and >= 0)
        {
            int px = t[ps..begin].IndexOf(":x:", StringComparison.Ordinal);
            int pls = -1, pe = px < 0 ? -1 : PasswdLine(t, ps + px, out pls);
            if (pe < 0 || pls != ps)
            {
                break;
            }

            if (before == 0 && t[ps..pe].EndsWith("/usr/sbin/nologin", StringComparison.Ordinal))
            {
                return -1;
            }

            begin = ps;
            before++;
        }

        int end = PasswdLines(t, ls + x, 3 - before, out int after);
        if (before + after < 3)
        {
            return -1;
        }

        start = begin;
        return end;
    }

    /// <summary>The start of the line before the line starting at <paramref name="ls"/> (a real or JSON-escaped line break before it), or -1.</summary>
    private static int PreviousLine(ReadOnlySpan<char> t, int ls)
    {
        int e = ls;
        if (e >= 2 && t[e - 2] == '\\' && t[e - 1] is 'n')
        {
            e -= 2;
            if (e >= 2 && t[e - 2] == '\\' && t[e - 1] == 'r')
            {
                e -= 2;
            }
        }
        else if (e >= 1 && t[e - 1] == '\n')
        {
            e--;
            if (e >= 1 && t[e - 1] == '\r')
            {
                e--;
            }
        }
        else
        {
            return -1;
        }

        int s = e;
        while (s > 0 && e - s < 256 && !LineStartsAt(t, s))
        {
            s--;
        }

        return LineStartsAt(t, s) && s < e ? s : -1;
    }
}
