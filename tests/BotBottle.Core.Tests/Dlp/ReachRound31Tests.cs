using BotBottle.Dlp;
using static BotBottle.Tests.Dlp.DlpTestHelpers;

namespace BotBottle.Tests.Dlp;

/// <summary>
/// The r31 round of issue 16: a fifth black-box red team's largest miss — passwords and keys behind labels other than
/// the English names (<c>Passwort:</c>, <c>пароль:</c>, <c>API key:</c>, "the password for prod is …") — wallet keys
/// (<c>private key: &lt;64 hex&gt;</c>, Nostr <c>nsec1…</c>), <c>*_KEY</c> / <c>*_PAT</c> values written as PowerShell, cmd,
/// Go and YAML write them, and the red team's false positives (word lists read as seed phrases, Luhn-valid ids under id
/// names, an <c>AKIAXXXXXXXXXXXXXXXX</c> mask). Values are made up in the shapes the labels carry.
/// </summary>
public sealed class ReachRound31Tests
{
    private const string Drawn = "T8YnwRHeTyY4Te9A";
    private const string Key40 = "gfaxVrzWQxehwjqfQLqsFeL0sNonnweka9u1WwZq";
    private const string Hex64 = "85f7829553e353a03c7a60e137fd181b26069a91c2fd451f42f7c0b1d3e5a6b2";

    [Theory]
    [InlineData("Passwort: " + Drawn)]
    [InlineData("Das Passwort ist " + Drawn + ".")]
    [InlineData("mot de passe : " + Drawn)]
    [InlineData("le mot de passe est " + Drawn)]
    [InlineData("Hasło: " + Drawn)]
    [InlineData("şifre: " + Drawn)]
    [InlineData("Пароль: " + Drawn)]
    [InlineData("пароль — " + Drawn)]
    [InlineData("密码是" + Drawn)]
    [InlineData("密码：" + Drawn)]
    [InlineData("パスワードは " + Drawn)]
    [InlineData("비밀번호는 " + Drawn)]
    [InlineData("κωδικός: " + Drawn)]
    [InlineData("{\"Passwort\": \"" + Drawn + "\"}")]
    [InlineData("Benutzer: admin\nPasswort: Sommer2024!Kx\n")]
    [InlineData("Passwort: Sommer2024")] // r32: after ':' the value is taken as "password: Summer2024" is (it was left quiet in r31)
    public void A_password_under_a_label_in_another_language_is_found(string text) =>
        Assert.Contains(Assignments(text), f => text.Substring(f.Start, f.Length) is Drawn or "Sommer2024!Kx" or "Sommer2024");

    [Theory]
    [InlineData("Passwort: ********")]
    [InlineData("Passwort vergessen? Passwort: <dein Passwort>")]
    [InlineData("mot de passe : votre mot de passe")]
    [InlineData("contraseña: ${DB_PASSWORD}")]
    [InlineData("Das Passwort ist mindestens 12 Zeichen lang.")]
    [InlineData("пароль: пароль")]
    [InlineData("密码：请输入密码")]
    [InlineData("senha: SuaSenha")]
    [InlineData("Kennwort: changeme")]
    [InlineData("la parola chiave è importante")]
    [InlineData("Heslo: heslo123")]
    [InlineData("Passwort-Manager: KeePassXC2")]
    [InlineData("impasse: Xk9mQ2vLp7RtY4wZ")] // "passe" is the label only after "mot de"
    public void Labels_forms_and_placeholders_in_other_languages_stay_quiet(string text) =>
        Assert.Empty(Assignments(text));

    [Theory]
    [InlineData("API key: " + Key40)]
    [InlineData("\"api key\": \"" + Key40 + "\"")]
    [InlineData("Secret Key: " + Key40)]
    [InlineData("private key: " + Hex64)]
    [InlineData("Private Key: 0x" + Hex64)]
    [InlineData("privkey=" + Hex64)]
    [InlineData("my wallet private key is 0x" + Hex64)]
    [InlineData("The password is tYOtTgpgcoHfw5.")]
    [InlineData("the password for prod is: tYOtTgpgcoHfw5")]
    [InlineData("password of the admin account was tYOtTgpgcoHfw5")]
    [InlineData("password=!Xk9mQ2vLp7RtY4wZ")]
    [InlineData("password: -Xk9mQ2vLp7RtY4wZ")]
    public void Two_word_labels_prose_and_symbol_led_values_are_found(string text) =>
        Assert.NotEmpty(Assignments(text));

