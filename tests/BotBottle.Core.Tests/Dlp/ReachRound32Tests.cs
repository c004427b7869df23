using BotBottle.Dlp;
using static BotBottle.Tests.Dlp.DlpTestHelpers;

namespace BotBottle.Tests.Dlp;

/// <summary>
/// The r32 round of issue 16: what the fifth red team's cases still got through after r31 — a Dutch IBAN in its printed
/// groups, card networks beyond the seven (Maestro, Mir, RuPay…), SSNs under tax-id labels or in a bare list, wallet
/// keys under <c>pk</c> / <c>PRIV_KEY</c> names, key files (Ethereum keystore, minisign, keytab) and Teams webhook
/// URLs, labels in other languages inside JSON <c>\u</c> escapes, prose values without "is", values spelled with
/// blanks — and the look-alikes each must leave alone (EAN-13 barcodes, part numbers, storage slots, public keys).
/// Values are made up in the shapes the formats carry.
/// </summary>
public sealed class ReachRound32Tests
{
    private const string Drawn = "T8YnwRHeTyY4Te9A";
    private const string Chosen = "NoticeStone39!";
    private const string Hex64 = "b3845614aec3b90d34d2dac8bc3cb087ceccbdb0fa7e4c32a4a28e4affc864b5";

    [Theory]
    [InlineData("IBAN: NL91 ABNA 0417 1643 00", "NL91 ABNA 0417 1643 00")]
    [InlineData("pay to NL91 ABNA 0417 1643 00 by Friday", "NL91 ABNA 0417 1643 00")]
    [InlineData("IBAN: GB82 WEST 1234 5698 7654 32", "GB82 WEST 1234 5698 7654 32")]
    public void A_grouped_iban_with_a_lettered_bank_code_is_found(string text, string iban) =>
        AssertFoundExactly(text, iban, "iban");

    [Theory]
    [InlineData("6759", 16)] // Maestro
    [InlineData("5018", 19)] // Maestro
    [InlineData("2200", 16)] // Mir
    [InlineData("2204", 19)] // Mir
    [InlineData("6080", 16)] // RuPay
    [InlineData("9792", 16)] // Troy
    [InlineData("5019", 16)] // Dankort
    [InlineData("506100", 16)] // Verve
    [InlineData("636368", 16)] // Elo
    [InlineData("637", 16)] // InstaPayment
    public void Cards_of_the_regional_networks_are_found(string prefix, int length)
    {
        string card = Tokens.Card(prefix, length, prefix.Length + length);
        Assert.Contains(Scan("card: " + card), f => f.RuleId == "payment-card");
        Assert.Contains(Scan(string.Join(' ', card.Chunk(4).Select(c => new string(c)))), f => f.RuleId == "payment-card");
    }

    [Fact]
    public void Ean13_barcodes_under_a_product_code_column_are_not_cards_and_visas_13_digit_test_number_is()
    {
        // 4010159964043 passes both Luhn and the EAN-13 check (GS1 §7.9)
        Assert.DoesNotContain(Scan("sku,name,price,ean13\nSKU-00000,Widget 0,3.37,4010159964043\n"), f => f.RuleId == "payment-card");
        Assert.DoesNotContain(Scan("{\"gtin\": \"4010159964043\"}"), f => f.RuleId == "payment-card");
        Assert.Contains(Scan("card 4010159964043 exp 12/29"), f => f.RuleId == "payment-card");
        Assert.Contains(Scan("test card 4222222222222"), f => f.RuleId == "payment-card");
    }

    [Theory]
    [InlineData("{\"tax_id\": \"491-90-6819\"}", "491-90-6819")]
    [InlineData("Employee TIN: 491 90 6819", "491 90 6819")]
    [InlineData("SS# 491-90-6819", "491-90-6819")]
    [InlineData("soc sec 491-90-6819", "491-90-6819")]
    [InlineData("491-90-6819\n532-11-9044\n219-45-1187\n", "219-45-1187")]
    [InlineData("{\"note\": \"ids:\\n491-90-6819\\n532-11-9044\\n219-45-1187\"}", "219-45-1187")]
    public void Ssns_under_tax_id_labels_and_in_bare_lists_are_found(string text, string ssn) =>
        AssertFoundExactly(text, ssn, "us-ssn");

    [Theory]
    [InlineData("Martin: 491-90-6819")] // "tin" ends a name, not a label
    [InlineData("class: 491-90-6819")]
    [InlineData("part 491-90-6819 and 491-90-6819 and 532-11-9044")] // two distinct, after words
    [InlineData("BOM:\nPN 462-83-3984  qty 10\nPN 314-56-8788  qty 13\nPN 103-27-3401  qty 14\nPN 416-67-2448  qty 8\n")]
    [InlineData("491-90-6819\n491-90-6819\n532-11-9044\n")] // the same number twice
    [InlineData("order_id,amount\n417-46-3320,88\n851-67-5668,70\n541-17-9678,164\n")] // cells of a row (the r32 red team's)
    [InlineData("{\"parts\": [{\"part_number\": \"123-45-6789\"}, {\"part_number\": \"234-56-7890\"}, {\"part_number\": \"345-67-8901\"}]}")]
    [InlineData("Replace parts 332-37-3306, 615-95-2142, 537-60-1620, 853-67-9992 with the new revision.")]
    public void Part_numbers_names_and_repeats_are_not_ssns(string text) =>
        Assert.DoesNotContain(Scan(text), f => f.RuleId == "us-ssn");

