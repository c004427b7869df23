using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace BotBottle.Cli.Output;

/// <summary>How a command prints its result.</summary>
internal enum OutputFormat
{
    /// <summary>Human-readable tables and text.</summary>
    Table,

    /// <summary>One JSON document on stdout, for automation.</summary>
    Json,
}

/// <summary>The shared <c>--format</c> option and JSON printing.</summary>
internal static class OutputFormats
{
    /// <summary>Creates a <c>--format table|json</c> option (default <c>table</c>).</summary>
    public static Option<OutputFormat> CreateOption() => new("--format", "-f")
    {
        Description = "Output format: table (default) or json (one JSON document on stdout).",
        DefaultValueFactory = _ => OutputFormat.Table,
        CustomParser = result =>
        {
            var token = result.Tokens.Count > 0 ? result.Tokens[0].Value : "table";
            if (token.Equals("json", StringComparison.OrdinalIgnoreCase))
            {
                return OutputFormat.Json;
            }

            if (!token.Equals("table", StringComparison.OrdinalIgnoreCase))
            {
                result.AddError($"--format must be 'table' or 'json', not '{token}'.");
            }

            return OutputFormat.Table;
        },
    };

    /// <summary>Writes <paramref name="value"/> as JSON followed by a newline.</summary>
    public static void WriteJson<T>(TextWriter writer, T value, JsonTypeInfo<T> type)
    {
        writer.WriteLine(JsonSerializer.Serialize(value, type));
    }
}
