using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace BotBottle.Serialization;

/// <summary>
/// The "readable" variant of a source-generated JSON context: the same metadata and options, with relaxed escaping
/// (<c>+</c>, <c>'</c> and non-ASCII written as themselves), for files and terminals an operator reads rather than
/// for embedding in HTML. The output is still valid JSON that the plain context reads back. A context offers it as
/// <c>public static TContext Readable =&gt; s_readable.Value;</c> over
/// <c>private static readonly Lazy&lt;TContext&gt; s_readable = new(() =&gt; new(ReadableJson.Options(Default)));</c>
/// (lazy because the generated <c>Default</c> is initialized after the static fields of the hand-written partial).
/// </summary>
public static class ReadableJson
{
    /// <summary>A copy of <paramref name="context"/>'s options with <see cref="JavaScriptEncoder.UnsafeRelaxedJsonEscaping"/>.</summary>
    /// <param name="context">The context's <c>Default</c> instance.</param>
    /// <exception cref="ArgumentNullException"><paramref name="context"/> is null (read before the generated <c>Default</c> exists).</exception>
    public static JsonSerializerOptions Options(JsonSerializerContext? context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new JsonSerializerOptions(context.Options)
        {
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
    }
}
