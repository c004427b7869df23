using System.Text.Json;
using BotBottle.Planning;

namespace BotBottle.Tests.Planning;

/// <summary>The readable contexts (<c>ReadableJson.Of</c>): relaxed escaping, every other option of their context kept.</summary>
public class ReadableJsonTests
{
    private static readonly BottleMetadata Meta = new()
    {
        Slug = "dev-a+b",
        State = BottleState.Failed,
        Agent = "dev",
        ProjectPath = "/home/op/l'été",
        CreatedAt = DateTimeOffset.UnixEpoch,
        UpdatedAt = DateTimeOffset.UnixEpoch,
    };

    [Fact]
    public void Readable_contexts_write_plus_quote_and_non_ascii_as_themselves_and_keep_the_context_options()
    {
        var plain = JsonSerializer.Serialize(Meta, PlanJsonContext.Default.BottleMetadata);
        var readable = JsonSerializer.Serialize(Meta, PlanJsonContext.Readable.BottleMetadata);

        Assert.Contains("\"projectPath\": \"/home/op/l\\u0027\\u00E9t\\u00E9\"", plain, StringComparison.Ordinal);
        Assert.Contains("\"projectPath\": \"/home/op/l'été\"", readable, StringComparison.Ordinal);
        Assert.Contains("\"slug\": \"dev-a+b\"", readable, StringComparison.Ordinal);
        Assert.Contains("\"state\": \"failed\"", readable, StringComparison.Ordinal); // camelCase enum, indented
        Assert.DoesNotContain("\"label\"", readable, StringComparison.Ordinal); // nulls omitted
        Assert.Equal(readable, JsonSerializer.Serialize(Meta, CoreJsonContext.Readable.BottleMetadata));
        Assert.Same(PlanJsonContext.Readable, PlanJsonContext.Readable);

        var back = JsonSerializer.Deserialize(readable, PlanJsonContext.Default.BottleMetadata)!;
        Assert.Equal((Meta.Slug, Meta.State, Meta.ProjectPath), (back.Slug, back.State, back.ProjectPath));
    }
}
