using BotBottle.Dlp;
using static BotBottle.Tests.Dlp.DlpTestHelpers;

namespace BotBottle.Tests.Dlp;

/// <summary>
/// AWS's documented example secret access keys (<c>…EXAMPLEKEY</c>,
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html) sent without the name
/// <c>aws_secret_access_key</c>: found by the lead's probe of the published CLI — alone in a query or a body, and under a
/// generic credential name (<c>secret=</c>, where the word <c>example</c> made the value a placeholder), they were
/// allowed. Issue 16: a credential-shaped value sent out is the event, reported with <c>validated: false</c>.
/// </summary>
public sealed class AwsDocumentationSecretTests
{
    public static TheoryData<string, string> Shapes => new()
    {
        { "/v1/x?s=" + Tokens.Published.AwsExampleSecret, "" },
        { "/v1/x?s=" + Uri.EscapeDataString(Tokens.Published.AwsExampleSecret), "" },
        { "/v1/notes", "{\"v\": \"" + Tokens.Published.AwsExampleSecret + "\"}" },
        { "/v1/notes", "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY" },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void A_documented_example_secret_without_its_name_is_reported_unvalidated(string pathAndQuery, string body)
    {
        var report = Engine.ScanRequest(Request(pathAndQuery, body.Length == 0 ? null : body, "application/json"), DlpDetectors.All);
        var finding = Assert.Single(report.Findings, f => f.RuleId == "aws-secret-access-key");
        Assert.False(finding.Validated);
    }

    [Theory]
    [InlineData("secret=" + Tokens.Published.AwsExampleSecret)]
    [InlineData("{\"client_secret\": \"" + Tokens.Published.AwsExampleSecret + "\"}")]
    [InlineData("password: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")]
    public void A_documented_example_key_under_a_credential_name_is_reported(string body)
    {
        Assert.NotEmpty(Engine.ScanRequest(Request("/v1/notes", body, "text/plain"), DlpDetectors.All).Findings);
    }

    [Theory]
    [InlineData("secret=your-example-secret-here")]
    [InlineData("api_key=EXAMPLE_API_KEY_1234567890")]
    [InlineData("token=ExampleToken")]
    [InlineData("password=MyEXAMPLEpass1")]
    [InlineData("{\"id\": \"4f0cFeEXAMPLEKEYabc\"}")]
    [InlineData("sha1 0123456789abcdef0123456789EXAMPLEKEY")]
    [InlineData("{\"etag\": \"f3c0b9d4e2a1c7b6a5d4e3f2a1b0c9d8e7f6a5b4\"}")]
    public void Placeholders_and_values_that_are_not_the_documented_shape_stay_clean(string body)
    {
        Assert.Empty(Engine.ScanRequest(Request("/v1/notes", body, "text/plain"), DlpDetectors.All).Findings);
    }
}
