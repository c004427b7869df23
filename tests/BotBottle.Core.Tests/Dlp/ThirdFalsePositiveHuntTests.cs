using System.Text;
using BotBottle.Dlp;
using static BotBottle.Tests.Dlp.DlpTestHelpers;

namespace BotBottle.Tests.Dlp;

/// <summary>
/// The third false-positive hunt (docs/dlp-rules.md "Third false-positive hunt"): each benign shape main's engine
/// reported, and beside it the malicious shape the narrowed rule must still report. The shapes are built from the
/// formats (RFC 4648 base64, RFC 8259 JSON escapes, ISO/IEC 7812-1 Luhn, perlop, kernel-doc), never copied from the
/// files that showed them.
/// </summary>
public sealed class ThirdFalsePositiveHuntTests
{
    private const string UserPasswordRule = "encoded-user-password";

    /// <summary>Base64 with a <c>+</c> (escaped <c>\u002B</c>, as System.Text.Json writes it) 20 characters before a <c>/</c> whose piece decodes to <c>o:0,e[h]=…</c>.</summary>
    private static string PieceAfterEscapedPlus(int seed)
    {
        string head = Tokens.Random(Tokens.Base62, 64, seed), mid = Tokens.Random(Tokens.Base62, 19, seed + 1);
        string piece = Convert.ToBase64String(Encoding.ASCII.GetBytes("o:0,e[h]=a,s(h,a)},this.#D=h="));
        return head + "\\u002B" + mid + "/" + piece.TrimEnd('=') + "\\u002B" + Tokens.Random(Tokens.Base62, 40, seed + 2);
    }

    [Fact]
    public void A_slash_piece_after_an_escaped_plus_is_part_of_the_blob()
    {
        string body = "{\"message\":\"Add dist/cache.min.js\",\"content\":\"" + PieceAfterEscapedPlus(1601) + "\",\"branch\":\"main\"}";
        Assert.DoesNotContain(ScanBody(body), f => f.RuleId == UserPasswordRule);
    }

    [Fact]
    public void A_slash_piece_of_a_line_after_a_doubly_escaped_line_break_is_part_of_the_blob()
    {
        // a GitHub contents response (lines end in \n) quoted in an LLM request's message: each \n is written \\n
        string line1 = Tokens.Random(Tokens.Base62, 60, 1603);
        string piece = Convert.ToBase64String(Encoding.ASCII.GetBytes("l:o,t.length?x:a,z.length?e:q"));
        string line2 = Tokens.Random(Tokens.Base62, 11, 1604) + "/" + piece;
        string body = "{\"messages\":[{\"role\":\"user\",\"content\":\"{\\\"content\\\": \\\"" + line1 + "\\\\n" + line2 + "\\\\n\\\"}\"}]}";
        Assert.DoesNotContain(ScanBody(body), f => f.RuleId == UserPasswordRule);
    }

    [Theory]
    [InlineData("{\"registry\":\"https:\\/\\/npm.example.com\\/auth\\/{0}\"}")] // a URL path's piece, JSON-escaped slashes
    [InlineData("{\"url\":\"https://npm.example.com/v1/auth/{0}\"}")]
    [InlineData("{\"auth\":\"{0}\"}")]
    public void A_user_password_blob_after_a_short_path_is_still_found(string template)
    {
        string blob = Tokens.B64Of("deploy:Xk9mQ2vLp7Rt");
        Assert.Contains(ScanBody(template.Replace("{0}", blob, StringComparison.Ordinal)), f => f.RuleId == UserPasswordRule);
    }

    [Fact]
    public void A_code_point_table_with_hexadecimal_groups_is_not_cards()
    {
        // "552E 5538 5563 5533 5541 5557 570B": a Luhn-valid window of decimal-looking code points between hex ones
        string window = LuhnValidWindow(5538, 5563);
        string text = "__DATA__\n552E " + window + " 570B 5708 57DF\n2542F 25430 " + window + "\n";
        var findings = Scan(text);
        Assert.True(findings.Count == 0, Describe(findings));
    }

    [Theory]
    [InlineData(" ABCD\n")] // one more group beside a card: an expiry or a code, still a card
    [InlineData(" face dead\n")] // lower-case words of hex letters are prose, not code points
    [InlineData("\n")]
    public void A_card_beside_the_code_point_shapes_is_still_found(string after)
    {
        Assert.Contains(Scan("card 4111 1111 1111 1111" + after), f => f.RuleId == "payment-card");
    }

