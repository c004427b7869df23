using System.Text.RegularExpressions;

namespace BotBottle.Manifest;

/// <summary>The naming rules of manifests (PRODUCT.md §3.1) and environment variables.</summary>
public static partial class ManifestNames
{
    /// <summary>
    /// A PowerShell-style wildcard (<c>*</c> any run, <c>?</c> one character; nothing else is special) as a whole-name,
    /// case-insensitive regular expression: the name patterns of <c>bot-bottle list active|bottles</c> and the proposal filters.
    /// </summary>
    /// <param name="pattern">The wildcard, e.g. <c>dev-*</c>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="pattern"/> is <see langword="null"/>.</exception>
    public static Regex Wildcard(string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        return new("^" + Regex.Escape(pattern).Replace("\\*", ".*", StringComparison.Ordinal).Replace("\\?", ".", StringComparison.Ordinal) + "$",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
    }

    /// <summary>The rule for agent, bottle and provider names (the file name without <c>.md</c>).</summary>
    public const string NamePattern = "^[a-z][a-z0-9-]*$";

    /// <summary>
    /// Longest agent name: the instance name <c>bot-bottle-&lt;agent&gt;-&lt;5 chars&gt;</c> must stay a valid DNS label
    /// (at most 63 characters, RFC 1035 §2.3.4), so the agent part may have 63 - 11 - 6 = 46 characters.
    /// </summary>
    public const int MaxAgentNameLength = 46;

    /// <summary>Longest bottle or provider name (a DNS label).</summary>
    public const int MaxNameLength = 63;

    /// <summary>Whether <paramref name="name"/> follows <see cref="NamePattern"/> and is at most <see cref="MaxNameLength"/> characters.</summary>
    public static bool IsValidName(string? name) => name is { Length: > 0 and <= MaxNameLength } && Name().IsMatch(name);

    /// <summary>Whether <paramref name="name"/> is a portable environment variable name (<c>^[A-Za-z_][A-Za-z0-9_]*$</c>, POSIX.1-2017 §8.1).</summary>
    public static bool IsValidEnvName(string? name) => name is { Length: > 0 and <= 255 } && EnvName().IsMatch(name);

    [GeneratedRegex(NamePattern, RegexOptions.CultureInvariant)]
    private static partial Regex Name();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$", RegexOptions.CultureInvariant)]
    private static partial Regex EnvName();
}
