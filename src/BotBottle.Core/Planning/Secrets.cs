using System.Collections.Immutable;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace BotBottle.Planning;

/// <summary>
/// A secret value (a token, a password) held in memory only. It is never written to disk, logged, put in an
/// exception message or passed on a command line: <see cref="ToString"/> returns <c>&lt;secret&gt;</c>, the debugger
/// shows <c>&lt;secret&gt;</c>, and JSON serialization writes <c>"&lt;secret&gt;"</c> and refuses to read one.
/// Only BotBottle.Core itself can read the value (to hand it to the sidecar through its environment or stdin).
/// </summary>
[DebuggerDisplay("<secret>")]
[JsonConverter(typeof(SecretValueJsonConverter))]
public sealed class SecretValue
{
    /// <summary>What every secret prints as.</summary>
    public const string Redacted = "<secret>";

    private readonly string _value;

    /// <summary>Wraps <paramref name="value"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is null.</exception>
    public SecretValue(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        _value = value;
    }

    /// <summary><see langword="true"/> when the value is empty (an empty answer to a prompt).</summary>
    public bool IsEmpty => _value.Length == 0;

    /// <summary>The value, for the code that hands it to the sidecar. Never log or format it.</summary>
    internal string Reveal() => _value;

    /// <summary>Always <c>&lt;secret&gt;</c>.</summary>
    public override string ToString() => Redacted;
}

/// <summary>Writes any <see cref="SecretValue"/> as <c>"&lt;secret&gt;"</c>; reading one from JSON is refused.</summary>
public sealed class SecretValueJsonConverter : JsonConverter<SecretValue>
{
    /// <inheritdoc />
    public override SecretValue Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        throw new JsonException("Secrets are never read from JSON.");

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, SecretValue value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(SecretValue.Redacted);
    }
}

/// <summary>A secret <c>env</c> entry to be supplied (<c>"?"</c> or <c>"?prompt text"</c>).</summary>
/// <param name="Name">The env entry's name, e.g. <c>GITHUB_TOKEN</c>.</param>
/// <param name="Prompt">The prompt text written after <c>?</c>; empty for a bare <c>"?"</c>.</param>
/// <param name="Agent">The agent being prepared (for prompts).</param>
public sealed record SecretRequest(string Name, string Prompt, string Agent)
{
    /// <summary>What to show when asking: the prompt text, else the name.</summary>
    public string PromptText => Prompt.Length > 0 ? $"{Prompt} ({Name})" : Name;

    /// <inheritdoc />
    public override string ToString() => Name;
}

/// <summary>Supplies secret <c>env</c> values at prepare/start time.</summary>
public interface ISecretSource
{
    /// <summary>The value for <paramref name="request"/>, or <see langword="null"/> when this source does not have it.</summary>
    /// <param name="request">Which secret.</param>
    /// <param name="cancellationToken">Cancels a prompt.</param>
    ValueTask<SecretValue?> GetSecretAsync(SecretRequest request, CancellationToken cancellationToken);
}

/// <summary>
/// Secrets from a dictionary: PowerShell's <c>-Secret</c> hashtable (after the cmdlet converted
/// <c>SecureString</c>s), secrets the cmdlet prompted for, and tests. Lookups use the dictionary's own comparer.
/// </summary>
public sealed class DictionarySecretSource : ISecretSource
{
    private readonly IReadOnlyDictionary<string, SecretValue> _secrets;

    /// <summary>Creates the source.</summary>
    public DictionarySecretSource(IReadOnlyDictionary<string, SecretValue> secrets)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        _secrets = secrets;
    }

    /// <inheritdoc />
    public ValueTask<SecretValue?> GetSecretAsync(SecretRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return ValueTask.FromResult(_secrets.TryGetValue(request.Name, out var v) ? v : null);
    }

    /// <summary>Lists names only.</summary>
    public override string ToString() => $"{_secrets.Count} secrets ({string.Join(", ", _secrets.Keys)})";
}

/// <summary>
/// Secrets from the environment for headless use: entry <c>NAME</c> is read from <c>BOT_BOTTLE_SECRET_NAME</c>.
/// The variable is read by this process only; it is never passed on to a child's command line.
/// </summary>
public sealed class EnvironmentSecretSource : ISecretSource
{
    /// <summary>Prefix of the variables this source reads.</summary>
    public const string Prefix = "BOT_BOTTLE_SECRET_";

    private readonly Func<string, string?> _environment;

    /// <summary>Creates the source.</summary>
    /// <param name="environment">Reads a variable (default: <see cref="Environment.GetEnvironmentVariable(string)"/>).</param>
    public EnvironmentSecretSource(Func<string, string?>? environment = null)
    {
        _environment = environment ?? Environment.GetEnvironmentVariable;
    }

    /// <summary>The variable that supplies secret <paramref name="name"/>: <c>BOT_BOTTLE_SECRET_&lt;name&gt;</c>.</summary>
    public static string VariableFor(string name) => Prefix + name;

    /// <inheritdoc />
    public ValueTask<SecretValue?> GetSecretAsync(SecretRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var value = _environment(VariableFor(request.Name));
        return ValueTask.FromResult(value is null ? null : new SecretValue(value));
    }
}

/// <summary>Asks each source in turn; the first that has the secret wins.</summary>
public sealed class CompositeSecretSource : ISecretSource
{
    private readonly ImmutableArray<ISecretSource> _sources;

    /// <summary>Creates the source.</summary>
    public CompositeSecretSource(params ISecretSource[] sources)
    {
        ArgumentNullException.ThrowIfNull(sources);
        _sources = [.. sources];
    }

    /// <inheritdoc />
    public async ValueTask<SecretValue?> GetSecretAsync(SecretRequest request, CancellationToken cancellationToken)
    {
        foreach (var s in _sources)
        {
            if (await s.GetSecretAsync(request, cancellationToken).ConfigureAwait(false) is { } v)
            {
                return v;
            }
        }

        return null;
    }
}

/// <summary>The resolved secrets of one prepared bottle, by env name. In memory only.</summary>
public sealed class SecretSet
{
    private readonly ImmutableDictionary<string, SecretValue> _values;

    internal SecretSet(ImmutableDictionary<string, SecretValue> values) => _values = values;

    /// <summary>No secrets.</summary>
    public static SecretSet Empty { get; } = new(ImmutableDictionary<string, SecretValue>.Empty.WithComparers(StringComparer.Ordinal));

    /// <summary>Names of the secrets held.</summary>
    public IEnumerable<string> Names => _values.Keys.Order(StringComparer.Ordinal);

    /// <summary>Number of secrets.</summary>
    public int Count => _values.Count;

    /// <summary>The secret for env entry <paramref name="name"/>.</summary>
    public bool TryGet(string name, out SecretValue value) => _values.TryGetValue(name, out value!);

    /// <summary>Names only, e.g. <c>2 secrets (API_KEY, GITHUB_TOKEN)</c>.</summary>
    public override string ToString() => $"{Count} secrets ({string.Join(", ", Names)})";
}