    [Fact]
    public void A_nineteen_digit_id_among_other_ids_is_not_a_card()
    {
        string valid = Luhn19(4851313991485447, 0);
        string other = Luhn19(4851313991485448, 1); // not Luhn-valid
        string text = $"    | |   \"IOReportChannels\" = (({other},4295098369,\"PKGC_C0_ENTRANCE_COUNTER\"),({valid},4295098369,\"PKGC_C2_ENTRANCE_COUNTER\"))\n";
        var findings = Scan(text);
        Assert.True(findings.Count == 0, Describe(findings));
    }

    [Theory]
    [InlineData(false)] // a Visa-19 alone on its line
    [InlineData(true)] // two Visa-19 numbers listed together
    public void A_nineteen_digit_card_alone_or_among_cards_is_still_found(bool two)
    {
        string a = Luhn19(4000123456789010, 0), b = Luhn19(4000123456789011, 0);
        var findings = Scan(two ? $"cards: {a}, {b}\nid: 12\n" : $"card: {a}\nnext id: {Luhn19(4000123456789012, 3)}\n");
        Assert.Equal(two ? 2 : 1, findings.Count(f => f.RuleId == "payment-card"));
    }

    [Fact]
    public void A_sixteen_digit_card_beside_a_sixteen_digit_id_is_still_found()
    {
        Assert.Contains(Scan("card: 4111111111111111, account: 4111111111111112\n"), f => f.RuleId == "payment-card");
    }

    [Theory]
    [InlineData("  Pass *CachedPass = Registry->lookupStageIfReady(Id);\n")]
    [InlineData("  const Token *PeekedToken = Scanner->lookAhead(Depth);\n")]
    [InlineData("    if pRec <> nil then StoredPass := pRec^.hashed_pw;\n")]
    [InlineData("            'private_key': self._cached_key_rsa2048_pem,\n")]
    [InlineData("my $Token = qr/[\\x21\\x23-\\x26\\x2B\\x2D\\x30-\\x39\\x61-\\x7A]/;\n")]
    [InlineData("our $cached_token = \\undef;\nmy $secret_ref = \\%secret_index;\n")]
    [InlineData("  return $self->_render_block('SUMMARY', max_token => 25_000, @_);\n")]
    [InlineData(" * @DEMO_BLOB_SECRET: sealed blob holding one secret value.\n * @DEMO_SESSION_TOKEN: Non-zero token naming one session.\n")]
    [InlineData("def onSyntaxError(self, parser, badToken:Token=None, scope:RuleScope=None):\n")]
    [InlineData("P384MlDsaPrivateKey = native_bindings.pqc.P384MlDsaPrivateKey\nFORCE_RESET_PASSWORD = \"FORCE_RESET_PASSWORD\"\n")]
    [InlineData("            p256Holder.heldPrivateKey : x448Holder.heldPrivateKey;\n        final String QNAME_TOKEN = \"QNAME_TOKEN\";\n")]
    [InlineData("mod3.QUOTE_CHARS = mod3.TOKEN = mod3.LOOSE_TOKEN = mod3.DIGITS = [];\n")]
    [InlineData("s.stack.push({defaultToken:s.token},{token:s.token+\".close\",next:\"pop\"});\n")]
    public void Code_and_labels_under_credential_names_are_not_literals(string code)
    {
        var findings = Scan(code);
        Assert.True(findings.Count == 0, Describe(findings));

        // the same code as an LLM request's message, written by System.Text.Json (<, >, +, quotes as \u00XX)
        string json = System.Text.Json.JsonSerializer.Serialize(new { messages = new[] { new { role = "user", content = "Explain:\n" + code } } });
        var inJson = ScanBody(json);
        Assert.True(inJson.Count == 0, Describe(inJson));
    }

