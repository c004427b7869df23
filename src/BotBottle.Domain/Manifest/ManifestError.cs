using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using System.Text.Json.Serialization;
using BotBottle.Errors;
using BotBottle.Serialization;

namespace BotBottle.Manifest;

/// <summary>
/// Stable name of a manifest problem. Scripts and tests match on these; the message around them may improve.
/// Serialized as its PascalCase name.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<ManifestErrorCode>))]
public enum ManifestErrorCode
{
    /// <summary>The file is not UTF-8 text (binary content, invalid UTF-8, NUL characters) or is too large.</summary>
    NotText,

    /// <summary>The file does not start with a <c>---</c> line opening the YAML frontmatter (an empty file too).</summary>
    MissingFrontmatter,

    /// <summary>The frontmatter opened by the first <c>---</c> line is never closed by another <c>---</c> line.</summary>
    UnterminatedFrontmatter,

    /// <summary>The YAML is malformed (YamlDotNet's scanner or parser refused it), or uses a construct manifests do not allow (anchors, aliases, several documents, nesting deeper than 32 levels).</summary>
    YamlSyntax,

    /// <summary>A key appears twice in one map.</summary>
    DuplicateKey,

    /// <summary>A key the schema does not define at that level.</summary>
    UnknownKey,

    /// <summary>A key that existed in earlier versions and was removed on purpose (<c>supervise</c>, <c>capability</c>).</summary>
    RemovedKey,

    /// <summary>A key that is valid elsewhere but not at this level (for example <c>git-gate.repos</c> in an agent).</summary>
    MisplacedKey,

    /// <summary>A value has the wrong YAML type (a list where a map is expected, a boolean where text is expected, …).</summary>
    WrongType,

    /// <summary>A required key is missing (a route without <c>host</c>, a repository without <c>url</c>, …).</summary>
    MissingKey,

    /// <summary>A value is of the right type but not allowed (unknown enum word, out-of-range number, malformed URL, …).</summary>
    InvalidValue,

    /// <summary>A manifest, bottle, agent, provider, skill or repository name does not follow the naming rule.</summary>
    InvalidName,

    /// <summary>An environment variable name is not a portable name (<c>^[A-Za-z_][A-Za-z0-9_]*$</c>).</summary>
    InvalidEnvName,

    /// <summary>A route <c>host</c> is not an exact DNS host name (scheme, port, path, wildcard or IP literal).</summary>
    InvalidHost,

    /// <summary><c>auth: {}</c>, or an <c>auth</c> map without <c>scheme</c> or <c>token_ref</c>.</summary>
    EmptyAuth,

    /// <summary>Two routes in one file (or one routes list) name the same host.</summary>
    DuplicateRouteHost,

    /// <summary>The same item is listed twice where items must be unique (detectors, methods, <c>extends</c> names).</summary>
    DuplicateValue,

    /// <summary>A <c>regex</c> pattern does not compile with <c>RegexOptions.NonBacktracking</c>.</summary>
    InvalidRegex,

    /// <summary>An HTTP method is not an RFC 9110 token.</summary>
    InvalidMethod,

    /// <summary>The <c>extends</c> chain loops back on itself (a bottle that extends itself included).</summary>
    ExtendsCycle,

    /// <summary>A bottle named in <c>extends</c> does not exist in the home <c>bottles/</c> folder.</summary>
    MissingParent,

    /// <summary>The bottle an agent names does not exist in the home <c>bottles/</c> folder.</summary>
    MissingBottle,

    /// <summary><c>agent_provider.template</c> names neither a built-in provider nor a plugin in <c>&lt;home&gt;/providers/</c>.</summary>
    UnknownProvider,

    /// <summary>A provider plugin has the name of a built-in provider.</summary>
    ProviderShadowsBuiltIn,

    /// <summary>An <c>auth.token_ref</c> names an <c>env</c> entry that is not a secret (<c>"?"</c>) entry.</summary>
    TokenRefNotSecret,

    /// <summary>An <c>env</c> entry collides with the variable the provider fills with a placeholder.</summary>
    EnvConflictsWithProvider,