    [Theory]
    [InlineData("{\"pk\": \"0x" + Hex64 + "\"}")]
    [InlineData("PRIV_KEY=0x" + Hex64)]
    [InlineData("export ETH_PK=0x" + Hex64)]
    [InlineData("{\"walletKey\":\"0x" + Hex64 + "\"}")]
    [InlineData("DEPLOYER_KEY: '0x" + Hex64 + "'")]
    [InlineData("OWNER_KEY = \"0x" + Hex64 + "\"")]
    [InlineData("{\"note\": \"{\\\"pk\\\": \\\"0x" + Hex64 + "\\\"}\"}")]
    public void Ethereum_keys_under_wallet_key_names_are_found(string text) =>
        AssertFoundExactly(text, "0x" + Hex64);

    [Theory]
    [InlineData("{\"wallet_key\": \"" + Hex64 + "\"}")]
    [InlineData("network: sepolia\nDEPLOYER_KEY: " + Hex64 + "\n")]
    [InlineData("ownerKey=" + Hex64)]
    public void Ethereum_keys_without_0x_under_key_names_are_found(string text) =>
        AssertFoundExactly(text, Hex64);

    [Theory]
    [InlineData("{\"hash\":\"0x" + Hex64 + "\",\"blockHash\":\"0x" + Hex64 + "\"}")]
    [InlineData("{\"key\":\"0x" + Hex64 + "\",\"value\":\"0x01\"}")] // eth_getProof's storage proof
    [InlineData("{\"params\":[\"0x5FbDB2315678afecb367f032d93F642f64180aa3\",\"0x" + Hex64 + "\",\"latest\"]}")]
    [InlineData("{\"txpk\": 12, \"slot\": \"0x" + Hex64 + "\"}")]
    [InlineData("{\"apk\": \"0x" + Hex64 + "\"}")] // "pk" must be the name's last segment or the name
    [InlineData("{\"signer\": \"0x" + Hex64 + "\", \"wallet\": \"0x" + Hex64 + "\"}")] // Sui and Aptos addresses are 32 bytes
    [InlineData("{\"pk\": \"" + Hex64 + "\"}")] // without 0x: an Ed25519 (Nostr) public key as often
    public void Hashes_slots_and_storage_keys_are_not_wallet_keys(string text) =>
        Assert.Empty(Assignments(text));

    [Fact]
    public void A_keystore_ciphertext_needs_its_kdf_parameters_near()
    {
        Assert.Contains(Scan(Tokens.InContext("ethereum-keystore")), f => f.RuleId == "ethereum-keystore");
        Assert.DoesNotContain(Scan("{\"ciphertext\": \"" + Hex64 + "\", \"nonce\": \"00\"}"), f => f.RuleId == "ethereum-keystore");
    }

    [Fact]
    public void Minisign_public_keys_and_keytab_look_alikes_stay_quiet()
    {
        // a public key: "Ed", an 8-byte key id and the 32-byte key (42 bytes, 56 characters)
        string publicKey = Convert.ToBase64String([.. "Ed"u8, .. Tokens.Bytes(40, 3220)]);
        Assert.Empty(Scan("untrusted comment: minisign public key\n" + publicKey + "\n"));

        // base64 of 05 02 and then no entry (a size of zero), and of 05 02 with a realm of control bytes
        Assert.Empty(Scan(Convert.ToBase64String([5, 2, 0, 0, 0, 0, .. Tokens.Bytes(60, 3221)])));
        Assert.Empty(Scan(Convert.ToBase64String([5, 2, 0, 0, 0, 72, 0, 1, 0, 4, 1, 2, 3, 4, .. Tokens.Bytes(60, 3222)])));
    }

    [Theory]
    [InlineData("https://teams.microsoft.com/l/meetup-join/19%3ameeting_" + "NzQ2ZjIwYTAtYjQ1Ni00ZDQ3LWEzYWQtMTJlNTFkNGNhYjUx" + "%40thread.v2/0")]
    [InlineData("https://contoso.webhook.office.com/webhookb2/not-a-guid@also-not/IncomingWebhook/")]
    public void Office_urls_that_are_no_webhook_stay_quiet(string url) =>
        Assert.DoesNotContain(Scan(url), f => f.RuleId == "teams-webhook-url");