    [Theory]
    [InlineData("DB_PASSWORD=Xk9mQ2vLp7Rt # see the runbook\n")]
    [InlineData(" * @DB_PASSWORD: Xk9mQ2vLp7Rt\n")] // a label with no description after it
    [InlineData("API_TOKEN = \"API_TOKEN_Xk9mQ2vLp7\"\n")] // the key's name and more
    [InlineData("token = Xk9mQ2vLp7Rt\n")]
    [InlineData("a = password = Xk9mQ2vLp7Rt\n")] // the chain's value
    [InlineData("token:Xk9mQ2=vLp7Rt\n")] // no type and keyword default
    [InlineData("PASSWORD=\\Xk9mQ2vLp7Rt\n")] // a backslash, not a Perl reference
    [InlineData("password = \"qr/Xk9mQ2vLp7Rt\"\n")] // quoted: a literal
    [InlineData("secret: self._key_Xk9mQ2vLp\n")] // digits inside a word
    public void Literals_beside_the_code_shapes_are_still_found(string text)
    {
        Assert.Contains(Scan(text), f => f.RuleId == "credential-assignment");
    }

    [Theory]
    [InlineData("//packages.acme.example/npm/:_authToken=TEAMTOKEN1\n//build.example.org/:_authToken=BUILD_TOKEN_3\n")]
    [InlineData("var aliasTable={every:\"allOf\",bothPass:\"conjoinAll\",some:\"anyOf\",eitherPass:\"disjoinAny\"};\n")]
    [InlineData("{token:\"comment.line.number-sign.source.tomlish\",regex:\"#.*$\"},{token:\"keyword.operator.assignment\"}\n")]
    [InlineData("_LEDGER_API_SERVICE_TOKEN = 'ledger-component.apis.internal'\n")]
    [InlineData("r.onHit&&(g.length>1?r.onHit=this.$splitToken:r.onHit=r.token),g.length>1&&(m=r.regex)\n")]
    public void Numbered_constants_and_function_aliases_are_names(string text)
    {
        var findings = Scan(text);
        Assert.True(findings.Count == 0, Describe(findings));
    }

    [Theory]
    [InlineData("NPM_TOKEN=X7KQ2MRT9P\n")] // digits among the letters
    [InlineData("_authToken=MYTOKEN12345\n")] // more than two digits
    [InlineData("DB_PASSWORD=HUNTER42\n")] // a password's name
    [InlineData("dbPass: \"xk9mQ2vLp\"\n")] // a pass segment, digits inside
    [InlineData("DB_PASS=Hunter2024\n")]
    [InlineData("DB_PASSWORD=\"correct.horse.battery-staple\"\n")] // a password's name: dotted words are a passphrase
    [InlineData("token: c.onMatch=Xk9mQ2vLp7Rt\n")] // a literal on the right of the =
    [InlineData("API_TOKEN=\"abc.def.Xk9mQ2vLp\"\n")] // a capital inside: no lower-case name
    [InlineData("API_TOKEN=\"a1b2c3d4.e5f6a7b8.c9d0e1f2\"\n")] // dotted lower-case hex: more than three digits
    [InlineData("secret: qwer-tyui.asdf.zxcv\n")] // dotted words under a secret's name, not a token's
    [InlineData("API_KEY=ABCDEFGH12\n")] // a numbered word under a key's name, not a token's
    [InlineData("smtp.pass = \"correctHorse\"\n")] // a dotted pass segment, not a camelCase property: camelCase values stay literals
    public void Literals_beside_the_name_shapes_are_still_found(string text)
    {
        Assert.Contains(Scan(text), f => f.RuleId == "credential-assignment");
    }

    /// <summary>Four decimal-looking code points from <paramref name="first"/> whose 16 digits pass the Luhn check (a Mastercard shape).</summary>
    private static string LuhnValidWindow(int first, int second)
    {
        for (int third = 5500; third < 5600; third++)
        {
            for (int fourth = 5700; fourth < 5710; fourth++)
            {
                if (Luhn($"{first}{second}{third}{fourth}"))
                {
                    return $"{first} {second} {third} {fourth}";
                }
            }
        }

        throw new InvalidOperationException("no Luhn-valid window");
    }

    /// <summary>The 19-digit number <paramref name="head"/> and three more digits, the <paramref name="nth"/> such number that passes the Luhn check or (for odd <paramref name="nth"/>) fails it.</summary>
    private static string Luhn19(long head, int nth)
    {
        int seen = 0;
        for (int tail = 0; tail < 1000; tail++)
        {
            string s = $"{head}{tail:D3}";
            if (Luhn(s) == (nth % 2 == 0) && seen++ == nth / 2)
            {
                return s;
            }
        }

        throw new InvalidOperationException("no number");
    }

    private static bool Luhn(string digits) => Checksums.IsLuhnValid([.. digits.Select(c => (byte)(c - '0'))]);
}