    /// <summary><c>agent_provider.auth_token</c> is set but the provider has no model API host.</summary>
    ProviderHasNoApi,

    /// <summary><c>agent_provider.forward_host_credentials</c> is set but the provider cannot use a host sign-in (<see cref="ProviderDefinition.HostLogin"/>).</summary>
    ProviderHasNoHostLogin,

    /// <summary><c>agent_provider.auth_token</c> and <c>agent_provider.forward_host_credentials: true</c> are both set: the agent would hold two sign-ins.</summary>
    ConflictingProviderCredentials,

    /// <summary>Warning: a <c>bottles/</c> folder inside the project was ignored (bottles come only from the home folder).</summary>
    ProjectBottlesIgnored,

    /// <summary>Warning: a project agent has the same name as a home agent and takes its place in this project.</summary>
    ProjectAgentShadowsHome,

    /// <summary>Warning: a skill an agent names is missing from <c>&lt;home&gt;/skills/</c> (preparing the agent fails until it exists).</summary>
    SkillNotFound,
}

/// <summary>How serious a <see cref="ManifestFinding"/> is.</summary>
[JsonConverter(typeof(CamelCaseEnumConverter<FindingSeverity>))]
public enum FindingSeverity
{
    /// <summary>The manifest cannot be used until this is fixed.</summary>
    Error,

    /// <summary>The manifest works, but something was ignored or will fail later.</summary>
    Warning,
}

/// <summary>A point in a source file, 1-based. Line and column 0 mean "the whole file / no position".</summary>
/// <param name="File">Path of the file (or the source name given to a parser).</param>
/// <param name="Line">1-based line, 0 when unknown.</param>
/// <param name="Column">1-based column, 0 when unknown.</param>
public readonly record struct SourceLocation(string File, int Line, int Column)
{
    /// <summary><c>file:line:col</c>, or just <c>file</c> when there is no position.</summary>
    public override string ToString() =>
        Line > 0 ? string.Create(CultureInfo.InvariantCulture, $"{File}:{Line}:{Column}") : File;
}

/// <summary>
/// One located problem in a manifest or routes file. <see cref="ToString"/> is the compiler-style line
/// <c>file:line:col: message (did you mean 'x'?)</c>. Messages name keys, never values that could be secrets.
/// </summary>
public sealed record ManifestError
{
    /// <summary>Creates an error.</summary>
    /// <param name="at">Where.</param>
    /// <param name="code">Stable code.</param>
    /// <param name="message">What is wrong and, where useful, what to do. Must not contain a secret value.</param>
    /// <param name="suggestion">The closest valid word, when there is one.</param>
    public ManifestError(SourceLocation at, ManifestErrorCode code, string message, string? suggestion = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(message);
        File = at.File;
        Line = at.Line;
        Column = at.Column;
        Code = code;
        Message = message;
        Suggestion = suggestion;
    }

    /// <summary>Path of the file.</summary>
    public string File { get; }

    /// <summary>1-based line in the file (for a Markdown manifest, a line of the .md file, not of the frontmatter); 0 when the error is about the whole file.</summary>
    public int Line { get; }

    /// <summary>1-based column; 0 when the error is about the whole file.</summary>
    public int Column { get; }

    /// <summary>Stable code.</summary>
    public ManifestErrorCode Code { get; }

    /// <summary>Human-readable message.</summary>
    public string Message { get; }

    /// <summary>The closest valid word ("did you mean"), or <see langword="null"/>.</summary>
    public string? Suggestion { get; }

    /// <summary>The position as a <see cref="SourceLocation"/>.</summary>
    [JsonIgnore]
    public SourceLocation Location => new(File, Line, Column);

    /// <summary><c>file:line:col: message (did you mean 'x'?)</c>.</summary>
    public override string ToString() =>
        Location + ": " + Message + (Suggestion is null ? string.Empty : $" (did you mean '{Suggestion}'?)");
}