    [Theory]
    [InlineData("The password is NTLMv2Hash compatible.")]
    [InlineData("the password for the vault is stored in 1Password")]
    [InlineData("The API key: see the dashboard")]
    [InlineData("private key is 0x" + "0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("password: !Ref DbPassword")]
    [InlineData("password: *default_pw")]
    [InlineData("password=$Xk9mQ2vLp7RtY4wZ")] // a shell variable
    [InlineData("password=#{db_password}")]
    public void Prose_references_and_masks_stay_quiet(string text) =>
        Assert.Empty(Assignments(text));

    [Theory]
    [InlineData("APP_KEY=" + Key40 + "\n")] // the body's first line: the run starts within 8 characters
    [InlineData("GH_PAT=" + Key40 + "\n")]
    [InlineData("$env:APP_KEY = \"" + Key40 + "\"")]
    [InlineData("$Env:GH_PAT = '" + Key40 + "'")]
    [InlineData("set APP_KEY=" + Key40)]
    [InlineData("APP_KEY := \"" + Key40 + "\"")]
    [InlineData("ghPat := \"" + Key40 + "\"")]
    [InlineData("let ghPat = \"" + Key40 + "\";")]
    [InlineData("env:\n  APP_KEY: \"" + Key40 + "\"\n")]
    public void Key_and_pat_values_are_found_as_shells_and_languages_write_them(string text) =>
        Assert.Contains(Assignments(text), f => text.Substring(f.Start, f.Length) == Key40);

    [Theory]
    [InlineData("var pat = \"" + Key40 + "\";")] // a bare "pat" takes only Azure DevOps' shapes (r30)
    [InlineData("x=1\nset CACHE_DIR=" + Key40)]
    public void Other_names_stay_quiet(string text) => Assert.Empty(Assignments(text));

    [Fact]
    public void A_nostr_private_key_is_validated_by_its_bech32_checksum_and_a_broken_one_is_still_reported()
    {
        string key = Tokens.Bech32("nsec", 3102);
        var good = Assert.Single(Scan("nostr: " + key), f => f.RuleId == "nostr-private-key");
        Assert.True(good.Validated);
        var bad = Assert.Single(Scan("nostr: " + Tokens.Bech32("nsec", 3102, breakChecksum: true)), f => f.RuleId == "nostr-private-key");
        Assert.False(bad.Validated);
        Assert.DoesNotContain(Scan("npub: " + Tokens.Bech32("npub", 3103)), f => f.RuleId == "nostr-private-key");
    }

    [Theory]
    [InlineData("cat\ndog\nhorse\npig\ngoat\nchicken\nduck\nfish\nbird\nmouse\nlion\ntiger\nwolf\nfox")] // 14 words
    [InlineData("Supported avatar icons: cat, dog, horse, pig, goat, chicken, duck, fish, bird, mouse, lion, tiger, wolf, fox. Add an elephant.")]
    public void A_list_of_wordlist_words_not_of_a_mnemonic_length_without_a_valid_checksum_is_no_seed_phrase(string text)
    {
        // each 12-word window of these lists fails the BIP-39 checksum (else it would be reported, validated)
        Assert.DoesNotContain(Scan(text), f => f.RuleId == "crypto-seed-phrase");
    }

    [Theory]
    [InlineData("{\"tracking_number\": \"4696642868476524\", \"carrier\": \"dhl\"}")]
    [InlineData("{\"order_ids\": [9308528210006259, 2212250201724971, 4698938501178124]}")]
    [InlineData("ean=4696642868476524")]
    public void A_luhn_valid_number_under_an_id_or_code_name_is_no_card(string text) =>
        Assert.DoesNotContain(Scan(text), f => f.RuleId == "payment-card");

    [Theory]
    [InlineData("{\"card_number\": \"4696642868476524\"}")]
    [InlineData("{\"number\": \"4242424242424242\", \"exp_month\": 12}")]
    [InlineData("{\"card_id\": \"4696642868476524\"}")]
    [InlineData("card: 4696642868476524")]
    public void A_card_under_a_card_name_is_still_found(string text) =>
        Assert.Contains(Scan(text), f => f.RuleId == "payment-card");

    [Fact]
    public void An_access_key_id_mask_is_no_key_but_the_documentation_example_is_reported_unvalidated()
    {
        Assert.DoesNotContain(Scan("aws_access_key_id = AKIAXXXXXXXXXXXXXXXX\n"), f => f.RuleId == "aws-access-key-id");
        Assert.Contains(Scan("aws_access_key_id = AKIAIOSFODNN7EXAMPLE\n"), f => f.RuleId == "aws-access-key-id" && !f.Validated);
    }
}