    [Theory]
    [InlineData("{\"note\": \"contrase\\u00f1a: g4JZJUNnXSeY&v\"}", "g4JZJUNnXSeY&v")]
    [InlineData("{\"note\": \"\\u043f\\u0430\\u0440\\u043e\\u043b\\u044c: UrgeFish60#\"}", "UrgeFish60#")]
    [InlineData("{\"note\": \"\\u5bc6\\u7801\\uff1aVSTJwMEPj#c*Tr\"}", "VSTJwMEPj#c*Tr")]
    [InlineData("Lösenord: " + Drawn, Drawn)]
    [InlineData("jelszó: " + Drawn, Drawn)]
    [InlineData("Contraseña: " + Drawn, Drawn)]
    [InlineData("Парола: " + Chosen, Chosen)]
    [InlineData("كلمة المرور: " + Chosen, Chosen)]
    [InlineData("비밀번호: MasterAlcohol80!", "MasterAlcohol80!")]
    [InlineData("şifre: ResembleLounge28#", "ResembleLounge28#")]
    public void Labels_in_other_languages_in_json_escapes_and_new_languages_are_found(string text, string value)
    {
        var f = Assert.Single(Assignments(text));
        Assert.Equal(value, text.Contains("\\u", StringComparison.Ordinal) ? value : text.Substring(f.Start, f.Length));
    }

    [Theory]
    [InlineData("Contraseña: ********")]
    [InlineData("{\"label\": \"Contrase\\u00f1a: (m\\u00ednimo 8 caracteres)\"}")]
    [InlineData("Lösenord: Glömt lösenordet?")]
    [InlineData("jelszó: Elfelejtett")]
    [InlineData("كلمة المرور: مطلوبة")]
    public void Form_labels_in_other_languages_stay_quiet(string text) => Assert.Empty(Assignments(text));

    [Theory]
    [InlineData("PIN 4821, password " + Chosen, Chosen)]
    [InlineData("password " + Drawn, Drawn)]
    [InlineData("secret is ParrotDelay10!", "ParrotDelay10!")]
    [InlineData("the password is ParrotDelay10!", "ParrotDelay10!")]
    [InlineData("token -> KiwiOval20$", "KiwiOval20$")]
    [InlineData("api_key => " + Drawn, Drawn)]
    [InlineData("password = X k 9 m Q 2 v L p 7 R t Y 4 w Z", "X k 9 m Q 2 v L p 7 R t Y 4 w Z")]
    [InlineData("machine artifactory.corp.example login ci password -ziH_-sBU#AM79Fc6pAP", "-ziH_-sBU#AM79Fc6pAP")]
    [InlineData("ADMIN_PW=" + Drawn, Drawn)]
    [InlineData("user: deploy\npw: 9XiztY7G%2Aj", "9XiztY7G%2Aj")]
    [InlineData("{\"content\": \"Login to the staging box.\\nuser: deploy\\npw=QxCgwZw6k9kZA\"}", "QxCgwZw6k9kZA")]
    [InlineData("{\"db_pw\": \"Tq7#vLm2Rk9pXz4W\"}", "Tq7#vLm2Rk9pXz4W")]
    public void Values_after_prose_arrows_blanks_and_pw_names_are_found(string text, string value) =>
        AssertFoundExactly(text, value);

    [Theory]
    [InlineData("Reset your password Monday2024 style passwords are weak.")]
    [InlineData("the secret is Out there")]
    [InlineData("Use token -> Refresh flow.")]
    [InlineData("htpasswd -D /etc/nginx/.htpasswd Xk9mQ2vLp7zR4tW8y")]
    [InlineData("the default password Admin123!x is printed on the label")]
    [InlineData("password = a b c d e f g h i j k l then more words")]
    [InlineData("CONFIG_PWM_PWMX=y\nsys_pw_state: Enabled\nread_pw = 12\n")]
    [InlineData("the upward trend; pw: 12; PWM: Enabled2; cd $PWD; echo $pw")]
    public void Prose_paths_and_pw_look_alikes_stay_quiet(string text) => Assert.Empty(Assignments(text));

    [Fact]
    public void Latin1_noise_after_a_key_fragment_is_no_value()
    {
        // a gzip file's bytes read as Latin-1: "_Pw:" then symbols and a C1 control (U+0097)
        Assert.Empty(Assignments("\u00eb\u00e8-\u001f\u00de\u00ca\u00b9_Pw:\u00f7\u00c6\u00bfps\u00b2\u00b0\u00c8\u0097^\u00bc\u00fa\u00e6\u00ed\u00f3\u00a7/_}"));
        Assert.Empty(Assignments("x_pw=Ab3d\u0085efgh1234567"));
    }

    [Fact]
    public void A_solana_keypair_under_a_wallet_name_is_found()
    {
        string spaced = "[" + string.Join(", ", Tokens.Bytes(64, 3230)) + "]";
        Assert.DoesNotContain(Scan(spaced), f => f.RuleId == "solana-keypair"); // spaced and alone: as often a digest a script printed
        AssertFoundExactly("{\"wallet\": " + spaced + "}", spaced, "solana-keypair");
        Assert.DoesNotContain(Scan("{\"wallet\": \"7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJosgAsU\", \"signature\": " + spaced + "}"), f => f.RuleId == "solana-keypair");
    }
}