/// <summary>
/// One finding of <c>Test-BottleManifest</c> / <c>bot-bottle validate</c>: a <see cref="ManifestError"/> with a
/// severity. Warnings say what was ignored (a project <c>bottles/</c> folder) or will fail later.
/// </summary>
public sealed record ManifestFinding
{
    /// <summary>Path of the file.</summary>
    public required string File { get; init; }

    /// <summary>1-based line in the file; 0 when the finding is about the whole file or folder.</summary>
    public int Line { get; init; }

    /// <summary>1-based column; 0 when the finding is about the whole file or folder.</summary>
    public int Column { get; init; }

    /// <summary>Stable code.</summary>
    public required ManifestErrorCode Code { get; init; }

    /// <summary>Human-readable message; never contains a secret value.</summary>
    public required string Message { get; init; }

    /// <summary>The closest valid word, or <see langword="null"/>.</summary>
    public string? Suggestion { get; init; }

    /// <summary>Error or warning.</summary>
    public FindingSeverity Severity { get; init; } = FindingSeverity.Error;

    /// <summary>An error finding from a <see cref="ManifestError"/>.</summary>
    public static ManifestFinding FromError(ManifestError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return new ManifestFinding
        {
            File = error.File,
            Line = error.Line,
            Column = error.Column,
            Code = error.Code,
            Message = error.Message,
            Suggestion = error.Suggestion,
        };
    }

    /// <summary>A warning finding.</summary>
    /// <param name="at">Where.</param>
    /// <param name="code">Stable code.</param>
    /// <param name="message">What was ignored or will fail.</param>
    public static ManifestFinding Warning(SourceLocation at, ManifestErrorCode code, string message) => new()
    {
        File = at.File,
        Line = at.Line,
        Column = at.Column,
        Code = code,
        Message = message,
        Severity = FindingSeverity.Warning,
    };

    /// <summary>
    /// <c>file:line:col: message (did you mean 'x'?)</c> for errors; <c>file:line:col: warning: message</c> for warnings.
    /// </summary>
    public override string ToString() =>
        new SourceLocation(File, Line, Column) + ": " + (Severity == FindingSeverity.Warning ? "warning: " : string.Empty) + Message
        + (Suggestion is null ? string.Empty : $" (did you mean '{Suggestion}'?)");
}

/// <summary>
/// A manifest (bottle, agent, provider plugin) or routes file is invalid. Carries every located error found —
/// all errors of every file involved, not just the first. Error id <c>ManifestInvalid</c>, category
/// <see cref="BotBottleErrorCategory.InvalidData"/>, target: the first file with an error.
/// </summary>
public sealed class ManifestException : BotBottleException
{
    /// <summary>The error id of every <see cref="ManifestException"/>.</summary>
    public const string Id = "ManifestInvalid";

    /// <summary>Creates the exception from at least one error.</summary>
    /// <param name="errors">The errors, in file order.</param>
    public ManifestException(IEnumerable<ManifestError> errors)
        : this(Materialize(errors))
    {
    }

    private ManifestException(ImmutableArray<ManifestError> errors)
        : base(Id, BotBottleErrorCategory.InvalidData, Describe(errors))
    {
        Errors = errors;
        TargetObject = errors[0].File;
    }

    /// <summary>Every error, in file order; never empty.</summary>
    public ImmutableArray<ManifestError> Errors { get; }

    private static ImmutableArray<ManifestError> Materialize(IEnumerable<ManifestError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var list = errors.Distinct().ToImmutableArray();
        if (list.IsEmpty)
        {
            throw new ArgumentException("At least one error is required.", nameof(errors));
        }

        return list;
    }

    private static string Describe(ImmutableArray<ManifestError> errors)
    {
        var sb = new StringBuilder();
        var files = errors.Select(e => e.File).Distinct(StringComparer.Ordinal).Count();
        sb.Append(CultureInfo.InvariantCulture, $"The manifest is invalid ({errors.Length} {(errors.Length == 1 ? "error" : "errors")} in {files} {(files == 1 ? "file" : "files")}):");
        foreach (var e in errors)
        {
            sb.Append('\n').Append(e);
        }

        return sb.ToString();
    }
}
