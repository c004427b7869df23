using BotBottle.Dlp;
using static BotBottle.Tests.Dlp.DlpTestHelpers;

namespace BotBottle.Tests.Dlp;

/// <summary>
/// The r33 round of issue 16: a JSON key spelled with <c>\u</c> escapes of ASCII letters, the password of a Terraform
/// state's <c>random_password</c> resource, an Ethereum keystore pasted into a JSON string or written as YAML — and the look-alikes each must leave alone. Values are made up in the shapes
/// the formats carry.
/// </summary>
public sealed class ReachRound33Tests
{
    private const string Drawn = "q7VmK2xLp9Rt4wZn8Hb";

    [Theory]
    [InlineData("{\"\\u0070assword\": \"" + Drawn + "\"}")]
    [InlineData("{\"\\u0070assword\":\"" + Drawn + "\"}")]
    [InlineData("{\"\\u0070\\u0061\\u0073\\u0073\\u0077\\u006f\\u0072\\u0064\": \"" + Drawn + "\"}")]
    [InlineData("{\"db\": {\"\\u0073ecret\" : \"" + Drawn + "\", \"port\": 5432}}")]
    public void A_key_spelled_with_ascii_u_escapes_names_its_value(string json) =>
        Assert.Contains(Scan(json), f => f.RuleId == "credential-assignment");

    [Theory]
    [InlineData("{\"na\\u00efve\": \"yes\", \"\\u0063olour\": \"blue\"}")]
    [InlineData("{\"\\u0070assword_hint\": \"your pet's name\"}")]
    [InlineData("{\"\\u0074itle\": \"Reset your password\", \"body\": \"" + Drawn + "\"}")]
    public void Escaped_keys_that_name_no_secret_or_hold_no_value_are_not_findings(string json) =>
        Assert.DoesNotContain(Scan(json), f => f.RuleId == "credential-assignment");

    private const string State = """
        {"version": 4, "terraform_version": "1.6.2", "resources": [
          {"mode": "managed", "type": "random_id", "name": "suffix", "instances": [{"attributes": {"hex": "9f2c", "result": "ignored-id"}}]},
          {"mode": "managed", "type": "random_password", "name": "db", "provider": "provider[\"registry.terraform.io/hashicorp/random\"]",
           "instances": [{"schema_version": 3, "attributes": {"id": "none", "length": 24, "result": "q7V!mK2#xLp9@Rt4&wZn8$Hb", "special": true}, "sensitive_attributes": []}]}
        ]}
        """;

    [Fact]
    public void A_terraform_state_random_password_result_is_found()
    {
        var found = Scan(State).FindAll(f => f.RuleId == "credential-assignment");
        Assert.Single(found);
        Assert.Equal(State.IndexOf("q7V!", StringComparison.Ordinal), found[0].Start);
        Assert.Equal(24, found[0].Length);
    }

    [Fact]
    public void A_terraform_state_sent_inside_a_json_string_is_found()
    {
        string escaped = State.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
        string body = "{\"model\": \"m\", \"messages\": [{\"role\": \"user\", \"content\": \"here is my state:\\n" + escaped + "\"}]}";
        Assert.Contains(Scan(body), f => f.RuleId == "credential-assignment");
    }

    [Theory]
    [InlineData("{\"mode\": \"managed\", \"type\": \"random_password\", \"name\": \"db\"}\n{\"mode\": \"managed\", \"type\": \"random_id\", \"instances\": [{\"attributes\": {\"result\": \"a8f3c2d19e\"}}]}")]
    [InlineData("resource \"random_password\" \"db\" {\n  length = 24\n}\noutput \"result\" { value = \"x\" }")]
    [InlineData("{\"type\": \"random_password\", \"instances\": [{\"attributes\": {\"result\": \"\"}}]}")]
    public void A_random_password_without_its_own_result_is_not_a_finding(string text) =>
        Assert.DoesNotContain(Scan(text), f => f.RuleId == "credential-assignment");

    private const string Keystore = """{"address": "008aeeda4d805471df9b2a5b0f38a0c3bcba786b", "crypto": {"cipher": "aes-128-ctr", "ciphertext": "5318b4d5bcd28de64ee5559e671353e16f075ecae9f99c7a79a38af5f869aa46", "cipherparams": {"iv": "6087dab2f9fdbbfaddc31a909735c1e6"}, "kdf": "scrypt", "kdfparams": {"dklen": 32, "n": 262144, "p": 1, "r": 8, "salt": "ae3cd4e7013836a3df6bd7241b12db061dbe2c6785853cce422d148a624ce0bd"}, "mac": "517ead924a9d0dc3124507e3393d175ce3ff7c1e96529c6c555ce9e51205e9b2"}, "id": "3198bc9c-6672-5ab3-d995-4942343ae5b6", "version": 3}""";

    [Fact]
    public void A_keystore_pasted_into_an_llm_request_or_written_as_yaml_is_found()
    {
        string escaped = Keystore.Replace("\"", "\\\"", StringComparison.Ordinal);
        Assert.Contains(Scan("{\"messages\": [{\"role\": \"user\", \"content\": \"decrypt this: " + escaped + "\"}]}"), f => f.RuleId == "ethereum-keystore");
        string yaml = "crypto:\n  cipher: aes-128-ctr\n  ciphertext: 5318b4d5bcd28de64ee5559e671353e16f075ecae9f99c7a79a38af5f869aa46\n  kdf: scrypt\n  kdfparams:\n    n: 262144\n";
        Assert.Contains(Scan(yaml), f => f.RuleId == "ethereum-keystore");
    }

    [Theory]
    [InlineData("{\"ciphertext\": \"5318b4d5bcd28de64ee5559e671353e16f075ecae9f99c7a79a38af5f869aa46\", \"nonce\": \"6087dab2f9fdbbfa\"}")]
    [InlineData("old_ciphertext: 5318b4d5bcd28de64ee5559e671353e16f075ecae9f99c7a79a38af5f869aa46\nkdfparams: see docs\n")]
    public void A_ciphertext_without_a_keystore_around_it_is_not_a_keystore(string text) =>
        Assert.DoesNotContain(Scan(text), f => f.RuleId == "ethereum-keystore");
}
